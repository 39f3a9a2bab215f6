// The console over TLS: `wharf serve --tls-cert/--tls-key` with a throwaway certificate made by
// openssl serves the built console (dist/) and the API over https; Debian's headless Chromium,
// told to trust exactly that certificate's key (--ignore-certificate-errors-spki-list, nothing
// wider), signs in with the demo's https link, browses to a package's versions, plans and runs
// a copy, and every page and API call stays on https (a secure context). Screenshots go to
// tests/artifacts/console-tls-*.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, ARTIFACTS, startWharf, launchChromium } from "./support.mjs";

const DIST = process.env.WHARF_CONSOLE_DIR || join(ROOT, "dist");
let wharf, browser, page, certDir;
const requests = [];
const pageErrors = [];

/** A throwaway self-signed certificate for 127.0.0.1 and the base64 SHA-256 of its public key. */
function throwawayCert(dir) {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
  { stdio: "ignore" });
  const spki = execFileSync("sh", ["-c",
    'openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64', "sh", cert],
  { encoding: "utf8" }).trim();
  return { cert, key, spki };
}

before(async () => {
  assert.ok(existsSync(join(DIST, "index.html")), `build the console first: trunk build (no ${DIST}/index.html)`);
  certDir = mkdtempSync(join(tmpdir(), "wharf-tls-"));
  const { cert, key, spki } = throwawayCert(certDir);
  process.env.AWS_CA_BUNDLE = cert; // the aws CLI trusts the throwaway certificate too
  wharf = await startWharf(["--console-dir", DIST, "--demo", "--tls-cert", cert, "--tls-key", key]);
  assert.match(wharf.endpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
  browser = await launchChromium([`--ignore-certificate-errors-spki-list=${spki}`]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("request", (r) => requests.push(r.url()));
  page.setDefaultTimeout(15000);
});

after(async () => {
  await browser?.close();
  wharf?.stop();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

const shot = (name) => page.screenshot({ path: join(ARTIFACTS, `console-tls-${name}.png`), fullPage: true });
const rows = (table) =>
  page.$$eval(`${table} tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.innerText.trim())));

test("the demo's sign-in link is https and signs in over TLS", async () => {
  const [link] = await wharf.waitForOutput(/https:\/\/\S+\/#\/signin\?token=\S+/);
  assert.ok(link.startsWith(`${wharf.endpoint}/#/signin?token=`), link);
  await page.goto(link);
  await page.getByRole("heading", { name: "Domains" }).waitFor();
  await page.getByRole("link", { name: "demo", exact: true }).waitFor();
  assert.equal(await page.evaluate(() => [location.protocol, window.isSecureContext].join(" ")), "https: true");
  await shot("01-domains");
});

test("browses to a package's versions, plans and runs a copy, all over https", async () => {
  await page.getByRole("link", { name: "demo", exact: true }).click();
  await page.getByRole("heading", { name: "Repositories in demo" }).waitFor();
  await page.locator("tbody tr", { hasText: "staging" }).getByRole("link", { name: "staging", exact: true }).click();
  await page.getByRole("link", { name: "widget-lib", exact: true }).click();
  await page.getByRole("heading", { name: /acme\/widget-lib/ }).waitFor();
  await page.locator("tbody tr").nth(2).waitFor();
  assert.deepEqual((await rows("table")).map((r) => r[1]).sort(), ["1.0.0", "1.1.0", "2.0.0"]);
  await shot("02-versions");

  await page.getByLabel("Select 1.1.0").check();
  await page.getByRole("link", { name: "Copy 1 selected…" }).click();
  await page.locator("#copy-destination").fill("release");
  await page.locator("#plan-button").click();
  await page.locator("#run-button:not([disabled])").waitFor();
  const plan = Object.fromEntries((await rows("#plan-table")).map((r) => [r[0], r[1]]));
  assert.deepEqual(plan, { "1.1.0": "COPY" });
  await page.locator("#run-button").click();
  await page.locator("#confirm-run-button").click();
  await page.locator("#verify-link").waitFor();
  const outcome = Object.fromEntries((await rows("#outcome-table")).map((r) => [r[0], r[1]]));
  assert.deepEqual(outcome, { "1.1.0": "COPIED" });
  await shot("03-copied");

  // What the copy wrote is there, read back with the aws CLI over TLS.
  const listed = wharf.aws("list-package-versions", "--domain", "demo", "--repository", "release", "--format", "generic",
    "--namespace", "acme", "--package", "widget-lib");
  assert.ok(listed.versions.some((v) => v.version === "1.1.0"), JSON.stringify(listed));

  const apiCalls = requests.filter((u) => u.includes("/v1/"));
  assert.ok(apiCalls.length > 0, "the console called the API");
  assert.deepEqual(requests.filter((u) => !u.startsWith("https://") && !u.startsWith("data:") && !u.startsWith("blob:")), []);
  assert.deepEqual(pageErrors, []);
});
