// The console's "Promote a release" page and the promotion history, end to end against the real
// wharf binary (--demo) in Debian's Chromium, with npm packages published and a lockfile written
// by the real npm: paste the lockfile, plan (a failing plan is not runnable), plan again with
// overwrite, confirm, watch the progress view, see the result and its record in the history,
// open the revert's own plan and revert; the closure report of an explicit list; a revert after
// a later change is refused in plain words; the demo user may plan but not revert; deep links
// for every view; a keyboard-only walk;
// axe-core on every new view and screenshots at 390 px and 1280 px (tests/artifacts).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, ARTIFACTS, startWharf, launchChromium, axeViolations, signedInPage, tableRows, focusOn, npmPublish, npmLockfile } from "./support.mjs";

const DIST = process.env.WHARF_CONSOLE_DIR || join(ROOT, "dist");
let wharf, browser, rootToken, demoToken, lockfile, staging, release;
const pageErrors = [];

before(async () => {
  assert.ok(existsSync(join(DIST, "index.html")), `build the console first: trunk build (no ${DIST}/index.html)`);
  wharf = await startWharf(["--console-dir", DIST, "--demo"]);
  const [link] = await wharf.waitForOutput(/http:\/\/\S+\/#\/signin\?token=\S+/);
  demoToken = decodeURIComponent(link.match(/token=([^&]+)/)[1]);
  // Root signs in here: a revert also needs DeletePackageVersions, which the demo user lacks.
  rootToken = wharf.aws("get-authorization-token", "--domain", "demo").authorizationToken;
  staging = `${wharf.endpoint}/npm/demo/staging/`;
  release = `${wharf.endpoint}/npm/demo/release/`;
  npmPublish(staging, rootToken, "@acme/app-core", "1.0.0");
  npmPublish(staging, rootToken, "app-util", "2.0.0");
  npmPublish(staging, rootToken, "app-util", "2.1.0");
  npmPublish(staging, rootToken, "@acme/app-ui", "1.0.0", { "@acme/app-core": "^1.0.0", "app-util": "^2.0.0" });
  // release already holds a different build of app-util 2.1.0.
  npmPublish(release, rootToken, "app-util", "2.1.0", {}, "app-util 2.1.0, another build");
  lockfile = npmLockfile(staging, rootToken, { "@acme/app-ui": "1.0.0" });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  wharf?.stop();
});

const newPage = (width = 1280, token = rootToken) =>
  signedInPage(browser, wharf.endpoint, token, { width, pageErrors });

const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `console-promote-${name}.png`), fullPage: true });
const rows = tableRows;
const planRows = (page, id = "promote-plan-table") =>
  page.$$eval(`#${id} tr[data-version]`, (trs) => trs.map((tr) => [tr.dataset.package, tr.dataset.version, tr.querySelector(".badge").innerText.trim(), tr.innerText.includes("added as a dependency")]));
const versionsIn = (repo, ns, pkg) => {
  try {
    const args = ["list-package-versions", "--domain", "demo", "--repository", repo, "--format", "npm", "--package", pkg];
    if (ns) args.push("--namespace", ns);
    return Object.fromEntries(wharf.aws(...args).versions.map((v) => [v.version, v.revision]));
  } catch {
    return {};
  }
};
const form = (fields) => `${wharf.endpoint}/#/promote?${new URLSearchParams({ domain: "demo", source: "staging", destination: "release", ...fields })}`;
let promotionId, changedId;

