// The console's run, end to end against the real wharf binary (--demo) in Debian's Chromium:
// Run only from a current plan that would pass, after a confirmation that says what it will do;
// a token that may not copy is told at the plan; after Plan or Run the focus lands on the
// result's heading and a sticky bar announces the summary; a package of 261 versions plans and
// runs as one all-or-nothing promotion, and when it gets no answer every version is shown as
// unknown, with "Resume the rest" and "Verify the destination"; a large copy's identical
// versions are shown as unchanged. Also a keyboard-only
// walk, axe-core on every view, and screenshots at 390 px and 1280 px (tests/artifacts).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, ARTIFACTS, startWharf, launchChromium, axeViolations, signedInPage, tableRows, focusOn, publishGenericRest } from "./support.mjs";

const DIST = process.env.WHARF_CONSOLE_DIR || join(ROOT, "dist");
const BIG = { namespace: "acme", pkg: "big-lib" };
let wharf, browser, signInLink, demoToken, rootToken;
const pageErrors = [];

before(async () => {
  assert.ok(existsSync(join(DIST, "index.html")), `build the console first: trunk build (no ${DIST}/index.html)`);
  wharf = await startWharf(["--console-dir", DIST, "--demo"]);
  [signInLink] = await wharf.waitForOutput(/http:\/\/\S+\/#\/signin\?token=\S+/);
  // The link carries the demo user's token (it may read and copy in the demo domain, not
  // publish): the pages sign in with it, and the test publishes its fixtures as root.
  demoToken = decodeURIComponent(signInLink.match(/token=([^&]+)/)[1]);
  rootToken = wharf.aws("get-authorization-token", "--domain", "demo").authorizationToken;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  wharf?.stop();
});

const newPage = (width = 1280, token = demoToken) =>
  signedInPage(browser, wharf.endpoint, token, { width, pageErrors });

const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `console-run-${name}.png`), fullPage: true });
const table = tableRows;
const activeId = (page) => page.evaluate(() => document.activeElement?.id || "");
const COPY_CALLS = (url) => url.pathname === "/v1/package/versions/copy";
const PROMOTIONS = (url) => url.pathname === "/wharf/v1/promotions";
const copyUrl = (fields) => `${wharf.endpoint}/#/copy?${new URLSearchParams(fields)}`;
const demoForm = (versions, extra = {}) =>
  copyUrl({ domain: "demo", source: "staging", destination: "release", format: "generic", namespace: "acme", package: "widget-lib", versions, ...extra });

const publish = (repository, { namespace, pkg }, version, text) =>
  publishGenericRest(wharf.endpoint, rootToken, { repository, namespace, pkg, version, text });

async function planAndWait(page) {
  await page.locator("#plan-button").click();
  await page.locator("#plan-verdict").waitFor();
}

