// Fixtures for the browser tests: a static file server (the "portal" origin), the real wharf
// binary on a loopback port chosen at run time with a fresh data directory, the aws CLI from
// the project's venv, and headless Chromium through playwright-core. Everything is cleaned up.

import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir, homedir } from "node:os";
import { join, extname, resolve, dirname } from "node:path";
import { randomBytes, createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const ARTIFACTS = join(ROOT, "tests/artifacts");

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json", ".ts": "text/plain" };

/** Serves `dir` on 127.0.0.1 at a free port; resolves to { origin, close }. */
export function staticServer(dir) {
  return new Promise((ok) => {
    const server = createServer((req, res) => {
      const path = join(dir, decodeURIComponent(new URL(req.url, "http://x").pathname));
      if (!path.startsWith(dir) || !existsSync(path)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "Content-Type": TYPES[extname(path)] || "application/octet-stream" });
      res.end(readFileSync(path));
    });
    server.listen(0, "127.0.0.1", () => ok({ origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() }));
  });
}

/** Starts the real wharf binary; resolves to { endpoint, env, stop }. */
export async function startWharf(extraArgs = []) {
  const bin = process.env.WHARF_BIN || join(ROOT, "target/debug/wharf");
  const dataDir = mkdtempSync(join(tmpdir(), "wharf-browser-"));
  const env = {
    ...process.env,
    WHARF_ROOT_ACCESS_KEY_ID: "AKIA" + randomBytes(8).toString("hex").toUpperCase(),
    WHARF_ROOT_SECRET_ACCESS_KEY: randomBytes(20).toString("base64"),
  };
  const child = spawn(bin, ["serve", "--data-dir", dataDir, "--listen", "127.0.0.1:0", ...extraArgs], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let out = "";
  child.stderr.on("data", (d) => (stderr += d));
  const endpoint = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`wharf did not start: ${stderr}`)), 30000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/wharf listening on (https?:\/\/[0-9.:]+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.on("exit", (code) => fail(new Error(`wharf exited with ${code}: ${stderr}`)));
  });
  const awsEnv = {
    ...process.env,
    AWS_ACCESS_KEY_ID: env.WHARF_ROOT_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: env.WHARF_ROOT_SECRET_ACCESS_KEY,
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
  return {
    endpoint,
    dataDir,
    /** The service's environment (its root key pair in WHARF_ROOT_*), for `wharf admin`. */
    env,
    stderr: () => stderr,
    stdout: () => out,
    /** Resolves to the first match of `re` in what wharf printed (waits up to 10 s). */
    async waitForOutput(re) {
      for (let i = 0; i < 100; i++) {
        const m = out.match(re);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`wharf never printed ${re}: ${out}`);
    },
    /** Kills the service but keeps its data directory (the service "goes away"). */
    kill() {
      child.kill("SIGKILL");
    },
    aws: (...args) => aws(endpoint, awsEnv, args),
    stop() {
      child.kill("SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function aws(endpoint, env, args) {
  const venv = process.env.WHARF_VENV || join(homedir(), ".cache/wharf-tools/venv");
  const out = execFileSync(join(venv, "bin/aws"), ["codeartifact", ...args, "--endpoint-url", endpoint, "--output", "json"], { env, encoding: "utf8" });
  return out.trim() ? JSON.parse(out) : {};
}

/** Publishes one generic version with a single asset of the given text. */
export function publishGeneric(wharf, { domain, repository, namespace, pkg, version, text }) {
  const dir = mkdtempSync(join(tmpdir(), "wharf-asset-"));
  const file = join(dir, "asset.txt");
  execFileSync("sh", ["-c", `printf '%s' "$1" > "$2"`, "sh", text, file]);
  const sha = execFileSync("sha256sum", [file], { encoding: "utf8" }).split(" ")[0];
  const r = wharf.aws("publish-package-version", "--domain", domain, "--repository", repository, "--format", "generic", "--namespace", namespace, "--package", pkg, "--package-version", version, "--asset-content", file, "--asset-name", "asset.txt", "--asset-sha256", sha);
  rmSync(dir, { recursive: true, force: true });
  return r;
}

/** Launches Debian's Chromium headless (never a downloaded browser), with `extraArgs`. */
export function launchChromium(extraArgs = []) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", ...extraArgs],
  });
}

