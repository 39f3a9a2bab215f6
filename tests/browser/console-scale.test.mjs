// The console's tools for scale and its remaining dead ends, end to end against the real wharf
// binary (--demo) in Debian's Chromium: a package of 261 versions is listed in pages (one
// request per page, none per version), loaded whole, selected by range and filter, and picked
// in the copy form; "Compare with another repository…" opens Verify with a field for the other
// repository; a plan link restores the plan; validation speaks plainly, only after a blur or a
// submit; a SKIPPED version is shown as blocked, and "re-run with overwrite" leads through the
// diff (repositories named, hashes shortened with copy buttons) to the confirmation and runs;
// revisions open and copy from the keyboard. axe-core checks each new view, and screenshots at
// 390 px and 1280 px land in tests/artifacts/console-scale-*.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, ARTIFACTS, startWharf, launchChromium, axeViolations, signedInPage, tableRows, focusOn, publishGenericRest } from "./support.mjs";

const DIST = process.env.WHARF_CONSOLE_DIR || join(ROOT, "dist");
const BIG = { namespace: "acme", pkg: "big-lib" };
const RACE = { namespace: "acme", pkg: "race-lib" };
let wharf, browser, demoToken, rootToken;
const pageErrors = [];

before(async () => {
  assert.ok(existsSync(join(DIST, "index.html")), `build the console first: trunk build (no ${DIST}/index.html)`);
  wharf = await startWharf(["--console-dir", DIST, "--demo"]);
  const [link] = await wharf.waitForOutput(/http:\/\/\S+\/#\/signin\?token=\S+/);
  demoToken = decodeURIComponent(link.match(/token=([^&]+)/)[1]);
  rootToken = wharf.aws("get-authorization-token", "--domain", "demo").authorizationToken;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  wharf?.stop();
});

const newPage = (width = 1280) =>
  signedInPage(browser, wharf.endpoint, demoToken, { width, pageErrors, clipboard: true });

const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `console-scale-${name}.png`), fullPage: true });
const table = tableRows;
const copyUrl = (fields) => `${wharf.endpoint}/#/copy?${new URLSearchParams(fields)}`;
const form = (pkg, versions, extra = {}) =>
  copyUrl({ domain: "demo", source: "staging", destination: "release", format: "generic", namespace: pkg.namespace, package: pkg.pkg, versions, ...extra });
const WIDGET = { namespace: "acme", pkg: "widget-lib" };

const publish = (repository, { namespace, pkg }, version, text) =>
  publishGenericRest(wharf.endpoint, rootToken, { repository, namespace, pkg, version, text });

