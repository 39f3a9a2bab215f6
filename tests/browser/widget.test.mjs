// The embeddable widget end to end: www/demo.html served from one origin embeds
// <wharf-copy-versions>, which plans and copies through a wharf service on another origin that
// allows it (--cors-origin). A page on an origin that was not configured is refused.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, ARTIFACTS, staticServer, startWharf, publishGeneric, launchChromium } from "./support.mjs";

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

function demoUrl(origin) {
  const q = new URLSearchParams({ endpoint: wharf.endpoint, token, domain: DOMAIN, source: "staging", destination: "release", format: "generic", namespace: PKG.namespace, package: PKG.pkg });
  return `${origin}/demo.html?${q}`;
}

async function openDemo(origin) {
  const page = await browser.newPage({ viewport: { width: 900, height: 800 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(demoUrl(origin));
  await page.waitForSelector("wharf-copy-versions input[name=versions]");
  return { page, errors };
}

const events = (page, type) => page.evaluate((t) => (window.wharfEvents || []).filter((e) => e.type === t).map((e) => e.detail), type);

test("the widget validates, plans and copies across origins, and the host page sees its events", async () => {
  const { page, errors } = await openDemo(portal.origin);
  const versions = page.locator("wharf-copy-versions input[name=versions]");

  // Live validation: an invalid version shows its error on the field, nothing is sent.
  await versions.fill("1.0 0");
  await page.waitForFunction(() => document.querySelector("wharf-copy-versions").shadowRoot.querySelector('[data-error="versions"]').textContent.includes("failed to satisfy constraint"));

  // The plan: two new versions and one that differs in the destination.
  await versions.fill("1.0.0, 1.1.0, 2.0.0");
  await page.locator("wharf-copy-versions button[data-action=plan]").click();
  await page.waitForFunction(() => (window.wharfEvents || []).some((e) => e.type === "wharf-plan"));
  const [plan] = await events(page, "wharf-plan");
  assert.deepEqual(plan.versions.map((v) => [v.version, v.action]), [["1.0.0", "FAIL"], ["1.1.0", "FAIL"], ["2.0.0", "FAIL"]]);
  assert.equal(plan.result.failedVersions["2.0.0"].errorCode, "ALREADY_EXISTS");
  assert.equal(plan.result.failedVersions["1.0.0"].errorCode, "SKIPPED");
  await page.screenshot({ path: join(ARTIFACTS, "widget-plan.png") });

  // The copy of the two new versions succeeds; the host page gets wharf-copied.
  await versions.fill("1.0.0, 1.1.0");
  await page.locator("wharf-copy-versions button[data-action=copy]").click();
  await page.waitForFunction(() => (window.wharfEvents || []).some((e) => e.type === "wharf-copied"));
  const [copied] = await events(page, "wharf-copied");
  assert.deepEqual(Object.keys(copied.successfulVersions).sort(), ["1.0.0", "1.1.0"]);
  assert.deepEqual(copied.failedVersions, {});
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

test("the host page's CSS does not reach into the widget", async () => {
  const { page } = await openDemo(portal.origin);
  const style = await page.evaluate(() => {
    const root = document.querySelector("wharf-copy-versions").shadowRoot;
    const button = getComputedStyle(root.querySelector("button[data-action=copy]"));
    const input = getComputedStyle(root.querySelector("input[name=versions]"));
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
  await page.locator("wharf-copy-versions input[name=versions]").fill("1.0.0");
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
