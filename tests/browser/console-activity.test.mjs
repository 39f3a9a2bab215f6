// The console's Activity view end to end: the real wharf binary serves the built console
// (dist/, from `trunk build`); the aws CLI publishes two versions, copies one as root and has a
// least-privilege "reader" try to copy the other (refused); headless Chromium signs in with a
// root token, finds both copies' records in the Activity view (newest first, the denial's error
// code and the copy's written version in the outcome column), filters them by principal and
// time, and follows the "History" links from a version page and a versions list to the
// version's own records. Screenshots go to tests/artifacts/console-activity-*.png.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ROOT, ARTIFACTS, startWharf, launchChromium, publishGeneric, signedInPage, tableRows, axeViolations } from "./support.mjs";

const DIST = process.env.WHARF_CONSOLE_DIR || join(ROOT, "dist");
const D = "audit";
let wharf, browser, page, readerArn;
const pageErrors = [];
const shot = (name) => page.screenshot({ path: join(ARTIFACTS, `console-activity-${name}.png`), fullPage: true });
const rows = () => tableRows(page, "#activity-table");
const day = (offset) => new Date(Date.now() + offset * 86400e3).toISOString().slice(0, 10);

/** Waits until the Activity table shows `n` records (or the empty row when `n` is 0). */
async function waitForRows(n) {
  if (n === 0) {
    await page.locator("#activity-table tbody td", { hasText: "No records match." }).waitFor();
  } else {
    await page.waitForFunction((want) => document.querySelectorAll("#activity-table tbody tr[data-request-id]").length === want, n);
  }
  return rows();
}

/** Makes a user allowed only codeartifact:Describe* and has it try a copy into release. */
function deniedCopy() {
  const bin = process.env.WHARF_BIN || join(ROOT, "target/debug/wharf");
  const admin = (args, input) =>
    JSON.parse(execFileSync(bin, ["admin", "--data-dir", wharf.dataDir, ...args], { encoding: "utf8", input, env: wharf.env }));
  admin(["user", "create", "reader"]);
  const key = admin(["key", "create", "reader"]).accessKey;
  admin(["policy", "attach", "reader", "describe", "--document", "-"],
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "codeartifact:Describe*", Resource: "*" }] }));
  const venv = process.env.WHARF_VENV || join(homedir(), ".cache/wharf-tools/venv");
  const env = { ...process.env, AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
    AWS_DEFAULT_REGION: "us-east-1", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
  const refused = (() => {
    try {
      execFileSync(join(venv, "bin/aws"), ["codeartifact", "copy-package-versions", "--domain", D, "--source-repository", "staging",
        "--destination-repository", "release", "--format", "generic", "--namespace", "acme", "--package", "lib",
        "--versions", "2.0.0", "--endpoint-url", wharf.endpoint], { env, encoding: "utf8", stdio: "pipe" });
      return "";
    } catch (e) {
      return String(e.stderr);
    }
  })();
  assert.match(refused, /AccessDeniedException/, "the reader's copy is refused");
}

before(async () => {
  assert.ok(existsSync(join(DIST, "index.html")), `build the console first: trunk build (no ${DIST}/index.html)`);
  wharf = await startWharf(["--console-dir", DIST]);
  wharf.aws("create-domain", "--domain", D);
  for (const r of ["staging", "release"]) wharf.aws("create-repository", "--domain", D, "--repository", r);
  for (const version of ["1.0.0", "2.0.0"]) {
    publishGeneric(wharf, { domain: D, repository: "staging", namespace: "acme", pkg: "lib", version, text: `lib ${version}` });
  }
  const copied = wharf.aws("copy-package-versions", "--domain", D, "--source-repository", "staging", "--destination-repository",
    "release", "--format", "generic", "--namespace", "acme", "--package", "lib", "--versions", "1.0.0");
  assert.deepEqual(Object.keys(copied.successfulVersions), ["1.0.0"]);
  deniedCopy();
  readerArn = "arn:aws:iam::000000000000:user/reader";
  const token = wharf.aws("get-authorization-token", "--domain", D).authorizationToken;
  browser = await launchChromium();
  page = await signedInPage(browser, wharf.endpoint, token, { pageErrors });
});

