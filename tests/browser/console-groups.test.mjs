// The console's package-group and version-document views end to end: the real wharf binary
// serves the built console (dist/, from `trunk build`); the machine's npm publishes a package
// whose README carries markup and whose package.json declares dependencies; headless Chromium
// signs in with a root token, sees the package's group and effective origin restrictions on the
// package page, the readme as text (the markup shown, never run) and the dependencies on the
// version page, and creates, restricts and deletes a group on the domain's package-groups page.
// Screenshots go to tests/artifacts/console-groups-*.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, ARTIFACTS, startWharf, launchChromium } from "./support.mjs";

const DIST = process.env.WHARF_CONSOLE_DIR || join(ROOT, "dist");
let wharf, browser, page, token;
const pageErrors = [];
const shot = (name) => page.screenshot({ path: join(ARTIFACTS, `console-groups-${name}.png`), fullPage: true });

before(async () => {
  assert.ok(existsSync(join(DIST, "index.html")), `build the console first: trunk build (no ${DIST}/index.html)`);
  wharf = await startWharf(["--console-dir", DIST]);
  wharf.aws("create-domain", "--domain", "docs");
  wharf.aws("create-repository", "--domain", "docs", "--repository", "internal");
  token = wharf.aws("get-authorization-token", "--domain", "docs").authorizationToken;
  // npm publish of @acme/app@1.0.0 with a README holding markup, and dependencies.
  const dir = mkdtempSync(join(tmpdir(), "wharf-npm-"));
  const registry = `${wharf.endpoint}/npm/docs/internal/`;
  writeFileSync(join(dir, "package.json"), JSON.stringify({
    name: "@acme/app", version: "1.0.0", dependencies: { "left-pad": "^1.3.0" }, devDependencies: { jest: "29.0.0" },
  }));
  writeFileSync(join(dir, "README.md"), "# Acme app\n\n<img src=x onerror=\"window.pwned=1\">\n");
  writeFileSync(join(dir, ".npmrc"), `registry=${registry}\n//${registry.split("://")[1]}:_authToken=${token}\n`);
  execFileSync("npm", ["publish", "--userconfig", join(dir, ".npmrc"), "--cache", join(dir, "cache")], {
    cwd: dir, env: { ...process.env, HOME: dir, npm_config_update_notifier: "false" }, stdio: "pipe",
  });
  rmSync(dir, { recursive: true, force: true });
  wharf.aws("create-package-group", "--domain", "docs", "--package-group", "/npm/acme/*");
  wharf.aws("update-package-group-origin-configuration", "--domain", "docs", "--package-group", "/npm/acme/*",
    "--restrictions", "EXTERNAL_UPSTREAM=BLOCK");
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(15000);
  await page.goto(`${wharf.endpoint}/#/signin?token=${encodeURIComponent(token)}`);
  await page.getByRole("heading", { name: "Domains" }).waitFor();
});

after(async () => {
  await browser?.close();
  wharf?.stop();
});

test("the package page shows the package's group and effective restrictions", async () => {
  await page.goto(`${wharf.endpoint}/#/domains/docs/repositories/internal/packages/npm/acme/app`);
  const origin = page.locator("p.origin-restrictions");
  await origin.getByText("/npm/acme/*").waitFor();
  const text = await origin.innerText();
  assert.match(text, /EXTERNAL_UPSTREAM: BLOCK/);
  assert.match(text, /PUBLISH: ALLOW from \/\*/);
  await shot("01-package");
});

test("a version's readme is text, never HTML, and its dependencies are listed", async () => {
  await page.goto(`${wharf.endpoint}/#/domains/docs/repositories/internal/packages/npm/acme/app/versions/1.0.0`);
  const readme = page.locator("pre.readme");
  await readme.waitFor();
  assert.match(await readme.innerText(), /<img src=x onerror="window\.pwned=1">/);
  assert.equal(await page.locator("pre.readme img").count(), 0, "the markup is not rendered");
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  const deps = await page.$$eval("table", (tables) => {
    const t = tables.find((x) => x.innerText.includes("Requirement"));
    return [...t.querySelectorAll("tbody tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.innerText.trim()));
  });
  assert.deepEqual(deps, [["left-pad", "regular", "^1.3.0"], ["jest", "dev", "29.0.0"]]);
  await shot("02-version");
});

test("the package-groups page lists, creates, restricts and deletes groups", async () => {
  await page.goto(`${wharf.endpoint}/#/domains/docs/repositories`);
  await page.getByRole("link", { name: "Package groups…" }).click();
  await page.getByRole("heading", { name: "Package groups in docs" }).waitFor();
  await page.locator("tbody tr", { hasText: "/npm/acme/*" }).waitFor();
  // A pattern the service would refuse is explained before anything is sent.
  await page.getByLabel("Package group pattern").fill("/npm/acme/name");
  await page.getByRole("button", { name: "Create" }).click();
  await page.getByRole("status").filter({ hasText: "packageGroup" }).waitFor();
  await page.getByLabel("Package group pattern").fill("/npm/other/*");
  await page.getByRole("button", { name: "Create" }).click();
  const row = page.locator("tbody tr", { hasText: "/npm/other/*" });
  await row.waitFor();
  await row.getByLabel("PUBLISH of /npm/other/*").selectOption("BLOCK");
  await row.getByRole("button", { name: "Apply" }).click();
  await page.getByRole("status").filter({ hasText: "Updated /npm/other/*" }).waitFor();
  await page.locator("tbody tr", { hasText: "/npm/other/*" }).locator("td").nth(1).filter({ hasText: /^BLOCK$/ }).waitFor();
  const described = wharf.aws("describe-package-group", "--domain", "docs", "--package-group", "/npm/other/*");
  assert.equal(described.packageGroup.originConfiguration.restrictions.PUBLISH.mode, "BLOCK");
  await shot("03-groups");
  await page.locator("tbody tr", { hasText: "/npm/other/*" }).getByRole("button", { name: "Delete" }).click();
  await page.getByRole("status").filter({ hasText: "Deleted /npm/other/*" }).waitFor();
  await page.locator("tbody tr", { hasText: "/npm/other/*" }).waitFor({ state: "detached" });
  assert.deepEqual(pageErrors, []);
});
