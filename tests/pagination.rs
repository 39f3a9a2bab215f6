//! ListPackageVersions over 2,500 versions through boto3's paginator (page sizes 1000 and 7)
//! and the CLI's automatic pagination: every version exactly once, full pages but the last,
//! no `nextToken` on the last page, the same order whatever the page size.

use serde_json::{Value, json};
use std::collections::BTreeSet;
use wharf_e2e::ServerFixture;

const VERSIONS: usize = 2500;

fn version(i: usize) -> String {
    format!("1.{}.{}", i / 100, i % 100)
}

/// Publishes the versions (one tiny asset each) from one boto3 process with 8 threads, then
/// walks the paginator with each page size; returns, per size, the pages as
/// `{"versions": [...], "hasToken": bool, "package": ..., "format": ...}`.
const SCRIPT: &str = r#"
c = client()
c.create_domain(domain="my-domain")
c.create_repository(domain="my-domain", repository="big")
coords = dict(domain="my-domain", repository="big", format="generic", namespace="ns", package="many")
local = threading.local()
def publish(v):
    if not hasattr(local, "c"):
        local.c = client()
    body = v.encode()
    local.c.publish_package_version(packageVersion=v, assetContent=body, assetName="v.txt",
                                    assetSHA256=sha256(body), **coords)
with ThreadPoolExecutor(8) as pool:
    list(pool.map(publish, ARGS["versions"]))
del coords["repository"]
result = {}
for size in ARGS["sizes"]:
    pages = []
    paginator = c.get_paginator("list_package_versions")
    for page in paginator.paginate(repository="big", PaginationConfig={"PageSize": size}, **coords):
        pages.append({"versions": [v["version"] for v in page["versions"]],
                      "statuses": sorted({v["status"] for v in page["versions"]}),
                      "hasToken": "nextToken" in page, "package": page.get("package"),
                      "format": page.get("format"), "namespace": page.get("namespace")})
    result[str(size)] = pages
first = c.list_package_versions(repository="big", **coords)
result["default"] = {"count": len(first["versions"]), "hasToken": "nextToken" in first}
emit(result)
"#;

#[test]
fn boto3_paginator_and_cli_walk_2500_versions_with_page_sizes_1000_and_7() {
    let fx = ServerFixture::start();
    let aws = fx.aws();
    let all: Vec<String> = (0..VERSIONS).map(version).collect();
    let expected: BTreeSet<&str> = all.iter().map(String::as_str).collect();
    let result = aws.boto3(SCRIPT, &json!({"versions": all, "sizes": [1000, 7]}));

    let mut orders = Vec::new();
    for (size, pages_expected) in [(1000, 3), (7, VERSIONS.div_ceil(7))] {
        let pages = result[size.to_string()].as_array().expect("pages");
        assert_eq!(
            pages.len(),
            pages_expected,
            "page size {size}: number of pages"
        );
        let mut seen = Vec::new();
        for (i, page) in pages.iter().enumerate() {
            let versions = page["versions"].as_array().expect("versions");
            let last = i + 1 == pages.len();
            let want = if last { VERSIONS - size * i } else { size };
            assert_eq!(versions.len(), want, "page size {size}: page {i} length");
            assert_eq!(
                page["hasToken"], !last,
                "page size {size}: nextToken on page {i}"
            );
            assert_eq!(
                (&page["package"], &page["format"], &page["namespace"]),
                (&json!("many"), &json!("generic"), &json!("ns")),
                "page size {size}: page {i}"
            );
            assert_eq!(page["statuses"], json!(["Published"]));
            seen.extend(
                versions
                    .iter()
                    .map(|v| v.as_str().unwrap_or_default().to_owned()),
            );
        }
        let distinct: BTreeSet<&str> = seen.iter().map(String::as_str).collect();
        assert_eq!(
            distinct.len(),
            seen.len(),
            "page size {size}: a version came twice"
        );
        assert_eq!(distinct, expected, "page size {size}: every version once");
        orders.push(seen);
    }
    assert_eq!(
        orders[0], orders[1],
        "the order does not depend on the page size"
    );
    assert_eq!(
        result["default"],
        json!({"count": 50, "hasToken": true}),
        "the default page size is 50"
    );

    // The CLI paginates on its own; with --page-size 1000 it asks for three pages.
    let listed = aws
        .cli("list-package-versions")
        .args([
            "--domain",
            "my-domain",
            "--repository",
            "big",
            "--format",
            "generic",
        ])
        .args([
            "--namespace",
            "ns",
            "--package",
            "many",
            "--page-size",
            "1000",
        ])
        .ok();
    let versions: Vec<&str> = listed["versions"]
        .as_array()
        .expect("versions")
        .iter()
        .map(|v| v["version"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        versions, orders[0],
        "the CLI sees the same versions in the same order"
    );
    assert_eq!(listed.get("nextToken"), None::<&Value>);
}