const AXE = join(ROOT, "tests/browser/node_modules/axe-core/axe.min.js");

/**
 * Runs axe-core (pinned in tests/browser/package.json) on the page, open shadow roots included,
 * and returns the serious and critical violations as readable lines (empty when there are none).
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations);
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ")}`);
}

/** A throwaway npm configuration for `registry` with `token`: { dir, env }. Remove `dir` after. */
function npmEnv(registry, token) {
  const dir = mkdtempSync(join(tmpdir(), "wharf-npm-"));
  writeFileSync(join(dir, "npmrc"), `registry=${registry}\n//${registry.split("://")[1]}:_authToken=${token}\n`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_config_")));
  Object.assign(env, { HOME: dir, npm_config_userconfig: join(dir, "npmrc"), npm_config_globalconfig: join(dir, "global"),
    npm_config_cache: join(dir, "cache"), npm_config_update_notifier: "false", npm_config_loglevel: "warn", npm_config_audit: "false", npm_config_fund: "false" });
  return { dir, env };
}

/**
 * Publishes NAME@VERSION (with `dependencies`) to `registry` (a repository's npm endpoint,
 * ending in /) with the real npm; `text` makes the content differ between builds.
 */
export function npmPublish(registry, token, name, version, dependencies = {}, text = version) {
  const { dir, env } = npmEnv(registry, token);
  const pkg = join(dir, "pkg");
  mkdirSync(pkg);
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name, version, main: "index.js", dependencies }));
  writeFileSync(join(pkg, "index.js"), `module.exports = ${JSON.stringify(text)};\n`);
  try {
    execFileSync("npm", ["publish"], { cwd: pkg, env, stdio: "pipe" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The package-lock.json that the real npm writes for an app needing `dependencies` from `registry`. */
export function npmLockfile(registry, token, dependencies) {
  const { dir, env } = npmEnv(registry, token);
  const app = join(dir, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "release-app", version: "1.0.0", private: true, dependencies }));
  try {
    execFileSync("npm", ["install", "--package-lock-only", "--ignore-scripts"], { cwd: app, env, stdio: "pipe" });
    return readFileSync(join(app, "package-lock.json"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A page in a context of its own, signed in to the console at `endpoint` with `token` and showing
 * the Domains view. Uncaught page errors are pushed to `pageErrors`; `clipboard` grants the
 * clipboard permissions that copy buttons need.
 */
export async function signedInPage(browser, endpoint, token, { width = 1280, pageErrors = [], clipboard = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  if (clipboard) await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: endpoint });
  const page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(20000);
  await page.goto(`${endpoint}/#/signin?token=${encodeURIComponent(token)}`);
  await page.getByRole("heading", { name: "Domains" }).waitFor();
  return page;
}

/** The trimmed cell texts of each body row of the table that `selector` names. */
export const tableRows = (page, selector) =>
  page.$$eval(`${selector} tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.innerText.trim())));

/** Waits until the element with `id` has the focus. */
export const focusOn = (page, id) => page.waitForFunction((want) => document.activeElement?.id === want, id, { timeout: 5000 });

/** Publishes one generic version with one asset through the REST API with a bearer token. */
export async function publishGenericRest(endpoint, token, { domain = "demo", repository, namespace, pkg, version, text }) {
  const body = Buffer.from(text);
  const q = new URLSearchParams({ domain, repository, format: "generic", namespace, package: pkg, version, asset: "asset.txt" });
  const res = await fetch(`${endpoint}/v1/package/version/publish?${q}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "x-amz-content-sha256": createHash("sha256").update(body).digest("hex"), "Content-Type": "application/octet-stream" },
    body,
  });
  if (!res.ok) throw new Error(`publish ${version}: ${res.status} ${await res.text()}`);
}