after(async () => {
  await browser?.close();
  wharf?.stop();
});

test("the Activity view lists the copy and the denial, newest first, with their outcomes", async () => {
  await page.getByRole("link", { name: "Activity", exact: true }).click();
  await page.getByRole("heading", { name: "Activity" }).waitFor();
  await page.locator("#activity-table tbody tr[data-request-id]").first().waitFor();
  await page.locator("#activity-event").fill("CopyPackageVersions");
  await page.locator("#activity-apply").click();
  assert.match(page.url(), /#\/activity\?event=CopyPackageVersions$/);
  const [denied, copy] = await waitForRows(2);
  assert.equal(denied[1].split(" ")[0], readerArn);
  assert.equal(denied[2], "CopyPackageVersions");
  assert.equal(denied[3], `${D} / release / acme/lib`);
  assert.match(denied[4], /^FAILED AccessDeniedException: User: arn:aws:iam::000000000000:user\/reader is not authorized/);
  assert.match(copy[1], /^arn:aws:iam::000000000000:root from 127\.0\.0\.1$/);
  assert.match(copy[4], /^OK Wrote acme\/lib 1\.0\.0 \(Published\)$/);
  assert.deepEqual(await axeViolations(page), []);
  await shot("01-copies");
});

test("the filters narrow the records: principal and time range", async () => {
  await page.goto(`${wharf.endpoint}/#/activity?event=CopyPackageVersions`);
  await waitForRows(2);
  await page.locator("#activity-principal").fill(readerArn);
  await page.locator("#activity-from").fill(day(-1));
  await page.locator("#activity-apply").click();
  const [only] = await waitForRows(1);
  assert.match(only[4], /AccessDeniedException/);
  // Nothing happened tomorrow.
  await page.locator("#activity-from").fill(day(1));
  await page.locator("#activity-apply").click();
  await waitForRows(0);
  assert.ok(page.url().includes(`from=${day(1)}`));
  // An unreadable time is refused in place, and the address keeps the last good filters.
  await page.locator("#activity-to").fill("soon");
  await page.locator("#activity-apply").click();
  const alert = page.getByRole("alert").filter({ hasText: "is not a UTC time" });
  await alert.waitFor();
  assert.match(await alert.innerText(), /'soon' is not a UTC time like 2024-05-01/);
  assert.ok(!page.url().includes("soon"));
  await shot("02-filtered");
});

test("a version page links to that version's history", async () => {
  await page.goto(`${wharf.endpoint}/#/domains/${D}/repositories/release/packages/generic/acme/lib/versions/1.0.0`);
  await page.locator("#version-history").click();
  await page.getByRole("heading", { name: "History of acme/lib 1.0.0" }).waitFor();
  assert.match(page.url(), /#\/activity\?domain=audit&repository=release&package=acme%2Flib&version=1\.0\.0$/);
  // The denied copy asked for 2.0.0 only: the history of 1.0.0 in release is its copy.
  const [copy] = await waitForRows(1);
  assert.equal(copy[2], "CopyPackageVersions");
  assert.match(copy[4], /^OK Wrote acme\/lib 1\.0\.0/);
  await shot("03-version-history");
});

test("each row of a versions list links to that version's history", async () => {
  await page.goto(`${wharf.endpoint}/#/domains/${D}/repositories/staging/packages/generic/acme/lib`);
  await page.getByRole("link", { name: "History of 2.0.0" }).click();
  await page.getByRole("heading", { name: "History of acme/lib 2.0.0" }).waitFor();
  const [publish] = await waitForRows(1);
  assert.equal(publish[2], "PublishPackageVersion");
  assert.match(publish[4], /^OK Wrote acme\/lib 2\.0\.0/);
  assert.match(await page.locator("#activity-version-note").innerText(), /Showing the 1 of 2 loaded record\(s\) that name version 2\.0\.0/);
  assert.deepEqual(pageErrors, []);
});
