// The embeddable widget end to end: www/demo.html served from one origin embeds
// <wharf-copy-versions>, which plans and copies through a wharf service on another origin that
// allows it (--cors-origin). A page on an origin that was not configured is refused.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, ARTIFACTS, staticServer, startWharf, publishGeneric, launchChromium, axeViolations } from "./support.mjs";

const DOMAIN = "portal";
const PKG = { namespace: "acme", pkg: "widget-lib" };
let portal, stranger, wharf, browser, token;

before(async () => {
  portal = await staticServer(join(ROOT, "www"));
  stranger = await staticServer(join(ROOT, "www"));
  wharf = await startWharf(["--cors-origin", portal.origin]);
  wharf.aws("create-domain", "--domain", DOMAIN);
  wharf.aws("create-repository", "--domain", DOMAIN, "--repository", "staging");
  wharf.aws("create-repository", "--domain", DOMAIN, "--repository", "release");
  for (const version of ["1.0.0", "1.1.0", "2.0.0"]) {
    publishGeneric(wharf, { domain: DOMAIN, repository: "staging", ...PKG, version, text: `staging ${version}` });
  }
  publishGeneric(wharf, { domain: DOMAIN, repository: "release", ...PKG, version: "2.0.0", text: "a different 2.0.0" });
  token = wharf.aws("get-authorization-token", "--domain", DOMAIN).authorizationToken;
  assert.ok(token, "a bearer token");
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  wharf?.stop();
  portal?.close();
  stranger?.close();
});

function demoUrl(origin, leaveOut = []) {
  const q = new URLSearchParams({ endpoint: wharf.endpoint, token, domain: DOMAIN, source: "staging", destination: "release", format: "generic", namespace: PKG.namespace, package: PKG.pkg });
  for (const name of leaveOut) q.delete(name);
  return `${origin}/demo.html?${q}`;
}

async function openDemo(origin, { leaveOut = [], width = 900 } = {}) {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(demoUrl(origin, leaveOut));
  await page.waitForSelector("wharf-copy-versions [name=versions]");
  return { page, errors };
}

const status = (page) => page.locator("wharf-copy-versions .status").innerText();
const planEvents = (page) => page.evaluate(() => (window.wharfEvents || []).filter((e) => e.type === "wharf-plan").length);

const events = (page, type) => page.evaluate((t) => (window.wharfEvents || []).filter((e) => e.type === t).map((e) => e.detail), type);

