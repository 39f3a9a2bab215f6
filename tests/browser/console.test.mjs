// The console end to end: the real wharf binary serves the built console (dist/, from
// `trunk build`) and a demo domain (--demo); Debian's headless Chromium signs in with the link
// wharf prints (a token of the demo user, kept in the tab's sessionStorage), browses to a
// package, plans a copy of an identical, a new and a differing version (ALREADY_EXISTS and
// SKIPPED: Run stays off), plans again with overwrite and runs it after a confirmation,
// verifies, shows a validation error inline, signs in as a least-privilege "promoter" user
// (README, "Users and least privilege") who copies into release and is told plainly what it may
// not read, and explains that the service went away. Every step leaves a screenshot in
// tests/artifacts/console-*.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, ARTIFACTS, startWharf, launchChromium } from "./support.mjs";

const DIST = process.env.WHARF_CONSOLE_DIR || join(ROOT, "dist");
let wharf, browser, page, signInLink;
const pageErrors = [];

const shot = (name, p = page) => p.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true });
const rows = (table) =>
  page.$$eval(`${table} tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.innerText.trim())));
const rowOf = (table, version) => page.locator(`${table} tbody tr`, { has: page.locator("td:first-child", { hasText: new RegExp(`^${version.replaceAll(".", "\\.")}$`) }) });

before(async () => {
  assert.ok(existsSync(join(DIST, "index.html")), `build the console first: trunk build (no ${DIST}/index.html)`);
  wharf = await startWharf(["--console-dir", DIST, "--demo"]);
  [signInLink] = await wharf.waitForOutput(/http:\/\/\S+\/#\/signin\?token=\S+/);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(15000);
});

after(async () => {
  await browser?.close();
  wharf?.stop();
});

test("a refused token is explained on the sign-in form, and the demo's link signs in", async () => {
  assert.ok(signInLink.startsWith(`${wharf.endpoint}/#/signin?token=`), signInLink);
  await page.goto(`${wharf.endpoint}/#/signin`);
  await page.getByLabel("Token").fill("not-a-token");
  await page.getByLabel("Token").press("Enter"); // the keyboard submits the form
  await page.getByRole("alert").filter({ hasText: "refused" }).waitFor();
  await shot("01-signin-refused");

  await page.goto(signInLink);
  await page.getByRole("heading", { name: "Domains" }).waitFor();
  assert.ok(!page.url().includes("token="), `the token leaves the address bar: ${page.url()}`);
  await page.getByRole("link", { name: "demo", exact: true }).waitFor();
  await shot("02-domains");
  // The token is the tab's only: in sessionStorage, never in localStorage, and a reload keeps
  // the session.
  const stored = () => page.evaluate(() => [sessionStorage.getItem("wharf.token"), localStorage.getItem("wharf.token")]);
  const token = decodeURIComponent(signInLink.match(/token=([^&]+)/)[1]);
  assert.deepEqual(await stored(), [token, null]);
  await page.reload();
  await page.getByRole("link", { name: "demo", exact: true }).waitFor();
  assert.deepEqual(await stored(), [token, null]);
});

test("browses from the domain to a package's versions and a version's assets", async () => {
  await page.getByRole("link", { name: "demo", exact: true }).click();
  await page.getByRole("heading", { name: "Repositories in demo" }).waitFor();
  // staging's upstream is listed in priority order.
  const staging = page.locator("tbody tr", { hasText: "staging" });
  await staging.getByRole("link", { name: "mirror" }).waitFor();
  await shot("03-repositories");

  await staging.getByRole("link", { name: "staging", exact: true }).click();
  await page.getByRole("heading", { name: "Packages in staging" }).waitFor();
  await page.getByRole("link", { name: "widget-lib", exact: true }).waitFor();
  await shot("04-packages");

  await page.getByRole("link", { name: "widget-lib", exact: true }).click();
  await page.getByRole("heading", { name: /acme\/widget-lib/ }).waitFor();
  await page.locator("tbody tr").nth(2).waitFor();
  const versions = (await rows("table")).map((r) => r[1]).sort();
  assert.deepEqual(versions, ["1.0.0", "1.1.0", "2.0.0"]);
  await shot("05-versions");

  await page.getByRole("link", { name: "2.0.0", exact: true }).click();
  await page.getByRole("heading", { name: "acme/widget-lib 2.0.0" }).waitFor();
  await page.getByText("widget-lib-2.0.0.tgz").waitFor();
  await page.getByText("README.md").waitFor();
  await shot("06-version-assets");
  await page.goBack();
  await page.getByRole("heading", { name: /acme\/widget-lib/ }).waitFor();
});