test("lockfile → plan → confirm → run → history → record → revert plan → revert", async () => {
  const before = versionsIn("release", null, "app-util");
  const page = await newPage();
  await page.goto(form({}));
  await page.getByRole("heading", { name: "Promote a release" }).waitFor();
  assert.equal(await page.title(), "Promote a release · Wharf");
  assert.ok(await page.locator("#promote-run-button").isDisabled(), "no Run before a plan");
  await page.locator("#promote-lockfile").fill(lockfile);
  await page.locator("#promote-reason").fill("release 2.3, CI run 1234");

  // The differing app-util 2.1.0 makes the whole promotion fail: Run stays off.
  await page.locator("#promote-plan-button").click();
  await page.locator("#promote-verdict").waitFor();
  await focusOn(page, "promote-plan-heading");
  assert.match(await page.locator("#promote-verdict").innerText(), /^Would not pass: 1 version would fail \(1 ALREADY_EXISTS\), so nothing would be written and 2 other versions would be skipped\./);
  assert.equal(await page.locator("#promote-summary").getAttribute("aria-live"), "polite");
  assert.match(await page.locator("#promote-summary").innerText(), /^Would not pass/);
  assert.ok(await page.locator("#promote-run-button").isDisabled(), "no Run for a failing plan");
  const failing = await planRows(page);
  assert.deepEqual(failing.map((r) => r.slice(0, 3)).sort(), [["@acme/app-core", "1.0.0", "SKIPPED"], ["@acme/app-ui", "1.0.0", "SKIPPED"], ["app-util", "2.1.0", "FAIL"]]);
  await shot(page, "01-failing-plan-1280");

  // A changed form makes the plan stale; plan again with overwrite: it would pass.
  await page.getByLabel("Allow overwrite of differing destination versions").check();
  await page.getByText("The form changed since this plan was made").waitFor();
  assert.ok(await page.locator("#promote-run-button").isDisabled(), "no Run from a stale plan");
  assert.match(page.url(), /allowOverwrite=true/, "the form is in the address");
  await page.locator("#promote-plan-button").click();
  await page.locator("#promote-run-button:not([disabled])").waitFor();
  const action = "Promote 3 versions of 3 packages, overwrite 1, into demo/release";
  assert.match(await page.locator("#promote-verdict").innerText(), new RegExp(`^Would pass: ${action}`));
  assert.deepEqual((await planRows(page)).map((r) => r[2]).sort(), ["COPY", "COPY", "OVERWRITE"]);

  // Run asks first, saying what will happen; Back writes nothing.
  await page.locator("#promote-run-button").click();
  await focusOn(page, "promote-confirm-button");
  assert.equal(await page.locator("#promote-confirm-button").innerText(), action);
  assert.match(await page.locator("#promote-confirm-title").innerText(), /all-or-nothing step into demo\/release/);
  await shot(page, "02-confirm-1280");
  await page.getByRole("button", { name: "Back" }).click();
  assert.deepEqual(versionsIn("release", null, "app-util"), before, "Back wrote nothing");

  // The run: hold the call to see the progress view, then the result with its record.
  let releaseCall;
  const held = new Promise((r) => (releaseCall = r));
  await page.route((u) => u.pathname === "/wharf/v1/promotions", async (route) => {
    if (JSON.parse(route.request().postData() || "{}").dryRun === false) await held;
    return route.continue();
  });
  await page.locator("#promote-run-button").click();
  await page.locator("#promote-confirm-button").click();
  await page.getByRole("heading", { name: "Promoting…" }).waitFor();
  assert.equal(await page.locator("progress[aria-label='Promotion in progress']").count(), 1);
  assert.match(await page.locator("#promote-summary").innerText(), /running/);
  await shot(page, "03-progress-1280");
  releaseCall();
  await page.locator("#promote-record-link").waitFor();
  await focusOn(page, "promote-outcome-heading");
  const summary = await page.locator("#promote-summary").innerText();
  const m = summary.match(/^Promoted: 2 copied, 1 overwritten, 0 already identical, into demo\/release\. Recorded as (\S+)\.$/);
  assert.ok(m, summary);
  promotionId = m[1];
  assert.equal(versionsIn("release", null, "app-util")["2.1.0"], versionsIn("staging", null, "app-util")["2.1.0"]);
  assert.deepEqual(Object.keys(versionsIn("release", "acme", "app-ui")), ["1.0.0"]);
  await shot(page, "04-result-1280");
  await page.unroute((u) => u.pathname === "/wharf/v1/promotions");

  // The history: who, when, why, what.
  await page.getByRole("link", { name: "Promotions into this repository" }).click();
  await page.getByRole("heading", { name: "Promotions" }).waitFor();
  await page.locator(`#promotions-table tr[data-id="${promotionId}"]`).waitFor();
  const [row] = await rows(page, "#promotions-table");
  assert.match(row[0], /^\d{4}-\d\d-\d\d/);
  assert.match(row[1], /^arn:aws:iam::\d{12}:root$/);
  assert.equal(row[2], "release 2.3, CI run 1234");
  assert.equal(row[3], "3 version(s), demo/staging → demo/release");
  assert.equal(row[4], "APPLIED");

  // The record: every version written with the state before.
  await page.locator(`#promotions-table tr[data-id="${promotionId}"] a`).first().click();
  await page.getByRole("heading", { name: `Promotion ${promotionId}` }).waitFor();
  // The heading comes from the address; the rows come with the record.
  await page.locator("#record-writes tbody tr").nth(2).waitFor();
  const writes = await rows(page, "#record-writes");
  assert.equal(writes.length, 3);
  const util = writes.find((w) => w[0] === "app-util");
  assert.match(util[2], /Published$/, "the overwritten version's state before is shown");
  assert.equal(writes.find((w) => w[0] === "@acme/app-ui")[2], "absent");

  // Revert: its own plan first, then a confirmation, then the revert.
  await page.locator("#revert-link").click();
  await page.getByRole("heading", { name: "Revert plan" }).waitFor();
  assert.match(page.url(), new RegExp(`#/promotions/${promotionId}/revert$`));
  const plan = await rows(page, "#revert-plan-table");
  assert.deepEqual(plan.map((r) => [r[0], r[2]]).sort(), [["@acme/app-core", "DELETE"], ["@acme/app-ui", "DELETE"], ["app-util", "RESTORE"]]);
  assert.match(await page.locator("#revert-summary").innerText(), new RegExp(`^Reverting ${promotionId} would delete 2 versions, restore 1 version`));
  assert.equal(versionsIn("release", null, "app-util")["2.1.0"], versionsIn("staging", null, "app-util")["2.1.0"], "the revert's plan wrote nothing");
  await shot(page, "05-revert-plan-1280");
  await page.locator("#revert-reason").fill("rolled back: smoke test failed");
  await page.locator("#revert-button").click();
  await focusOn(page, "revert-confirm-button");
  await page.locator("#revert-confirm-button").click();
  await page.getByRole("heading", { name: "Reverted" }).waitFor();
  await focusOn(page, "revert-heading");
  await page.locator("#record-status", { hasText: "REVERTED" }).waitFor();
  assert.deepEqual(versionsIn("release", null, "app-util"), before, "release is back as it was");
  assert.deepEqual(versionsIn("release", "acme", "app-ui"), {});
  await page.context().close();
});

