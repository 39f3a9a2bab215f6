// A small client for the CodeArtifact REST API that Wharf serves, authorised with a bearer token
// (from GetAuthorizationToken). Only what the copy widget needs; errors are thrown as Error
// objects carrying the service's exception name in `code`.

/** Calls one operation and returns its JSON (or throws an Error with `code` and `status`). */
export async function call(endpoint, token, method, path, query, body) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== "") params.append(k, String(v));
  }
  const url = `${endpoint.replace(/\/+$/, "")}${path}?${params}`;
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    const err = new Error(`The service at ${endpoint} could not be reached (${e.message}).`);
    err.code = "ServiceUnreachable";
    throw err;
  }
  const text = await res.text();
  let json = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { message: text };
  }
  if (!res.ok) {
    const header = res.headers.get("x-amzn-ErrorType") || json.__type || String(res.status);
    const code = header.split(":")[0].split("#").pop();
    const err = new Error(json.message || json.Message || `HTTP ${res.status}`);
    err.code = code;
    err.status = res.status;
    err.resourceType = json.resourceType;
    throw err;
  }
  return json;
}

const pkgQuery = (r, repository) => ({
  domain: r.domain,
  "domain-owner": r.domainOwner,
  repository,
  format: r.format,
  namespace: r.namespace,
  package: r.package,
});

/** Every version a repository holds of the request's package, as a planner `PackageView`. */
export async function packageView(endpoint, token, request, repository) {
  const versions = [];
  let next;
  try {
    do {
      const page = await call(endpoint, token, "POST", "/v1/package/versions", {
        ...pkgQuery(request, repository),
        "max-results": 1000,
        "next-token": next,
      });
      versions.push(...(page.versions || []));
      next = page.nextToken;
    } while (next);
  } catch (e) {
    if (e.code === "ResourceNotFoundException" && e.resourceType === "package") {
      return { repository, exists: false, versions: [] };
    }
    throw e;
  }
  return { repository, exists: true, versions };
}

/** The source repository and its upstreams in CodeArtifact's depth-first search order (≤ 25). */
export async function searchOrder(endpoint, token, request) {
  const order = [];
  const visit = async (name) => {
    if (order.includes(name) || order.length >= 25) return;
    order.push(name);
    const d = await call(endpoint, token, "GET", "/v1/repository", {
      domain: request.domain,
      "domain-owner": request.domainOwner,
      repository: name,
    });
    for (const u of d.repository?.upstreams || []) await visit(u.repositoryName);
  };
  await visit(request.sourceRepository);
  return order;
}

/** Runs CopyPackageVersions and returns its result. */
export function copyPackageVersions(endpoint, token, r) {
  const query = {
    domain: r.domain,
    "domain-owner": r.domainOwner,
    "source-repository": r.sourceRepository,
    "destination-repository": r.destinationRepository,
    format: r.format,
    namespace: r.namespace,
    package: r.package,
  };
  const body = {};
  for (const k of ["versions", "versionRevisions", "allowOverwrite", "includeFromUpstream"]) {
    if (r[k] !== undefined) body[k] = r[k];
  }
  return call(endpoint, token, "POST", "/v1/package/versions/copy", query, body);
}

/** Plans (`dryRun: true`) or applies a release promotion (Wharf's POST /wharf/v1/promotions). */
export function promote(endpoint, token, request) {
  return call(endpoint, token, "POST", "/wharf/v1/promotions", {}, request);
}