test("plans a copy of an identical, a new and a differing version", async () => {
  for (const v of ["1.0.0", "1.1.0", "2.0.0"]) await page.getByLabel(`Select ${v}`).check();
  await page.getByRole("link", { name: "Copy 3 selected…" }).click();
  await page.getByRole("heading", { name: "Copy package versions" }).waitFor();
  assert.equal(await page.locator("#copy-domain").inputValue(), "demo");
  assert.equal(await page.locator("#copy-source").inputValue(), "staging");
  assert.equal(await page.locator("#copy-namespace").inputValue(), "acme");
  await page.locator("#copy-destination").fill("release");
  await page.locator("#plan-button").click();
  await page.locator("#plan-table tbody tr").nth(2).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === "plan-heading"); // the focus moves to the plan

  const plan = Object.fromEntries((await rows("#plan-table")).map((r) => [r[0], r]));
  assert.equal(plan["1.0.0"][1], "NO_OP", "identical: nothing to do");
  assert.equal(plan["1.1.0"][1], "BLOCKED", "SKIPPED is shown as blocked, not failed");
  assert.match(plan["1.1.0"][5], /SKIPPED/, "new, but skipped because 2.0.0 fails");
  assert.deepEqual(await page.locator("section.plan .summary .badge").allInnerTexts(), ["0 copy", "0 overwrite", "1 no-op", "1 fail", "1 blocked"]);
  assert.equal(plan["2.0.0"][1], "FAIL");
  assert.match(plan["2.0.0"][5], /ALREADY_EXISTS/);
  assert.notEqual(plan["2.0.0"][3], plan["2.0.0"][4], "both revisions are shown, and differ");
  assert.match(await page.locator("#plan-verdict").innerText(), /would not go through/);
  // The diff of the differing version: the tarball changed and README.md is new.
  const diff = page.getByRole("region", { name: "Differences" });
  await diff.getByText("widget-lib-2.0.0.tgz", { exact: true }).waitFor();
  await diff.getByText("README.md", { exact: true }).waitFor();
  // The tarball's differing hashes are shown per side, each with its copy button.
  await diff.getByRole("button", { name: "Copy release's SHA-256 of widget-lib-2.0.0.tgz" }).waitFor();
  await diff.getByRole("button", { name: "Copy staging's SHA-256 of widget-lib-2.0.0.tgz" }).waitFor();
  await shot("07-plan");
});

test("Run stays off while the plan would not go through", async () => {
  assert.ok(await page.locator("#run-button").isDisabled(), "no Run for a plan that fails");
  assert.match(await page.locator("#result-summary").innerText(), /would not go through/);
  await page.getByRole("button", { name: "Leave out the 1 conflicting version(s) and plan again" }).waitFor();
  await shot("08-plan-blocked");
});