test("a failing plan is not runnable: the closure report names what is missing", async () => {
  const page = await newPage();
  await page.goto(form({ input: "packages", packages: "npm/acme/app-ui@1.0.0" }));
  await page.locator("#promote-plan-button").click();
  await page.locator("#promote-verdict").waitFor();
  assert.match(await page.locator("#promote-verdict").innerText(), /^Would not pass: 1 version would fail \(1 UNSATISFIED_DEPENDENCY\).* 1 dependency range stays unsatisfied in demo\/release\./);
  assert.ok(await page.locator("#promote-run-button").isDisabled());
  assert.equal(await page.locator("#promote-bar-run-button").count(), 0, "the bar offers no Run either");
  const open = await rows(page, "#promote-plan-unsatisfied");
  assert.deepEqual(open.map((r) => r.slice(0, 4)), [["@acme/app-core", "^1.0.0", "@acme/app-ui@1.0.0", "dependencies"]]);
  // With dependencies, the planner adds app-core and the plan passes (app-util ^2.0.0 is met
  // by release's own 2.1.0).
  await page.getByLabel("Add missing dependencies (npm)").check();
  await page.locator("#promote-plan-button").click();
  await page.locator("#promote-run-button:not([disabled])").waitFor();
  assert.deepEqual(await page.locator("#promote-plan-added li").allInnerTexts(), ["@acme/app-core@1.0.0 added, required by @acme/app-ui@1.0.0"]);
  assert.deepEqual((await planRows(page)).find((r) => r[0] === "@acme/app-core"), ["@acme/app-core", "1.0.0", "COPY", true]);
  // A bad line of the list is named, and nothing is sent.
  await page.locator("#promote-packages").fill("npm/acme/app-ui");
  await page.locator("#promote-plan-button").click();
  await page.getByText('Line 1: name a version after @, as npm//left-pad@1.3.0 ("npm/acme/app-ui")').waitFor();
  await page.context().close();
});