test("the widget validates, plans and copies across origins, and the host page sees its events", async () => {
  const { page, errors } = await openDemo(portal.origin);
  const versions = page.locator("wharf-copy-versions [name=versions]");

  // Validation in plain language: an invalid version shows the rule on its field once the
  // user leaves it, and nothing is sent.
  await versions.fill("1.0 0");
  await versions.blur();
  await page.waitForFunction(() => document.querySelector("wharf-copy-versions").shadowRoot.querySelector('[data-error="versions"]').textContent.includes("without spaces"));

  // The plan: two new versions and one that differs in the destination.
  await versions.fill("1.0.0, 1.1.0, 2.0.0");
  await page.locator("wharf-copy-versions button[data-action=plan]").click();
  await page.waitForFunction(() => (window.wharfEvents || []).some((e) => e.type === "wharf-plan"));
  const [plan] = await events(page, "wharf-plan");
  assert.deepEqual(plan.versions.map((v) => [v.version, v.action]), [["1.0.0", "FAIL"], ["1.1.0", "FAIL"], ["2.0.0", "FAIL"]]);
  assert.equal(plan.result.failedVersions["2.0.0"].errorCode, "ALREADY_EXISTS");
  assert.equal(plan.result.failedVersions["1.0.0"].errorCode, "SKIPPED");
  // The summary says the plan would not pass, and Copy stays off.
  assert.match(await status(page), /^Would not pass: 2\.0\.0 \(ALREADY_EXISTS\)/);
  assert.ok(await page.locator("wharf-copy-versions button[data-action=copy]").isDisabled());
  await page.screenshot({ path: join(ARTIFACTS, "widget-plan.png") });

  // The copy of the two new versions: plan them, then Copy says what it will do.
  await versions.fill("1.0.0\n1.1.0");
  assert.ok(await page.locator("wharf-copy-versions button[data-action=copy]").isDisabled(), "the old plan is stale");
  await page.locator("wharf-copy-versions button[data-action=plan]").click();
  await page.locator("wharf-copy-versions button[data-action=copy]:not([disabled])").waitFor();
  assert.match(await status(page), /^Would pass: copy 2 into release\./);
  assert.equal(await page.locator("wharf-copy-versions button[data-action=copy]").innerText(), "Copy 2 into release");
  await page.locator("wharf-copy-versions button[data-action=copy]").click();
  await page.waitForFunction(() => (window.wharfEvents || []).some((e) => e.type === "wharf-copied"));
  const [copied] = await events(page, "wharf-copied");
  assert.deepEqual(Object.keys(copied.successfulVersions).sort(), ["1.0.0", "1.1.0"]);
  assert.deepEqual(copied.failedVersions, {});
  // The spent plan is gone: only the outcome is on screen, and Copy is off again.
  await page.locator("wharf-copy-versions table.outcome").waitFor();
  assert.ok(await page.locator("wharf-copy-versions table.plan").isHidden(), "no stale plan next to the outcome");
  assert.ok(await page.locator("wharf-copy-versions button[data-action=copy]").isDisabled());
  await page.screenshot({ path: join(ARTIFACTS, "widget-copied.png") });

  // The destination now holds them, at the source's revisions.
  const list = (repo) => wharf.aws("list-package-versions", "--domain", DOMAIN, "--repository", repo, "--format", "generic", "--namespace", PKG.namespace, "--package", PKG.pkg).versions;
  const staging = Object.fromEntries(list("staging").map((v) => [v.version, v.revision]));
  const release = Object.fromEntries(list("release").map((v) => [v.version, v.revision]));
  assert.equal(release["1.0.0"], staging["1.0.0"]);
  assert.equal(release["1.1.0"], staging["1.1.0"]);
  assert.equal(copied.successfulVersions["1.1.0"].revision, staging["1.1.0"]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("a pypi name is planned under its PEP 503 form, computed by the core", async () => {
  const q = new URLSearchParams({ endpoint: wharf.endpoint, token, domain: DOMAIN, source: "staging", destination: "release", format: "pypi", package: "My_Package.Name" });
  const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const asked = [];
  page.on("request", (r) => {
    if (r.url().startsWith(wharf.endpoint) && r.url().includes("/v1/package/versions")) asked.push(new URL(r.url()).searchParams.get("package"));
  });
  await page.goto(`${portal.origin}/demo.html?${q}`);
  await page.waitForSelector("wharf-copy-versions [name=versions]");
  await page.locator("wharf-copy-versions [name=versions]").fill("1.0");
  await page.locator("wharf-copy-versions button[data-action=plan]").click();
  await page.waitForFunction(() => (window.wharfEvents || []).some((e) => e.type === "wharf-plan" || e.type === "wharf-error"));
  // No pypi package is stored: the service's answer names the normalized name it was asked for.
  const [error] = await events(page, "wharf-error");
  assert.equal(error?.message, "Package my-package-name not found in repository staging");
  assert.ok(asked.length >= 1, `the widget read the repositories: ${asked}`);
  assert.deepEqual([...new Set(asked)], ["my-package-name"]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the host page's CSS does not reach into the widget", async () => {
  const { page } = await openDemo(portal.origin);
  const style = await page.evaluate(() => {
    const root = document.querySelector("wharf-copy-versions").shadowRoot;
    const button = getComputedStyle(root.querySelector("button[data-action=copy]"));
    const input = getComputedStyle(root.querySelector("[name=versions]"));
    const label = getComputedStyle(root.querySelector("label"));
    return { display: button.display, inputBorder: input.borderTopStyle, labelColor: label.color, spacing: label.letterSpacing };
  });
  // demo.html hides every button and table and dashes every input border; the widget keeps its own.
  assert.notEqual(style.display, "none");
  assert.equal(style.inputBorder, "solid");
  assert.notEqual(style.labelColor, "rgb(124, 58, 237)");
  assert.equal(style.spacing, "normal");
  await page.close();
});

test("an origin that was not configured is refused", async () => {
  const { page } = await openDemo(stranger.origin);
  await page.locator("wharf-copy-versions [name=versions]").fill("1.0.0");
  await page.locator("wharf-copy-versions button[data-action=plan]").click();
  await page.waitForFunction(() => (window.wharfEvents || []).some((e) => e.type === "wharf-error"));
  const [error] = await events(page, "wharf-error");
  assert.equal(error.code, "ServiceUnreachable");
  // And the preflight itself carries no permission for that origin.
  const res = await fetch(`${wharf.endpoint}/v1/package/versions/copy?domain=${DOMAIN}`, {
    method: "OPTIONS",
    headers: { Origin: stranger.origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" },
  });
  assert.equal(res.headers.get("access-control-allow-origin"), null);
  const ok = await fetch(`${wharf.endpoint}/v1/package/versions/copy?domain=${DOMAIN}`, {
    method: "OPTIONS",
    headers: { Origin: portal.origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" },
  });
  assert.equal(ok.headers.get("access-control-allow-origin"), portal.origin);
  await page.close();
});

test("Enter plans and never copies; Copy needs a current plan", async () => {
  // The destination is a field here, so Enter can be pressed in a one-line input.
  const { page, errors } = await openDemo(portal.origin, { leaveOut: ["destination"] });
  const root = page.locator("wharf-copy-versions");
  await root.locator("[name=versions]").fill("1.0.0");
  await root.locator("[name=destinationRepository]").fill("release");
  assert.ok(await root.locator("button[data-action=copy]").isDisabled(), "no Copy before a plan");
  await root.locator("[name=destinationRepository]").press("Enter");
  await page.waitForFunction(() => (window.wharfEvents || []).some((e) => e.type === "wharf-plan"));
  // Enter in the versions box starts a new line; Ctrl+Enter plans.
  await root.locator("[name=versions]").press("Enter");
  assert.equal(await planEvents(page), 1);
  await root.locator("[name=versions]").press("Control+Enter");
  await page.waitForFunction(() => (window.wharfEvents || []).filter((e) => e.type === "wharf-plan").length === 2);
  assert.deepEqual(await events(page, "wharf-copied"), [], "Enter never copies");
  // 1.0.0 is identical in release by now (the first test copied it): nothing to copy.
  assert.match(await status(page), /^Nothing to copy/);
  assert.ok(await root.locator("button[data-action=copy]").isDisabled());
  const release = wharf.aws("list-package-versions", "--domain", DOMAIN, "--repository", "release", "--format", "generic", "--namespace", PKG.namespace, "--package", PKG.pkg).versions;
  assert.deepEqual(release.map((v) => v.version).sort(), ["1.0.0", "1.1.0", "2.0.0"]);
  assert.deepEqual(errors, []);
  await page.close();
});

test("the widget labels its fixed settings, hides the domain owner, and explains its rules plainly", async () => {
  const { page } = await openDemo(portal.origin, { leaveOut: ["domain"], width: 390 });
  const root = page.locator("wharf-copy-versions");
  assert.match(await root.locator("[data-fixed]").innerText(), /staging → release/);
  assert.equal(await root.locator("[name=domainOwner]").count(), 0, "the domain owner is asked only when the page says so");
  // Nothing is flagged on first load, before the user did anything.
  assert.equal((await root.locator(".error").allInnerTexts()).join(""), "");
  // Leaving a field shows its rule once, in plain language.
  await root.locator("[name=domain]").fill("Bad_Domain");
  await root.locator("[name=domain]").blur();
  const message = await root.locator('[data-error="domain"]').innerText();
  assert.equal(message, "Domain: 2–50 characters: lowercase letters, digits and hyphens, starting with a letter.");
  // More than 100 versions are refused in plain words, one per line accepted.
  await root.locator("[name=domain]").fill(DOMAIN);
  await root.locator("[name=versions]").fill(Array.from({ length: 101 }, (_, i) => `1.0.${i}`).join("\n"));
  await root.locator("button[data-action=plan]").click();
  assert.equal(await root.locator('[data-error="versions"]').innerText(), "Versions: one copy takes at most 100 versions. Copy them in groups of 100 or fewer.");
  assert.equal(await planEvents(page), 0);
  await page.screenshot({ path: join(ARTIFACTS, "widget-390.png"), fullPage: true });
  assert.deepEqual(await axeViolations(page), []);
  await page.close();
});

test("the widget has no serious accessibility violations at 1280 px, with a plan shown", async () => {
  const { page } = await openDemo(portal.origin, { width: 1280 });
  const root = page.locator("wharf-copy-versions");
  await root.locator("[name=versions]").fill("1.0.0\n2.0.0");
  await root.locator("button[data-action=plan]").click();
  await page.waitForFunction(() => (window.wharfEvents || []).some((e) => e.type === "wharf-plan"));
  await page.screenshot({ path: join(ARTIFACTS, "widget-1280.png"), fullPage: true });
  assert.deepEqual(await axeViolations(page), []);
  await page.close();
});
