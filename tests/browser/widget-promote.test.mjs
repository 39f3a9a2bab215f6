// The widget's lockfile mode end to end: www/promote-demo.html served from one origin embeds
// <wharf-promote-release>, which plans (the service's dry run) and applies a cross-domain
// promotion of everything a real npm lockfile pins, through a wharf service on another origin
// that allows it (--cors-origin), with the same events as <wharf-copy-versions>. A lockfile with
// a git dependency is refused in the page by wharf-core (wasm), naming the entry.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, ARTIFACTS, staticServer, startWharf, launchChromium, axeViolations, npmPublish, npmLockfile } from "./support.mjs";

let portal, wharf, browser, token, lockfile;

before(async () => {
  portal = await staticServer(join(ROOT, "www"));
  wharf = await startWharf(["--cors-origin", portal.origin]);
  wharf.aws("create-domain", "--domain", "dev");
  wharf.aws("create-domain", "--domain", "prod");
  wharf.aws("create-repository", "--domain", "dev", "--repository", "staging");
  wharf.aws("create-repository", "--domain", "prod", "--repository", "release");
  token = wharf.aws("get-authorization-token", "--domain", "dev").authorizationToken;
  const staging = `${wharf.endpoint}/npm/dev/staging/`;
  npmPublish(staging, token, "lib-a", "1.0.0");
  npmPublish(staging, token, "@team/app", "1.0.0", { "lib-a": "^1.0.0" });
  lockfile = npmLockfile(staging, token, { "@team/app": "1.0.0" });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  wharf?.stop();
  portal?.close();
});

async function openDemo({ width = 900, lockfileProperty = null } = {}) {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const q = new URLSearchParams({ endpoint: wharf.endpoint, token, domain: "dev", source: "staging", "destination-domain": "prod", destination: "release", reason: "release 1.0 from the portal" });
  await page.goto(`${portal.origin}/promote-demo.html?${q}`);
  await page.waitForSelector("wharf-promote-release button[data-action=plan]");
  if (lockfileProperty) await page.evaluate((text) => (document.querySelector("wharf-promote-release").lockfile = text), lockfileProperty);
  return { page, errors };
}

const root = (page) => page.locator("wharf-promote-release");
const status = (page) => root(page).locator(".status").innerText();
const events = (page, type) => page.evaluate((t) => (window.wharfEvents || []).filter((e) => e.type === t).map((e) => e.detail), type);
const waitEvents = (page, type, n) => page.waitForFunction(([t, k]) => (window.wharfEvents || []).filter((e) => e.type === t).length >= k, [type, n]);

test("a lockfile given as a property plans and promotes across domains, with the copy widget's events", async () => {
  const { page, errors } = await openDemo({ lockfileProperty: lockfile });
  assert.equal(await root(page).locator("[data-fixed-lockfile]").innerText(), "Lockfile: 2 packages pinned.");
  assert.equal(await root(page).locator("textarea").count(), 0, "no lockfile box when the page gave one");
  assert.ok(await root(page).locator("button[data-action=promote]").isDisabled(), "no Promote before a plan");
  await root(page).locator("button[data-action=plan]").click();
  await waitEvents(page, "wharf-plan", 1);
  const [plan] = await events(page, "wharf-plan");
  assert.equal(plan.status, "PLANNED");
  assert.equal(plan.dryRun, true);
  assert.deepEqual(plan.destination, { domain: "prod", repository: "release" });
  assert.deepEqual(plan.packages.map((p) => [p.namespace ?? "", p.package, p.versions.map((v) => v.action).join()]).sort(), [["", "lib-a", "COPY"], ["team", "app", "COPY"]]);
  const action = "Promote 2 versions of 2 packages, into prod/release";
  assert.match(await status(page), new RegExp(`^Would pass: ${action}\\. Nothing has been written yet\\.$`));
  const promote = root(page).locator("button[data-action=promote]");
  assert.equal(await promote.innerText(), action);
  assert.deepEqual(wharf.aws("list-packages", "--domain", "prod", "--repository", "release").packages, [], "the plan wrote nothing");
  await page.screenshot({ path: join(ARTIFACTS, "widget-promote-plan.png"), fullPage: true });

  await promote.click();
  await waitEvents(page, "wharf-copied", 1);
  const [applied] = await events(page, "wharf-copied");
  assert.equal(applied.status, "APPLIED");
  assert.match(applied.promotionId, /\S/);
  assert.match(await status(page), new RegExp(`^Promoted: 2 copied, 0 overwritten, 0 already identical\\. Recorded as ${applied.promotionId}\\.$`));
  const inRelease = wharf.aws("list-packages", "--domain", "prod", "--repository", "release").packages.map((p) => `${p.namespace ?? ""}/${p.package}`).sort();
  assert.deepEqual(inRelease, ["/lib-a", "team/app"]);
  const record = wharf.aws("list-package-versions", "--domain", "prod", "--repository", "release", "--format", "npm", "--package", "lib-a").versions;
  assert.deepEqual(record.map((v) => v.version), ["1.0.0"]);
  assert.ok(await promote.isDisabled(), "the spent plan cannot run again");
  await page.screenshot({ path: join(ARTIFACTS, "widget-promote-applied.png"), fullPage: true });

  // A second plan finds nothing left to promote.
  await root(page).locator("button[data-action=plan]").click();
  await waitEvents(page, "wharf-plan", 2);
  assert.match(await status(page), /^Nothing to promote: prod\/release already holds every version, identical\./);
  assert.ok(await promote.isDisabled());
  assert.deepEqual(errors, []);
  await page.close();
});

test("a pasted lockfile with a git dependency is refused in the page, naming the entry", async () => {
  const { page, errors } = await openDemo({ width: 390 });
  const box = root(page).locator("textarea[name=lockfile]");
  const bad = JSON.parse(lockfile);
  bad.packages["node_modules/from-git"] = { version: "1.0.0", resolved: "git+ssh://git@example.com/team/from-git.git#abc" };
  await box.fill(JSON.stringify(bad, null, 2));
  await root(page).locator("button[data-action=plan]").click();
  await root(page).locator('[data-error="lockfile"]', { hasText: "node_modules/from-git" }).waitFor();
  assert.equal(await box.getAttribute("aria-invalid"), "true");
  assert.deepEqual(await events(page, "wharf-plan"), [], "nothing was sent");
  assert.match(await status(page), /^Fix the fields marked above/);
  await page.screenshot({ path: join(ARTIFACTS, "widget-promote-390.png"), fullPage: true });
  assert.deepEqual(await axeViolations(page), [], "widget at 390 px");

  // The good lockfile, pasted: everything is in prod/release by now, so nothing to promote.
  await box.fill(lockfile);
  await root(page).locator("button[data-action=plan]").click();
  await waitEvents(page, "wharf-plan", 1);
  const [plan] = await events(page, "wharf-plan");
  assert.deepEqual(plan.summary.noop, 2);
  assert.deepEqual(await axeViolations(page), [], "widget with a plan");
  assert.deepEqual(errors, []);
  await page.close();
});