test("a revert after a later change is refused, naming what changed", async () => {
  const res = await fetch(`${wharf.endpoint}/wharf/v1/promotions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${rootToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ domain: "demo", sourceRepository: "staging", destinationRepository: "release", packages: [{ format: "npm", namespace: "acme", package: "app-core", versions: ["1.0.0"] }] }),
  });
  const applied = await res.json();
  assert.equal(applied.status, "APPLIED", JSON.stringify(applied));
  changedId = applied.promotionId;
  wharf.aws("update-package-versions-status", "--domain", "demo", "--repository", "release", "--format", "npm", "--namespace", "acme", "--package", "app-core", "--versions", "1.0.0", "--target-status", "Archived");
  const page = await newPage(390);
  await page.goto(`${wharf.endpoint}/#/promotions/${applied.promotionId}/revert`);
  await page.getByRole("heading", { name: "Revert refused" }).waitFor();
  const text = await page.locator("#revert-conflict").innerText();
  assert.match(text, /The revert was refused and nothing was written: something the promotion wrote has changed since/);
  assert.match(text, /app-core@1\.0\.0 changed since the promotion/);
  assert.equal(await page.locator("#revert-button").count(), 0, "no way to apply a refused revert");
  await shot(page, "06-revert-conflict-390");
  assert.deepEqual(await axeViolations(page), [], "revert conflict at 390 px");
  await page.context().close();
});

test("the demo user may plan a promotion, but a revert needs DeletePackageVersions", async () => {
  const page = await newPage(1280, demoToken);
  await page.goto(form({ input: "packages", packages: "npm//app-util@2.0.0" }));
  await page.locator("#promote-plan-button").click();
  await page.locator("#promote-run-button:not([disabled])").waitFor();
  assert.match(await page.locator("#promote-verdict").innerText(), /^Would pass: Promote 1 version of 1 package, into demo\/release/);
  // Still applied (its revert was refused for a change): the permission is checked first.
  await page.goto(`${wharf.endpoint}/#/promotions/${changedId}/revert`);
  await page.getByRole("heading", { name: "Revert refused" }).waitFor();
  assert.match(await page.locator("#revert-conflict").innerText(), /nothing was written: Access denied: .*user\/demo is not authorized to perform: codeartifact:DeletePackageVersions/);
  await page.context().close();
});

test("deep links restore every view; the keyboard reaches everything", async () => {
  const page = await newPage();
  await page.goto(form({ destDomain: "demo", input: "select", selectFormat: "npm", selectPrefix: "app-", withDependencies: "true", reason: "r1" }));
  await page.getByRole("heading", { name: "Promote a release" }).waitFor();
  assert.ok(await page.locator("#input-select").isChecked());
  assert.equal(await page.locator("#promote-select-format").inputValue(), "npm");
  assert.equal(await page.locator("#promote-select-prefix").inputValue(), "app-");
  assert.ok(await page.locator("#opt-with-dependencies").isChecked());
  assert.equal(await page.locator("#promote-reason").inputValue(), "r1");
  // The selection plans too: every Published version of the source's npm packages named app-*.
  await page.locator("#promote-plan-button").click();
  await page.locator("#promote-verdict").waitFor();
  const selected = (await planRows(page)).map((r) => `${r[0]}@${r[1]}`);
  for (const v of ["app-util@2.0.0", "app-util@2.1.0", "@acme/app-ui@1.0.0"]) assert.ok(selected.includes(v), `${v} in ${selected}`);
  await page.goto(`${wharf.endpoint}/#/promotions?domain=demo&repository=release`);
  await page.locator(`#promotions-table tr[data-id="${promotionId}"]`).waitFor();
  assert.equal(await page.locator("#history-repository").inputValue(), "release");
  assert.equal(await page.title(), "Promotions into demo · Wharf");
  await page.goto(`${wharf.endpoint}/#/promotions/${promotionId}`);
  await page.getByRole("heading", { name: `Promotion ${promotionId}` }).waitFor();
  assert.match(await page.locator("#record-status").innerText(), /REVERTED by/);
  assert.equal(await page.locator("#revert-link").count(), 0, "a reverted promotion offers no revert");

  // Keyboard only: from the skip link to the form, and Enter in a field plans.
  await page.goto(form({ input: "packages" }));
  await page.reload();
  await page.getByRole("heading", { name: "Promote a release" }).waitFor();
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to content");
  await page.keyboard.press("Enter");
  const tabTo = async (id) => {
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press("Tab");
      if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
    }
    assert.fail(`Tab never reached #${id}`);
  };
  await tabTo("promote-packages");
  await page.keyboard.type("npm/acme/app-core@1.0.0");
  await tabTo("promote-reason");
  await page.keyboard.press("Enter");
  await page.locator("#promote-verdict").waitFor();
  await focusOn(page, "promote-plan-heading");
  await page.goto(`${wharf.endpoint}/#/promotions?domain=demo`);
  await page.locator("#promotions-table tbody tr a").first().waitFor();
  await tabTo("history-apply");
  await page.context().close();
});