test("Run needs a current plan that would pass, and asks first", async () => {
  const page = await newPage();
  await page.goto(demoForm("1.0.0\n1.1.0\n2.0.0"));
  await page.getByRole("heading", { name: "Copy package versions" }).waitFor();
  assert.equal(await page.title(), "Copy widget-lib · Wharf", "the tab says where we are");
  assert.ok(await page.locator("#run-button").isDisabled(), "no Run before a plan");

  // A plan that would not go through: Run stays off, and the bar offers the way out.
  await planAndWait(page);
  assert.match(await page.locator("#plan-verdict").innerText(), /would not go through/);
  assert.ok(await page.locator("#run-button").isDisabled(), "no Run for a failing plan");
  await focusOn(page, "plan-heading");
  assert.match(await page.locator("#result-summary").innerText(), /would not go through/);
  assert.equal(await page.locator("#result-summary").getAttribute("aria-live"), "polite");
  // The sticky bar is in view at the bottom of the viewport.
  const bar = await page.locator(".sticky-bar").boundingBox();
  assert.ok(bar && bar.y >= 0 && bar.y + bar.height <= 800 + 1, `bar in view: ${JSON.stringify(bar)}`);
  await shot(page, "01-failing-plan");

  // "Problems only" shows the two failing rows; SKIPPED is shown as blocked.
  await page.locator("#problems-only").check();
  const problems = await table(page, "#plan-table");
  assert.deepEqual(problems.map((r) => r[0]), ["1.1.0", "2.0.0"]);
  assert.equal(problems[0][1], "BLOCKED");
  assert.equal(problems[1][1], "FAIL");
  await page.locator("#problems-only").uncheck();

  // Leave out the conflicting version: the form narrows and plans again by itself.
  await page.locator("#leave-out-button").click();
  await page.locator("#run-button:not([disabled])").waitFor();
  assert.equal(await page.locator("#copy-versions").inputValue(), "1.0.0\n1.1.0");
  const plan = Object.fromEntries((await table(page, "#plan-table")).map((r) => [r[0], r[1]]));
  assert.deepEqual(plan, { "1.0.0": "NO_OP", "1.1.0": "COPY" });

  // A changed form makes the plan stale: Run goes off until the next plan.
  await page.getByLabel("Allow overwrite of differing destination versions").check();
  assert.ok(await page.locator("#run-button").isDisabled(), "no Run from a stale plan");
  await page.getByText("The form changed since this plan was made").waitFor();
  await page.getByLabel("Allow overwrite of differing destination versions").uncheck();
  await planAndWait(page);

  // Run asks first, saying what will happen; Back writes nothing.
  await page.locator("#run-button").click();
  const confirm = page.locator("#confirm-run-button");
  await confirm.waitFor();
  assert.equal(await confirm.innerText(), "Copy 1 into release");
  await focusOn(page, "confirm-run-button");
  await shot(page, "02-confirm");
  await page.getByRole("button", { name: "Back" }).click();
  assert.equal(await page.locator("#outcome-table").count(), 0, "nothing ran");

  await page.locator("#run-button").click();
  await page.locator("#confirm-run-button").click();
  await page.locator("#verify-link").waitFor();
  await focusOn(page, "outcome-heading");
  assert.equal(await page.locator("#plan-table").count(), 0, "the spent plan is gone");
  const outcome = Object.fromEntries((await table(page, "#outcome-table")).map((r) => [r[0], r[1]]));
  assert.deepEqual(outcome, { "1.0.0": "UNCHANGED", "1.1.0": "COPIED" });
  assert.equal(await page.locator("#result-summary").innerText(), "Done: 1 call answered. 2 versions: 1 copied, 1 already identical.");
  // The verify link never carries overwrite.
  assert.ok(!(await page.locator("#verify-link").getAttribute("href")).includes("overwrite"));
  await shot(page, "03-outcome");
  await page.context().close();
});

test("a token that may not copy is told so by the plan", async () => {
  const bin = process.env.WHARF_BIN || join(ROOT, "target/debug/wharf");
  const admin = (args, input) =>
    JSON.parse(execFileSync(bin, ["admin", "--data-dir", wharf.dataDir, ...args], { encoding: "utf8", input, env: wharf.env }));
  admin(["user", "create", "reader"]);
  const key = admin(["key", "create", "reader"]).accessKey;
  const doc = {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["codeartifact:ReadFromRepository", "codeartifact:Describe*", "codeartifact:List*", "codeartifact:GetAuthorizationToken"], Resource: "*" },
    ],
  };
  admin(["policy", "attach", "reader", "read", "--document", "-"], JSON.stringify(doc));
  const env = { ...process.env, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey, AWS_DEFAULT_REGION: "us-east-1", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
  const venv = process.env.WHARF_VENV || join(process.env.HOME, ".cache/wharf-tools/venv");
  const token = JSON.parse(execFileSync(join(venv, "bin/aws"), ["codeartifact", "get-authorization-token", "--domain", "demo", "--endpoint-url", wharf.endpoint, "--output", "json"], { env, encoding: "utf8" })).authorizationToken;
  const page = await newPage(1280, token);
  // Who is signed in, and until when.
  assert.match(await page.locator("#whoami").innerText(), new RegExp(`Key ${key.accessKeyId} · token expires \\d{4}-\\d\\d-\\d\\d`));
  await page.goto(demoForm("2.0.0", { overwrite: "true" }));
  await planAndWait(page);
  const verdict = await page.locator("#plan-verdict").innerText();
  assert.match(verdict, /^You may not copy into release/);
  assert.match(verdict, /user\/reader is not authorized to perform: codeartifact:CopyPackageVersions/);
  assert.ok(await page.locator("#run-button").isDisabled());
  await shot(page, "04-denied-at-plan");
  await page.context().close();
});