test("re-runs with overwrite after reviewing the plan, and confirms first", async () => {
  await page.getByLabel("Allow overwrite of differing destination versions").check();
  await page.locator("#plan-button").click();
  await page.locator("#run-button:not([disabled])").waitFor();
  const plan = Object.fromEntries((await rows("#plan-table")).map((r) => [r[0], r[1]]));
  assert.deepEqual(plan, { "1.0.0": "NO_OP", "1.1.0": "COPY", "2.0.0": "OVERWRITE" });
  await shot("09-plan-overwrite");

  await page.locator("#run-button").click();
  assert.equal(await page.locator("#confirm-run-button").innerText(), "Copy 1 and overwrite 1 into release");
  await page.locator("#confirm-run-button").click();
  await page.locator("#verify-link").waitFor();
  const outcome = Object.fromEntries((await rows("#outcome-table")).map((r) => [r[0], r[1]]));
  assert.deepEqual(outcome, { "1.0.0": "UNCHANGED", "1.1.0": "COPIED", "2.0.0": "COPIED" });
  await shot("10-outcome-overwrite");
});

test("verify shows every version verified", async () => {
  await page.locator("#verify-link").click();
  await page.getByRole("heading", { name: "Verify a copy" }).waitFor();
  await page.locator("#verify-table tbody tr").nth(2).waitFor();
  const verdicts = Object.fromEntries((await rows("#verify-table")).map((r) => [r[0], r[1]]));
  assert.deepEqual(verdicts, { "1.0.0": "VERIFIED", "1.1.0": "VERIFIED", "2.0.0": "VERIFIED" });
  await page.getByText("3 of 3 verified").waitFor();
  await shot("11-verify");
});

test("a validation error is shown inline, on its field", async () => {
  await page.getByRole("link", { name: "Copy", exact: true }).click();
  await page.getByRole("heading", { name: "Copy package versions" }).waitFor();
  const versions = page.locator("#copy-versions");
  await versions.fill("1.0.0\n1.0 0");
  // Nothing is flagged while the user types; leaving the field shows its rule in plain words.
  assert.equal(await versions.getAttribute("aria-invalid"), "false");
  await versions.blur();
  await expectInvalid(versions, /^Versions: each version 1–255 characters, without spaces, # or \/; one per line or comma-separated\.$/);
  await page.locator("#copy-destination").fill("staging");
  await page.locator("#copy-destination").blur();
  await expectInvalid(page.locator("#copy-destination"), /^Destination repository: /);
  assert.ok(await page.locator("#run-button").isDisabled(), "no run while the form is invalid");
  await shot("12-validation");

  // The same form at a phone's width stays usable.
  await page.setViewportSize({ width: 390, height: 844 });
  await shot("13-validation-narrow");
  await page.setViewportSize({ width: 1280, height: 900 });
  await versions.fill("1.0.0");
  await page.locator("#copy-destination").fill("release");
});

async function expectInvalid(input, message) {
  await page.waitForFunction((el) => el.getAttribute("aria-invalid") === "true", await input.elementHandle());
  const id = await input.getAttribute("aria-describedby");
  assert.ok(id, "the input points at its error");
  const text = await page.locator(`[id="${id.split(" ")[0]}"]`).innerText();
  assert.match(text, message);
}

/** The README's promoter policy for domain `demo`: read staging and release, copy into release. */
function promoterPolicy(domain) {
  const arn = (r) => `arn:aws:codeartifact:us-east-1:000000000000:${r}`;
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ReadStagingAndRelease", Effect: "Allow",
        Action: ["codeartifact:ReadFromRepository", "codeartifact:GetRepositoryEndpoint", "codeartifact:Describe*",
          "codeartifact:List*", "codeartifact:GetPackageVersionAsset"],
        Resource: [arn(`repository/${domain}/staging`), arn(`package/${domain}/staging/*`),
          arn(`repository/${domain}/release`), arn(`package/${domain}/release/*`)] },
      { Sid: "CopyIntoRelease", Effect: "Allow", Action: "codeartifact:CopyPackageVersions",
        Resource: [arn(`repository/${domain}/release`), arn(`package/${domain}/release/*`)] },
      { Sid: "FindTheDomain", Effect: "Allow",
        Action: ["codeartifact:DescribeDomain", "codeartifact:ListRepositoriesInDomain", "codeartifact:GetAuthorizationToken"],
        Resource: arn(`domain/${domain}`) },
      { Sid: "ListThings", Effect: "Allow", Action: ["codeartifact:ListDomains", "codeartifact:ListRepositories"], Resource: "*" },
    ],
  };
}

