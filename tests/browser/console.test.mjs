// The console end to end: the real wharf binary serves the built console (dist/, from
// `trunk build`) and a demo domain (--demo); Debian's headless Chromium signs in with the link
// wharf prints, browses to a package, plans a copy of an identical, a new and a differing
// version, runs it (ALREADY_EXISTS and SKIPPED), re-runs with overwrite, verifies, shows a
// validation error inline, and explains that the service went away. Every step leaves a
// screenshot in tests/artifacts/console-*.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
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

  const plan = Object.fromEntries((await rows("#plan-table")).map((r) => [r[0], r]));
  assert.equal(plan["1.0.0"][1], "NO_OP", "identical: nothing to do");
  assert.equal(plan["1.1.0"][1], "FAIL");
  assert.match(plan["1.1.0"][5], /SKIPPED/, "new, but skipped because 2.0.0 fails");
  assert.equal(plan["2.0.0"][1], "FAIL");
  assert.match(plan["2.0.0"][5], /ALREADY_EXISTS/);
  assert.notEqual(plan["2.0.0"][3], plan["2.0.0"][4], "both revisions are shown, and differ");
  assert.match(await page.locator("#plan-verdict").innerText(), /would not go through/);
  // The diff of the differing version: the tarball changed and README.md is new.
  const diff = page.getByRole("region", { name: "Differences" });
  await diff.getByText("widget-lib-2.0.0.tgz").waitFor();
  await diff.getByText("README.md").waitFor();
  await shot("07-plan");
});

test("runs the copy and shows ALREADY_EXISTS and SKIPPED with next steps", async () => {
  await page.locator("#run-button").click();
  await page.locator("#outcome-table tbody tr").nth(2).waitFor();
  const outcome = Object.fromEntries((await rows("#outcome-table")).map((r) => [r[0], r]));
  assert.match(outcome["2.0.0"][4], /ALREADY_EXISTS/);
  assert.match(outcome["1.1.0"][4], /SKIPPED/);
  assert.equal(outcome["1.0.0"][1], "UNCHANGED");
  await page.getByText("review the diff, re-run with overwrite").waitFor();
  assert.equal(await page.locator("#verify-link").count(), 0, "nothing to verify after a failed run");
  await shot("08-outcome-conflict");
});

test("re-runs with overwrite after reviewing the plan", async () => {
  await page.getByRole("button", { name: /re-run with overwrite/ }).click();
  await page.locator("#plan-table tbody tr").nth(2).waitFor();
  assert.ok(await page.getByLabel("Allow overwrite of differing destination versions").isChecked());
  const plan = Object.fromEntries((await rows("#plan-table")).map((r) => [r[0], r[1]]));
  assert.deepEqual(plan, { "1.0.0": "NO_OP", "1.1.0": "COPY", "2.0.0": "OVERWRITE" });
  await shot("09-plan-overwrite");

  await page.locator("#run-button").click();
  await page.locator("#verify-link").waitFor();
  const outcome = Object.fromEntries((await rows("#outcome-table")).map((r) => [r[0], r[1]]));
  assert.deepEqual(outcome, { "1.0.0": "UNCHANGED", "1.1.0": "OK", "2.0.0": "OK" });
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
  await expectInvalid(versions, /failed to satisfy constraint/);
  await page.locator("#copy-destination").fill("staging");
  await expectInvalid(page.locator("#copy-destination"), /./);
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
