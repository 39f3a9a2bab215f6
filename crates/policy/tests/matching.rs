//! Table tests of IAM wildcard matching.

use wharf_policy::matching::{action_matches, glob_matches, resource_matches};

#[test]
fn glob_table() {
    let cases: &[(&str, &str, bool)] = &[
        ("", "", true),
        ("", "a", false),
        ("*", "", true),
        ("*", "anything/at:all", true),
        ("a?c", "abc", true),
        ("a?c", "ac", false),
        ("a?c", "abbc", false),
        ("a*c", "ac", true),
        ("a*c", "abbbc", true),
        ("a*c", "abbbd", false),
        ("*b*", "aaabaaa", true),
        ("**", "x", true),
        ("a*b*c", "axxbyyc", true),
        ("a*b*c", "axxcyyb", false),
        ("?", "é", true),
        ("é*", "éa", true),
        ("abc", "ABC", false),
    ];
    for (pattern, text, expected) in cases {
        assert_eq!(
            glob_matches(pattern, text),
            *expected,
            "{pattern:?} vs {text:?}"
        );
    }
}

#[test]
fn actions_are_case_insensitive() {
    let cases: &[(&str, &str, bool)] = &[
        ("*", "codeartifact:CopyPackageVersions", true),
        ("codeartifact:*", "codeartifact:CopyPackageVersions", true),
        (
            "CODEARTIFACT:copypackageversions",
            "codeartifact:CopyPackageVersions",
            true,
        ),
        (
            "codeartifact:Describe*",
            "codeartifact:DescribeDomain",
            true,
        ),
        (
            "codeartifact:describe*",
            "codeartifact:DescribeRepository",
            true,
        ),
        ("codeartifact:Describe*", "codeartifact:ListDomains", false),
        (
            "codeartifact:Get?uthorizationToken",
            "codeartifact:GetAuthorizationToken",
            true,
        ),
        (
            "codeartifact:Get?uthorizationToken",
            "codeartifact:GetXXuthorizationToken",
            false,
        ),
        (
            "codeartifact:List*",
            "codeartifact:ListPackageVersions",
            true,
        ),
        ("s3:*", "codeartifact:ListDomains", false),
        (
            "codeartifact:Copy",
            "codeartifact:CopyPackageVersions",
            false,
        ),
    ];
    for (pattern, action, expected) in cases {
        assert_eq!(
            action_matches(pattern, action),
            *expected,
            "{pattern:?} vs {action:?}"
        );
    }
}

#[test]
fn resources_are_case_sensitive_and_star_crosses_slashes() {
    let pkg = "arn:aws:codeartifact:us-west-2:111122223333:package/my-domain/repo-b/npm//lodash";
    let repo = "arn:aws:codeartifact:us-west-2:111122223333:repository/my-domain/repo-b";
    let cases: &[(&str, &str, bool)] = &[
        ("*", pkg, true),
        ("*", "*", true),
        ("arn:aws:codeartifact:*", pkg, true),
        ("arn:aws:codeartifact:us-west-2:111122223333:*", pkg, true),
        (
            "arn:aws:codeartifact:us-west-2:111122223333:package/my-domain/*",
            pkg,
            true,
        ),
        (
            "arn:aws:codeartifact:us-west-2:111122223333:package/my-domain/repo-b/*",
            pkg,
            true,
        ),
        (
            "arn:aws:codeartifact:*:*:package/*/repo-b/npm//lodash",
            pkg,
            true,
        ),
        (
            "arn:aws:codeartifact:us-west-2:111122223333:package/my-domain/repo-?/npm//lodash",
            pkg,
            true,
        ),
        (
            "arn:aws:codeartifact:us-west-2:111122223333:package/my-domain/repo-a/*",
            pkg,
            false,
        ),
        (
            "arn:aws:codeartifact:us-west-2:111122223333:package/My-Domain/*",
            pkg,
            false,
        ),
        (
            "arn:aws:codeartifact:us-west-2:111122223333:repository/my-domain/*",
            pkg,
            false,
        ),
        (
            "arn:aws:codeartifact:us-west-2:111122223333:repository/my-domain/*",
            repo,
            true,
        ),
        (
            "arn:aws:codeartifact:us-west-2:111122223333:repository/my-domain/repo-b",
            repo,
            true,
        ),
        (
            "arn:aws:codeartifact:us-west-2:111122223333:repository/my-domain/repo-b/*",
            repo,
            false,
        ),
        ("arn:aws:codeartifact:us-east-1:111122223333:*", repo, false),
        ("arn:aws:codeartifact:us-west-2:444455556666:*", repo, false),
        // With six fields, a wildcard in the region never swallows the account field…
        (
            "arn:aws:codeartifact:*:domain/x:y",
            "arn:aws:codeartifact:us-west-2:111122223333:domain/x:y",
            false,
        ),
        // …but a pattern with fewer fields is one string, its `*` covering the rest.
        (
            "arn:aws:codeartifact:*:repository/my-domain/repo-b",
            repo,
            true,
        ),
        // `*` as a requested resource is only matched by "*".
        ("arn:aws:codeartifact:*", "*", false),
        // `?` is exactly one character.
        (
            "arn:aws:codeartifact:us-west-2:111122223333:repository/my-domain/repo-??",
            repo,
            false,
        ),
    ];
    for (pattern, resource, expected) in cases {
        assert_eq!(
            resource_matches(pattern, resource),
            *expected,
            "{pattern:?} vs {resource:?}"
        );
    }
}