test("261 versions: one all-or-nothing promotion, a network failure, resume and verify", async () => {
  const versions = Array.from({ length: 261 }, (_, i) => `1.0.${i}`);
  for (const v of versions) await publish("staging", BIG, v, `big-lib ${v}`);
  await publish("release", BIG, "1.0.150", "a different 1.0.150");
  const page = await newPage();
  // Typed in text order (1.0.0, 1.0.1, 1.0.10, …): the plan and the run use version order.
  const typed = [...versions].sort();
  const form = { domain: "demo", source: "staging", destination: "release", format: "generic", namespace: BIG.namespace, package: BIG.pkg };
  await page.goto(copyUrl({ ...form, versions: typed.join("\n") }));
  await planAndWait(page);
  // More than one call's worth runs as one promotion: one conflict stops every version.
  assert.match(await page.locator("#plan-verdict").innerText(), /^This copy would not go through: more than 100 versions run as one all-or-nothing promotion/);
  const planned = await table(page, "#plan-table");
  assert.equal(planned.length, 261);
  assert.equal(planned.filter((r) => /ALREADY_EXISTS/.test(r[5])).length, 1);
  assert.equal(planned.filter((r) => /SKIPPED/.test(r[5])).length, 260, "every other version is blocked by the conflict");
  assert.ok(await page.locator("#run-button").isDisabled());
  await shot(page, "05-big-plan");

  await page.locator("#leave-out-button").click();
  await page.locator("#run-button:not([disabled])").waitFor();
  assert.match(await page.locator("#plan-verdict").innerText(), /^Ready: 260 version\(s\) would be copied\. More than 100 versions run as one all-or-nothing promotion/);

  // The promotion never gets an answer, and no CopyPackageVersions call is made.
  let copies = 0;
  await page.route(COPY_CALLS, async (route) => {
    const body = JSON.parse(route.request().postData() || "{}");
    if ((body.versions || []).length > 0) copies++;
    return route.continue();
  });
  await page.route(PROMOTIONS, async (route) => route.abort("connectionreset"));
  await page.locator("#run-button").click();
  assert.equal(await page.locator("#confirm-run-button").innerText(), "Copy 260 into release");
  await page.locator("#confirm-run-button").click();
  await page.locator("#resume-button").waitFor();
  const rows = await table(page, "#outcome-table");
  assert.equal(rows.length, 260, "every version is listed");
  assert.equal(rows.filter((r) => r[1] === "UNKNOWN").length, 260);
  const lines = await page.locator("#run-calls li").allInnerTexts();
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^One promotion \(1\.0\.0 – 1\.0\.260, 260 versions\): sent, but no answer came .*whether it copied is unknown/);
  assert.match(await page.locator("#result-summary").innerText(), /^Stopped: the promotion did not answer with a result\. 260 versions: 260 result unknown\.$/);
  assert.ok(await page.locator("#verify-link").isVisible(), "Verify the destination");
  await shot(page, "06-big-unknown");
  await page.unroute(PROMOTIONS);

  // Resume the rest: plans the 260 again, then runs them as one promotion after confirmation.
  await page.locator("#resume-button").click();
  await page.locator("#run-button:not([disabled])").waitFor();
  assert.match(await page.locator("#plan-verdict").innerText(), /^Ready: 260 version\(s\) would be copied/);
  await page.locator("#run-button").click();
  await page.locator("#confirm-run-button").click();
  await page.locator("#verify-link").waitFor();
  const resumed = await table(page, "#outcome-table");
  assert.equal(resumed.filter((r) => r[1] === "COPIED").length, 260);
  assert.equal(copies, 0, "a large copy makes no CopyPackageVersions call");
  assert.match(await page.locator("#result-summary").innerText(), /^Done: one promotion answered \(record [^)]+\)\. 260 versions: 260 copied\.$/);
  const record = await page.locator("#promotion-record-link").getAttribute("href");
  assert.match(record, /^#\/promotions\/.+/);
  await page.locator("#verify-link").click();
  await page.getByText("260 of 260 verified").waitFor();
  // The record names the copy: what, by whom, and why.
  await page.goto(`${wharf.endpoint}/${record}`);
  await page.getByText("Console copy of 260 versions of big-lib from staging to release").first().waitFor();
  await page.context().close();
});

test("a large copy whose versions are mostly identical shows them as unchanged", async () => {
  // 1.0.0 … 1.0.99 are in release by now; 300 … 319 are new.
  for (let i = 300; i < 320; i++) await publish("staging", BIG, `1.0.${i}`, `big-lib 1.0.${i}`);
  const page = await newPage();
  const versions = [...Array.from({ length: 100 }, (_, i) => `1.0.${i}`), ...Array.from({ length: 20 }, (_, i) => `1.0.${300 + i}`)];
  await page.goto(copyUrl({ domain: "demo", source: "staging", destination: "release", format: "generic", namespace: BIG.namespace, package: BIG.pkg, versions: versions.join("\n") }));
  await planAndWait(page);
  await page.locator("#run-button").click();
  await page.locator("#confirm-run-button").click();
  await page.locator("#verify-link").waitFor();
  const rows = await table(page, "#outcome-table");
  assert.equal(rows.filter((r) => r[1] === "UNCHANGED").length, 100, "the identical versions are shown");
  assert.equal(rows.filter((r) => r[1] === "COPIED").length, 20);
  await page.context().close();
});

