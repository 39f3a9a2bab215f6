// Times the core's wasm façade in Node (V8, the engine Chromium uses) on the same inputs as the
// criterion benchmarks (benches/core.rs), and prints ns per call as JSON.
//
//   node diff.mjs PKG/wharf_core.js [NAME ...] [--warm-up-ms N] [--ms N]
//
// With names, only those benchmarks run (scripts/bench-core runs one at a time, interleaved with
// its native counterpart). Each is warmed up for --warm-up-ms (V8 tiers hot wasm up from its
// baseline compiler meanwhile, as criterion warms up natively), then timed for at least --ms.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const args = process.argv.slice(3);
const option = (flag, fallback) => {
  const i = args.indexOf(flag);
  if (i < 0) return fallback;
  const value = Number(args[i + 1]);
  args.splice(i, 2);
  return value;
};
const warmUpMs = option("--warm-up-ms", 1000);
const minMs = option("--ms", 2000);
const core = require(process.argv[2]);

function content(n, salt) {
  const assets = [];
  for (let i = 0; i < n; i++) {
    const h = (i * 31 + (i % 10 === 0 ? salt : 0)).toString(16).padStart(64, "0");
    assets.push({ name: `lib/file-${String(i).padStart(5, "0")}.js`, size: 1000 + i, hashes: { "SHA-256": h } });
  }
  return { assets };
}

/** Mean ns per call of `fn` over at least `ms` milliseconds. */
function loop(fn, ms) {
  let iters = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  do {
    fn();
    iters++;
    elapsed = process.hrtime.bigint() - start;
  } while (elapsed < BigInt(ms) * 1_000_000n);
  return Number(elapsed) / iters;
}

function time(fn) {
  loop(fn, warmUpMs);
  return loop(fn, minMs);
}

const versions = [];
for (let i = 0; i < 100; i++) versions.push(`1.${Math.floor(i / 10)}.${i % 10}`);
const request = { domain: "my-domain", sourceRepository: "staging", destinationRepository: "release",
  format: "npm", namespace: "acme", package: "widget", versions };
const view = (repository, vs) => ({ repository, versions: vs.map((v) => ({ version: v, revision: "s" + v, status: "Published" })) });
const dst = [];
for (let i = 0; i < 10000; i++) dst.push(`0.${Math.floor(i / 100)}.${i % 100}`);
for (let i = 0; i < 50; i++) dst.push(versions[i]);
const planInput = { request, source: [view("staging", versions)], destination: view("release", dst) };
const [a, b] = [content(10000, 0), content(10000, 1)];

// 200 npm packages x 5 versions, each depending on the next package's ^1.0.0 (as benches/core.rs).
const pv = [0, 1, 2, 3, 4].map((i) => `1.0.${i}`);
const npmName = (p) => (p % 2 === 0 ? `@acme/pkg-${String(p).padStart(3, "0")}` : `pkg-${String(p).padStart(3, "0")}`);
const summary = (v, p) => ({ version: v, revision: `r${p}-${v}`, status: "Published" });
const promoPackages = [];
for (let p = 0; p < 200; p++) {
  const deps = {};
  for (const v of pv) deps[v] = { dependencies: { [npmName((p + 1) % 200)]: "^1.0.0" } };
  promoPackages.push({
    format: "npm", ...(p % 2 === 0 ? { namespace: "acme" } : {}), package: `pkg-${String(p).padStart(3, "0")}`,
    source: [{ repository: "staging", versions: pv.map((v) => summary(v, p)), distTags: { latest: "1.0.4" } }],
    destination: { repository: "release", exists: p % 2 === 0, versions: p % 2 === 0 ? [summary(pv[0], p)] : [] },
    dependencies: deps,
  });
}
const promoInput = {
  request: { domain: "my-domain", sourceRepository: "staging", destinationRepository: "release", withDependencies: true,
    packages: promoPackages.map((p) => ({ format: "npm", namespace: p.namespace, package: p.package, versions: pv })) },
  packages: promoPackages,
};
const check = core.planPromotion(promoInput);
if (check.summary.versions !== 1000 || check.summary.noop !== 100) throw new Error(JSON.stringify(check.summary));
const diff = core.diffVersions(a, b);
if (diff.assetsChanged.length !== 1000 || diff.verdict !== "DIFFERS") throw new Error("unexpected diff");

const BENCHES = {
  validate_100_versions: () => core.validateCopyRequest(request),
  preview_100_into_10000: () => core.planCopy(planInput),
  diff_10000_assets: () => core.diffVersions(a, b),
  promotion_1000_over_200: () => core.planPromotion(promoInput),
};
const names = args.length ? args : Object.keys(BENCHES);
const out = {};
for (const name of names) {
  if (!BENCHES[name]) throw new Error(`no benchmark ${name}; known: ${Object.keys(BENCHES).join(", ")}`);
  out[name] = time(BENCHES[name]);
}
console.log(JSON.stringify(out));