test("261 versions: pages of 200, no request per version, Load all, a range and a filter, the picker", async () => {
  for (let i = 0; i < 261; i++) await publish("staging", BIG, `1.0.${i}`, `big-lib 1.0.${i}`);
  const page = await newPage();
  const calls = [];
  page.on("request", (r) => calls.push(new URL(r.url()).pathname));
  await page.goto(`${wharf.endpoint}/#/domains/demo/repositories/staging/packages/generic/acme/big-lib`);
  await page.locator("#list-count", { hasText: "200 shown, more to load" }).waitFor();
  assert.equal(calls.filter((p) => p === "/v1/package/versions").length, 1, "one request for the first page");
  assert.equal(calls.filter((p) => p === "/v1/package/version").length, 0, "no request per version");
  assert.equal(await page.locator("#versions-count").innerText(), "0 of 200 selected · among the versions loaded so far");

  await page.locator("#load-all").click();
  await page.locator("#list-count", { hasText: "All 261 versions shown" }).waitFor();
  assert.equal(calls.filter((p) => p === "/v1/package/versions").length, 2, "Load all: one more request for the last page");
  assert.equal(await page.locator("#versions-count").innerText(), "0 of 261 selected");
  assert.equal(await page.locator("#versions-select").innerText(), "Select all 261");

  // A range, in version order (1.0.9 … 1.0.100, not text order).
  await page.getByLabel("From version").fill("1.0.9");
  await page.getByLabel("To version").fill("1.0.100");
  assert.equal(await page.locator("#versions-select").innerText(), "Select the 92 matching");
  assert.equal((await table(page, "table")).length, 92, "the table shows what the range lets through");
  await page.locator("#versions-select").click();
  assert.equal(await page.locator("#versions-count").innerText(), "92 of 261 selected · 92 shown");
  await shot(page, "versions-range-1280");
  assert.deepEqual(await axeViolations(page), [], "versions view with the tools");

  // The copy link carries the selection; the copy form's picker has the same tools.
  await page.getByLabel("From version").fill("");
  await page.getByLabel("To version").fill("");
  await page.getByRole("link", { name: "Copy 92 selected…" }).click();
  await page.getByRole("heading", { name: "Copy package versions" }).waitFor();
  assert.equal((await page.locator("#copy-versions").inputValue()).split("\n").length, 92);
  await page.locator("#picker-count", { hasText: "92 of 261 selected" }).waitFor();
  await page.locator("#picker-filter").fill("1.0.25*");
  assert.equal(await page.locator("#picker-select").innerText(), "Select the 11 matching");
  assert.equal(await page.locator(".picker-list label").count(), 11, "the picker lists what the filter lets through");
  await page.locator("#picker-select").click();
  const picked = (await page.locator("#copy-versions").inputValue()).split("\n").sort();
  assert.deepEqual(picked, ["1.0.25", ...Array.from({ length: 10 }, (_, i) => `1.0.25${i}`)].sort());
  await page.locator("#picker-none").click();
  assert.equal(await page.locator("#copy-versions").inputValue(), "");

  // All 261: more than one call's worth runs as one promotion; the plan also offers the same
  // selection on the promote page (dependencies, a reason).
  await page.locator("#picker-filter").fill("");
  await page.locator("#picker-select").click();
  await page.locator("#copy-destination").fill("release");
  await page.locator("#plan-button").click();
  await page.locator("#plan-verdict").waitFor();
  assert.match(await page.locator("#promote-instead").innerText(), /^More than 100 versions run as one all-or-nothing promotion, recorded under Promotions/);
  const href = await page.locator("#promote-link").getAttribute("href");
  const q = new URLSearchParams(href.replace(/^#\/promote\?/, ""));
  assert.deepEqual([q.get("domain"), q.get("source"), q.get("destination"), q.get("input")], ["demo", "staging", "release", "packages"]);
  assert.ok(q.get("packages").startsWith("generic/acme/big-lib@"), q.get("packages"));
  assert.equal(q.get("packages").split("@")[1].split(",").length, 261);
  await page.context().close();

  // At a phone's width the tools stack and stay usable.
  const narrow = await newPage(390);
  await narrow.goto(`${wharf.endpoint}/#/domains/demo/repositories/staging/packages/generic/acme/big-lib`);
  await narrow.locator("#list-count", { hasText: "200 shown" }).waitFor();
  assert.deepEqual(await axeViolations(narrow), [], "versions view at 390 px");
  await shot(narrow, "versions-390");
  await narrow.context().close();
});

test("Compare with another repository… opens Verify with a field for the other repository", async () => {
  const page = await newPage();
  await page.goto(`${wharf.endpoint}/#/domains/demo/repositories/staging/packages/generic/acme/widget-lib`);
  await page.getByRole("link", { name: "Compare with another repository…" }).click();
  await page.getByRole("heading", { name: "Verify a copy" }).waitFor();
  assert.equal(await page.title(), "Verify a copy · Wharf");
  // The missing repository's field takes the focus, and offers the domain's repositories.
  await focusOn(page, "verify-destination");
  await page.waitForFunction(() => document.querySelectorAll("#verify-repositories option").length >= 3);
  const offered = await page.$$eval("#verify-repositories option", (os) => os.map((o) => o.value).sort());
  assert.deepEqual(offered, ["mirror", "release", "staging"]);
  assert.deepEqual(await axeViolations(page), [], "verify with the compare form");
  await page.keyboard.type("release");
  await page.keyboard.press("Enter");
  // No versions named: every version release holds, compared with staging's.
  await page.locator("#verify-table tbody tr").nth(1).waitFor();
  const verdicts = Object.fromEntries((await table(page, "#verify-table")).map((r) => [r[0], r[1]]));
  assert.deepEqual(verdicts, { "1.0.0": "VERIFIED", "2.0.0": "DIFFERS" });
  assert.ok(page.url().includes("destination=release"), `the link names the other repository: ${page.url()}`);
  assert.ok(!page.url().includes("overwrite"), "a verify link carries no overwrite");
  await shot(page, "verify-compare-1280");
  await page.setViewportSize({ width: 390, height: 844 });
  // Stacked: no sideways scrolling for the verify table either.
  const wrap = await page.locator("#verify-table").evaluate((t) => {
    const w = t.closest(".table-wrap");
    return { scroll: w.scrollWidth, client: w.clientWidth };
  });
  assert.ok(wrap.scroll <= wrap.client + 1, `no sideways scroll at 390 px: ${JSON.stringify(wrap)}`);
  assert.deepEqual(await axeViolations(page), [], "verify at 390 px");
  await shot(page, "verify-compare-390");
  await page.context().close();
});

test("a plan link restores the plan; the destination picker lists the domain's repositories", async () => {
  const page = await newPage();
  await page.goto(form(WIDGET, "1.0.0\n2.0.0", { plan: "1" }));
  // The plan comes back without pressing Plan.
  await page.locator("#plan-verdict").waitFor();
  assert.match(await page.locator("#plan-verdict").innerText(), /would not go through/);
  assert.ok(page.url().includes("plan=1"), page.url());
  const offered = await page.$$eval("#copy-repositories option", (os) => os.map((o) => o.value).sort());
  assert.deepEqual(offered, ["mirror", "release", "staging"], "the destination's picker");
  // A changed form drops the marker (the plan no longer matches); a new plan puts it back.
  await page.getByLabel("Allow overwrite of differing destination versions").check();
  await page.waitForFunction(() => !location.hash.includes("plan=1"));
  await page.locator("#plan-button").click();
  await page.locator("#run-button:not([disabled])").waitFor();
  await page.waitForFunction(() => location.hash.includes("plan=1") && location.hash.includes("overwrite=true"));
  await page.reload();
  await page.locator("#run-button:not([disabled])").waitFor();
  const plan = Object.fromEntries((await table(page, "#plan-table")).map((r) => [r[0], r[1]]));
  assert.deepEqual(plan, { "1.0.0": "NO_OP", "2.0.0": "OVERWRITE" }, "the reloaded link shows the plan");
  await page.context().close();
});

test("validation speaks plainly, never on first load, once per field", async () => {
  const page = await newPage();
  await page.goto(copyUrl({ domain: "Bad_Domain", source: "staging", format: "generic", namespace: "acme", package: "widget-lib", versions: "1.0.0" }));
  await page.getByRole("heading", { name: "Copy package versions" }).waitFor();
  assert.equal(await page.locator(".copy-form .errors").count(), 0, "nothing is flagged on first load");
  assert.equal(await page.locator("#copy-domain").getAttribute("aria-invalid"), "false");
  await page.locator("#plan-button").click();
  assert.deepEqual(await page.locator("#copy-domain-error li").allInnerTexts(), [
    "Domain: 2–50 characters: lowercase letters, digits and hyphens, starting with a letter.",
  ]);
  assert.deepEqual(await page.locator("#copy-destination-error li").allInnerTexts(), ["Destination repository: required."]);
  const all = await page.locator(".copy-form .errors li").allInnerTexts();
  assert.equal(new Set(all).size, all.length, `each message once: ${all}`);
  assert.ok(all.every((m) => !/null|regular expression|constraint/.test(m)), `plain words: ${all}`);
  assert.equal(await page.locator("#plan-verdict").count(), 0, "an invalid form is not planned");
  await page.context().close();
});

test("blocked is not failed, and re-run with overwrite goes through the diff to the confirmation and runs", async () => {
  await publish("staging", RACE, "1.0.0", "race 1.0.0");
  await publish("staging", RACE, "1.1.0", "race 1.1.0");
  const page = await newPage();
  await page.goto(form(RACE, "1.0.0\n1.1.0"));
  await page.locator("#plan-button").click();
  await page.locator("#run-button:not([disabled])").waitFor();
  // Someone publishes a different 1.0.0 into release between the plan and the run.
  await publish("release", RACE, "1.0.0", "another 1.0.0");
  await page.locator("#run-button").click();
  await page.locator("#confirm-run-button").click();
  const retry = page.getByRole("button", { name: "Review the diff of 1.0.0 and re-run with overwrite" });
  await retry.waitFor();
  const outcome = Object.fromEntries((await table(page, "#outcome-table")).map((r) => [r[0], r[1]]));
  assert.deepEqual(outcome, { "1.0.0": "FAILED", "1.1.0": "BLOCKED" });
  assert.match(await page.locator("#result-summary").innerText(), /1 failed, 1 blocked by a failure/);

  // One click: the plan with overwrite, its diff, and the confirmation, in that order.
  await retry.click();
  await focusOn(page, "confirm-run-button");
  assert.equal(await page.locator("#confirm-run-button").innerText(), "Copy 1 and overwrite 1 into release");
  const diff = page.getByRole("region", { name: "Differences" });
  assert.match(await diff.locator("h3").innerText(), /release → staging/, "the diff names the repositories");
  assert.match(await diff.locator("summary").first().innerText(), /1\.0\.0 in release → in staging/);
  const line = diff.locator("ul.hashes-changed li", { hasText: "SHA-256" });
  const sha = (t) => createHash("sha256").update(t).digest("hex");
  const text = await line.innerText();
  assert.ok(text.includes(`${sha("another 1.0.0").slice(0, 12)}…`) && text.includes(`${sha("race 1.0.0").slice(0, 12)}…`), text);
  // The copy button puts the full hash on the clipboard.
  await line.getByRole("button", { name: "Copy release's SHA-256 of asset.txt" }).click();
  await line.getByText("Copied").first().waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), sha("another 1.0.0"));
  await shot(page, "rerun-confirm-1280");
  assert.deepEqual(await axeViolations(page), [], "plan with diff and confirmation");
  await page.locator("#confirm-run-button").click();
  await page.locator("#verify-link").waitFor();
  const after = Object.fromEntries((await table(page, "#outcome-table")).map((r) => [r[0], r[1]]));
  assert.deepEqual(after, { "1.0.0": "COPIED", "1.1.0": "COPIED" });
  await page.context().close();
});

test("full revisions open and copy from the keyboard", async () => {
  const page = await newPage();
  await page.goto(form(WIDGET, "2.0.0", { plan: "1" }));
  await focusOn(page, "plan-heading");
  // Tab from the plan's heading to the first revision of the table.
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.tagName === "SUMMARY" && !!document.activeElement.closest("#plan-table"))) break;
  }
  const full = await page.evaluate(() => document.activeElement.querySelector("code").title);
  assert.ok(full.length > 12, `a long revision: ${full}`);
  await page.keyboard.press("Enter");
  const shown = await page.evaluate(() => document.activeElement.closest("details").querySelector(".rev-full").innerText);
  assert.equal(shown, full, "Enter shows the whole revision");
  await page.keyboard.press("Tab");
  assert.match(await page.evaluate(() => document.activeElement.innerText), /^Copy/);
  await page.keyboard.press("Enter");
  await page.waitForFunction(async (want) => (await navigator.clipboard.readText()) === want, full);
  assert.deepEqual(await axeViolations(page), [], "an opened revision");
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, "revision-open-390");
  await page.context().close();
  assert.deepEqual(pageErrors, [], "no uncaught errors in the page");
});
