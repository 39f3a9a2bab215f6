"""boto3's paginator over ListPackageVersions of 2,500 versions."""

import hashlib
from concurrent.futures import ThreadPoolExecutor


def test_paginator_over_2500_versions(wharf):
    c = wharf.client()
    c.create_domain(domain="my-domain")
    c.create_repository(domain="my-domain", repository="big")
    versions = [f"1.{i // 100}.{i % 100}" for i in range(2500)]

    def publish(v):
        body = v.encode()
        wharf.client().publish_package_version(domain="my-domain", repository="big", format="generic", namespace="ns",
                                               package="many", packageVersion=v, assetContent=body, assetName="v.txt",
                                               assetSHA256=hashlib.sha256(body).hexdigest())

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(publish, versions))

    paginator = c.get_paginator("list_package_versions")
    args = dict(domain="my-domain", repository="big", format="generic", namespace="ns", package="many")
    for size, pages in [(1000, 3), (7, 358)]:
        seen, n = [], 0
        for page in paginator.paginate(**args, PaginationConfig={"PageSize": size}):
            n += 1
            assert len(page["versions"]) <= size
            seen += [v["version"] for v in page["versions"]]
        assert n == pages
        assert sorted(seen) == sorted(versions), "every version exactly once"
    # Pages in both orders; newest first is exactly the reverse; the last page has no nextToken.
    def walk(**extra):
        out, token, pages = [], None, 0
        while True:
            page = c.list_package_versions(**args, maxResults=1000, **extra, **({"nextToken": token} if token else {}))
            out += [v["version"] for v in page["versions"]]
            pages += 1
            token = page.get("nextToken")
            if not token:
                assert len(page["versions"]) == 500
                return out, pages
    oldest_first, pages = walk()
    newest_first, _ = walk(sortBy="PUBLISHED_TIME")
    assert pages == 3 and newest_first == list(reversed(oldest_first))
    # Default page size is 50.
    assert len(c.list_package_versions(**args)["versions"]) == 50
