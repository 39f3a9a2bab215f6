"""ListPackageVersions over 2,500 versions through boto3's paginator (page sizes 1000 and 7) and
the CLI's automatic pagination: every version exactly once, full pages but the last, nextToken on
every page but the last, the same order whatever the page size."""

import hashlib
from concurrent.futures import ThreadPoolExecutor

N = 2500


def test_paginator_over_2500_versions(wharf):
    c = wharf.client()
    c.create_domain(domain="my-domain")
    c.create_repository(domain="my-domain", repository="big")
    versions = [f"1.{i // 100}.{i % 100}" for i in range(N)]

    def publish(v):
        body = v.encode()
        wharf.client().publish_package_version(domain="my-domain", repository="big", format="generic", namespace="ns",
                                               package="many", packageVersion=v, assetContent=body, assetName="v.txt",
                                               assetSHA256=hashlib.sha256(body).hexdigest())

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(publish, versions))

    paginator = c.get_paginator("list_package_versions")
    args = dict(domain="my-domain", repository="big", format="generic", namespace="ns", package="many")
    orders = []
    for size, pages in [(1000, 3), (7, 358)]:
        seen, got = [], list(paginator.paginate(**args, PaginationConfig={"PageSize": size}))
        assert len(got) == pages, f"page size {size}: number of pages"
        for i, page in enumerate(got):
            last = i + 1 == len(got)
            assert len(page["versions"]) == (N - size * i if last else size), f"page size {size}: page {i} length"
            assert ("nextToken" in page) == (not last), f"page size {size}: nextToken on page {i}"
            assert (page["package"], page["format"], page["namespace"]) == ("many", "generic", "ns")
            assert {v["status"] for v in page["versions"]} == {"Published"}
            seen += [v["version"] for v in page["versions"]]
        assert len(seen) == len(set(seen)) and set(seen) == set(versions), f"page size {size}: every version exactly once"
        orders.append(seen)
    assert orders[0] == orders[1], "the order does not depend on the page size"

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
    first = c.list_package_versions(**args)
    assert len(first["versions"]) == 50 and "nextToken" in first

    # The CLI paginates on its own (three requests with --page-size 1000): the same versions in
    # the same order, and no nextToken left in its output.
    listed = wharf.ok("list-package-versions", "--domain", "my-domain", "--repository", "big", "--format", "generic",
                      "--namespace", "ns", "--package", "many", "--page-size", "1000")
    assert [v["version"] for v in listed["versions"]] == orders[0]
    assert "nextToken" not in listed