test("a keyboard-only walk plans, confirms and runs a copy", async () => {
  const page = await newPage();
  await page.goto(`${wharf.endpoint}/#/copy`);
  await page.reload(); // start with the focus nowhere, as a fresh visit does
  await page.getByRole("heading", { name: "Copy package versions" }).waitFor();
  // The skip link comes first and lands on the content.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to content");
  await page.keyboard.press("Enter");
  await focusOn(page, "main");
  const tabTo = async (id, key = "Tab") => {
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press(key);
      if ((await activeId(page)) === id) return;
    }
    assert.fail(`Tab never reached #${id}`);
  };
  await tabTo("copy-domain");
  await page.keyboard.type("demo");
  await tabTo("copy-source");
  await page.keyboard.type("staging");
  await tabTo("copy-destination");
  await page.keyboard.type("release");
  await tabTo("copy-format");
  await page.keyboard.press("g"); // selects "generic"
  await tabTo("copy-namespace");
  await page.keyboard.type("acme");
  await tabTo("copy-package");
  await page.keyboard.type("http-client");
  await tabTo("copy-versions");
  await page.keyboard.type("0.5.0");
  await tabTo("copy-package", "Shift+Tab");
  await page.keyboard.press("Enter"); // Enter in a field plans
  await page.locator("#plan-verdict").waitFor();
  await focusOn(page, "plan-heading");
  await tabTo("bar-run-button");
  await page.keyboard.press("Enter");
  await page.locator("#confirm-run-button").waitFor();
  await focusOn(page, "confirm-run-button");
  await page.keyboard.press("Enter");
  await page.locator("#verify-link").waitFor();
  await focusOn(page, "outcome-heading");
  const outcome = Object.fromEntries((await table(page, "#outcome-table")).map((r) => [r[0], r[1]]));
  assert.deepEqual(outcome, { "0.5.0": "COPIED" });
  await page.context().close();
});

test("every view passes axe-core, at 1280 px and 390 px", async () => {
  for (const width of [1280, 390]) {
    const page = await newPage(width);
    const views = [
      ["domains", "#/domains", "Domains"],
      ["repositories", "#/domains/demo/repositories", "Repositories in demo"],
      ["packages", "#/domains/demo/repositories/staging/packages", "Packages in staging"],
      ["versions", "#/domains/demo/repositories/staging/packages/generic/acme/widget-lib", /acme\/widget-lib/],
      ["version", "#/domains/demo/repositories/staging/packages/generic/acme/widget-lib/versions/2.0.0", "acme/widget-lib 2.0.0"],
      ["copy", "#/copy", "Copy package versions"],
      ["verify", `#/verify?domain=demo&source=staging&destination=release&format=generic&namespace=acme&package=widget-lib`, "Verify a copy"],
    ];
    for (const [name, hash, heading] of views) {
      await page.goto(`${wharf.endpoint}/${hash}`);
      await page.getByRole("heading", { name: heading }).first().waitFor();
      await page.waitForLoadState("networkidle");
      assert.deepEqual(await axeViolations(page), [], `${name} at ${width} px`);
      await shot(page, `axe-${name}-${width}`);
    }
    // The copy view with a plan, then with an outcome.
    await page.goto(demoForm("1.0.0\n2.0.0", { overwrite: "true" }));
    await planAndWait(page);
    assert.deepEqual(await axeViolations(page), [], `plan at ${width} px`);
    if (width === 390) {
      // Stacked: the plan's error column is in view, with no sideways scrolling.
      const wrap = await page.locator("#plan-table").evaluate((t) => {
        const w = t.closest(".table-wrap");
        return { scroll: w.scrollWidth, client: w.clientWidth };
      });
      assert.ok(wrap.scroll <= wrap.client + 1, `no sideways scroll at 390 px: ${JSON.stringify(wrap)}`);
    }
    await shot(page, `plan-${width}`);
    await page.goto(`${wharf.endpoint}/#/signin`);
    await page.getByRole("heading", { name: "Sign in to Wharf" }).waitFor();
    assert.deepEqual(await axeViolations(page), [], `sign-in at ${width} px`);
    await page.context().close();
  }
  assert.deepEqual(pageErrors, [], "no uncaught errors in the page");
});