/** Makes the promoter with `wharf admin` (as the README does) and returns a token its keys got. */
function promoterToken() {
  const bin = process.env.WHARF_BIN || join(ROOT, "target/debug/wharf");
  const admin = (args, input) =>
    JSON.parse(execFileSync(bin, ["admin", "--data-dir", wharf.dataDir, ...args], { encoding: "utf8", input, env: wharf.env }));
  admin(["user", "create", "promoter"]);
  const key = admin(["key", "create", "promoter"]).accessKey;
  admin(["policy", "attach", "promoter", "promote", "--document", "-"], JSON.stringify(promoterPolicy("demo")));
  const venv = process.env.WHARF_VENV || join(homedir(), ".cache/wharf-tools/venv");
  const env = { ...process.env, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    AWS_DEFAULT_REGION: "us-east-1", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
  const out = execFileSync(join(venv, "bin/aws"), ["codeartifact", "get-authorization-token", "--domain", "demo",
    "--endpoint-url", wharf.endpoint, "--output", "json"], { env, encoding: "utf8" });
  return JSON.parse(out).authorizationToken;
}

/** Publishes NAME@VERSION of a one-file package to a demo repository with the real npm. */
function npmPublish(token, repository, name, version) {
  const dir = mkdtempSync(join(tmpdir(), "wharf-npm-"));
  const registry = `${wharf.endpoint}/npm/demo/${repository}/`;
  writeFileSync(join(dir, "npmrc"), `registry=${registry}\n//${registry.split("://")[1]}:_authToken=${token}\n`);
  const pkg = join(dir, "pkg");
  mkdirSync(pkg);
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name, version, main: "index.js" }));
  writeFileSync(join(pkg, "index.js"), `module.exports = ${JSON.stringify(version)};\n`);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_config_")));
  Object.assign(env, { HOME: dir, npm_config_userconfig: join(dir, "npmrc"), npm_config_globalconfig: join(dir, "global"),
    npm_config_cache: join(dir, "cache"), npm_config_update_notifier: "false", npm_config_loglevel: "warn" });
  try {
    execFileSync("npm", ["publish"], { cwd: pkg, env, stdio: "pipe" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a promoter's token copies from staging into release and is told what it may not read", async () => {
  // An npm package too, so the plan reads release's dist-tags through the npm endpoint with the
  // promoter's token: staging has 1.0.0 and 1.1.0 (latest), release 1.0.0 (latest).
  // The demo's link carries the demo user's token, which may not publish: publish as root.
  const root = wharf.aws("get-authorization-token", "--domain", "demo").authorizationToken;
  npmPublish(root, "staging", "@acme/npm-widget", "1.0.0");
  npmPublish(root, "staging", "@acme/npm-widget", "1.1.0");
  npmPublish(root, "release", "@acme/npm-widget", "1.0.0");
  const token = promoterToken();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const p = await context.newPage();
  p.on("pageerror", (e) => pageErrors.push(e.message));
  p.setDefaultTimeout(15000);
  const table = (sel) =>
    p.$$eval(`${sel} tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.innerText.trim())));
  try {
    await p.goto(`${wharf.endpoint}/#/signin?token=${token}`);
    await p.getByRole("heading", { name: "Domains" }).waitFor();
    await p.getByRole("link", { name: "demo", exact: true }).click();
    await p.getByRole("heading", { name: "Repositories in demo" }).waitFor();
    const staging = p.locator("tbody tr", { hasText: "staging" });
    await staging.getByRole("link", { name: "staging", exact: true }).click();
    await p.getByRole("heading", { name: "Packages in staging" }).waitFor();
    await p.getByRole("link", { name: "http-client", exact: true }).click();
    await p.getByRole("heading", { name: /acme\/http-client/ }).waitFor();
    await p.getByLabel("Select 0.5.0").check();
    await p.getByRole("link", { name: "Copy 1 selected…" }).click();
    await p.locator("#copy-destination").fill("release");
    await p.locator("#plan-button").click();
    await p.locator("#plan-table tbody tr").first().waitFor();
    const plan = Object.fromEntries((await table("#plan-table")).map((r) => [r[0], r[1]]));
    assert.deepEqual(plan, { "0.5.0": "COPY" });
    await p.screenshot({ path: join(ARTIFACTS, "console-15-promoter-plan.png"), fullPage: true });
    await p.locator("#run-button").click();
    await p.locator("#confirm-run-button").click();
    await p.locator("#verify-link").waitFor();
    const outcome = Object.fromEntries((await table("#outcome-table")).map((r) => [r[0], r[1]]));
    assert.deepEqual(outcome, { "0.5.0": "COPIED" });
    await p.locator("#verify-link").click();
    await p.getByText("1 of 1 verified").waitFor();

    // The npm package: the plan shows release's latest moving, then the copy runs.
    await p.goto(`${wharf.endpoint}/#/copy?domain=demo&source=staging&destination=release&format=npm&namespace=acme&package=npm-widget&versions=1.1.0`);
    await p.locator("#plan-button").click();
    await p.locator("#plan-table tbody tr").first().waitFor();
    assert.deepEqual(Object.fromEntries((await table("#plan-table")).map((r) => [r[0], r[1]])), { "1.1.0": "COPY" });
    const latest = p.locator("section.plan li", { hasText: "latest" });
    assert.equal((await latest.innerText()).trim(), "latest: 1.0.0 → 1.1.0");
    await p.screenshot({ path: join(ARTIFACTS, "console-16-promoter-npm-plan.png"), fullPage: true });
    await p.locator("#run-button").click();
    await p.locator("#confirm-run-button").click();
    await p.locator("#verify-link").waitFor();
    assert.deepEqual(Object.fromEntries((await table("#outcome-table")).map((r) => [r[0], r[1]])), { "1.1.0": "COPIED" });

    // mirror is outside the policy: the list says so, names the refused action, and the
    // session stays signed in.
    await p.goto(`${wharf.endpoint}/#/domains/demo/repositories/mirror/packages`);
    await p.getByRole("heading", { name: "Packages in mirror" }).waitFor();
    const denied = p.getByRole("alert").filter({ hasText: "Access denied" });
    await denied.waitFor();
    assert.match(await denied.innerText(),
      /Access denied: User: arn:aws:iam::000000000000:user\/promoter is not authorized to perform: codeartifact:ListPackages on resource: arn:aws:codeartifact:us-east-1:000000000000:repository\/demo\/mirror/);
    await p.screenshot({ path: join(ARTIFACTS, "console-17-promoter-denied.png"), fullPage: true });
    // A copy out of release (the promoter may only copy into it) is refused at the plan.
    await p.goto(`${wharf.endpoint}/#/copy?domain=demo&source=release&destination=mirror&format=generic&namespace=acme&package=http-client&versions=0.4.0`);
    await p.locator("#plan-button").click();
    const failed = p.getByRole("alert").filter({ hasText: "The dry run failed" });
    await failed.waitFor();
    assert.match(await failed.innerText(), /Access denied: .*user\/promoter.*:package\/demo\/mirror\//);
    await p.getByRole("link", { name: "Browse" }).click();
    await p.getByRole("heading", { name: "Domains" }).waitFor();
    await p.getByRole("link", { name: "demo", exact: true }).waitFor();
  } finally {
    await context.close();
  }
});

test("the service going away mid-session gives a clear error", async () => {
  wharf.kill();
  await page.getByRole("link", { name: "Browse" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "cannot be reached" });
  await alert.waitFor();
  assert.match(await alert.innerText(), new RegExp(wharf.endpoint.replaceAll(".", "\\.")));
  await page.getByRole("button", { name: "Try again" }).waitFor();
  await shot("14-service-down");
  assert.deepEqual(pageErrors, [], "no uncaught errors in the page");
});