test("the new views pass axe-core, at 1280 px and 390 px", async () => {
  for (const width of [1280, 390]) {
    const page = await newPage(width);
    await page.goto(form({ input: "packages", packages: "npm/acme/app-ui@1.0.0" }));
    await page.getByRole("heading", { name: "Promote a release" }).waitFor();
    assert.deepEqual(await axeViolations(page), [], `promote form at ${width} px`);
    await page.locator("#promote-plan-button").click();
    await page.locator("#promote-verdict").waitFor();
    assert.deepEqual(await axeViolations(page), [], `promote plan at ${width} px`);
    await shot(page, `plan-${width}`);
    const noSideways = async (what) => {
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(w <= width + 1, `${what} at ${width} px scrolls sideways: ${w}`);
    };
    await noSideways("promote plan");
    await page.goto(`${wharf.endpoint}/#/promote`);
    await page.locator("#promote-lockfile").waitFor();
    assert.deepEqual(await axeViolations(page), [], `lockfile form at ${width} px`);
    await page.goto(`${wharf.endpoint}/#/promotions?domain=demo&repository=release`);
    await page.locator("#promotions-table tbody tr[data-id]").first().waitFor();
    assert.deepEqual(await axeViolations(page), [], `history at ${width} px`);
    await shot(page, `history-${width}`);
    await noSideways("history");
    await page.goto(`${wharf.endpoint}/#/promotions/${promotionId}`);
    await page.locator("#record-writes").waitFor();
    assert.deepEqual(await axeViolations(page), [], `record at ${width} px`);
    await shot(page, `record-${width}`);
    await noSideways("record");
    await page.context().close();
  }
  assert.deepEqual(pageErrors, [], "no uncaught errors in the page");
});
