//! Evaluation matrix, part 2: cross-account access, policy-write exemptions, global operations
//! and a principals × operations table.

#[path = "support/fixtures.rs"]
mod support;

use support::{OTHER, OWNER, ctx, identity, repo, resource, rstmt, stmt};
use wharf_policy::{
    Decision, PolicyDocument, PolicyScope, Principal, authorize, authorize_all, requirements,
};

const READ: &str = "codeartifact:ReadFromRepository";

fn bob() -> Principal {
    Principal::user(OWNER, "bob")
}

#[test]
fn cross_account_needs_both() {
    let eve = Principal::user(OTHER, "eve");
    let eve_allows = identity(&[stmt("Allow", "codeartifact:*", "*")]);
    let grant_other_account = resource(&[rstmt("Allow", OTHER, "codeartifact:*", "*")]);
    let grant_eve = resource(&[rstmt("Allow", &eve.arn, "codeartifact:*", "*")]);
    let target = repo("repo-a");
    let req = (READ, target.as_str());
    // Identity alone: no.
    assert_eq!(
        authorize(&eve, req, std::slice::from_ref(&eve_allows), None),
        Decision::ImplicitDeny
    );
    // Resource alone (account or user): no.
    assert_eq!(
        authorize(&eve, req, &[], Some(&grant_other_account)),
        Decision::ImplicitDeny
    );
    assert_eq!(
        authorize(&eve, req, &[], Some(&grant_eve)),
        Decision::ImplicitDeny
    );
    // Both: yes, whether the resource policy names the account or the user.
    assert_eq!(
        authorize(
            &eve,
            req,
            std::slice::from_ref(&eve_allows),
            Some(&grant_other_account)
        ),
        Decision::Allow
    );
    assert_eq!(
        authorize(
            &eve,
            req,
            std::slice::from_ref(&eve_allows),
            Some(&grant_eve)
        ),
        Decision::Allow
    );
    // A grant to the owner's account does not cover another account.
    let grant_owner = resource(&[rstmt("Allow", OWNER, "*", "*")]);
    assert_eq!(
        authorize(
            &eve,
            req,
            std::slice::from_ref(&eve_allows),
            Some(&grant_owner)
        ),
        Decision::ImplicitDeny
    );
    // The other account's root needs only the resource grant.
    let other_root = Principal::root(OTHER);
    assert_eq!(
        authorize(&other_root, req, &[], Some(&grant_other_account)),
        Decision::Allow
    );
    assert_eq!(
        authorize(&other_root, req, &[], None),
        Decision::ImplicitDeny
    );
    // …and a resource Deny naming its account stops it.
    let deny_other = resource(&[
        rstmt("Allow", "*", "*", "*"),
        rstmt("Deny", OTHER, "*", "*"),
    ]);
    assert!(matches!(
        authorize(&other_root, req, &[], Some(&deny_other)),
        Decision::ExplicitDeny { .. }
    ));
}

#[test]
fn put_repository_policy_ignores_the_repository_policy() {
    let c = ctx();
    let reqs = requirements("PutRepositoryPermissionsPolicy", &c).unwrap();
    let grant_all = resource(&[rstmt("Allow", "*", "*", "*")]);
    let deny_all = resource(&[rstmt("Deny", "*", "*", "*")]);
    let admin = identity(&[stmt(
        "Allow",
        "codeartifact:*RepositoryPermissionsPolicy",
        "*",
    )]);
    // The repository policy neither grants (to another account or a bare user)…
    let eve = Principal::user(OTHER, "eve");
    assert!(authorize_all(&eve, &reqs, &[], |_| Some(&grant_all)).is_err());
    assert!(authorize_all(&bob(), &reqs, &[], |_| Some(&grant_all)).is_err());
    // …nor denies: the owner cannot lock themselves out.
    assert!(authorize_all(&bob(), &reqs, &[admin], |_| Some(&deny_all)).is_ok());
}

#[test]
fn list_domains_needs_star() {
    let c = ctx();
    let reqs = requirements("ListDomains", &c).unwrap();
    let scoped = identity(&[stmt(
        "Allow",
        "codeartifact:List*",
        "arn:aws:codeartifact:*",
    )]);
    assert!(authorize_all(&bob(), &reqs, &[scoped], |_| None).is_err());
    let star = identity(&[stmt("Allow", "codeartifact:ListDomains", "*")]);
    assert!(authorize_all(&bob(), &reqs, &[star], |_| None).is_ok());
}

#[test]
fn matrix_of_principals_operations_and_policies() {
    let alice = Principal::user(OWNER, "alice");
    let eve = Principal::user(OTHER, "eve");
    let readers = identity(&[
        stmt("Allow", "codeartifact:Describe*", "*"),
        stmt("Allow", "codeartifact:List*", "*"),
        stmt("Allow", READ, "*"),
        stmt("Allow", "codeartifact:GetAuthorizationToken", "*"),
    ]);
    let publisher = identity(&[stmt(
        "Allow",
        "codeartifact:PublishPackageVersion",
        "arn:aws:codeartifact:*:*:package/my-domain/repo-a/npm/*",
    )]);
    let domain_policy = resource(&[rstmt(
        "Allow",
        OTHER,
        "codeartifact:GetAuthorizationToken",
        "*",
    )]);
    let repo_policy = resource(&[rstmt("Allow", OTHER, READ, "*")]);
    // (principal, identity, operation, expected)
    let cases: Vec<(&Principal, Vec<PolicyDocument>, &str, bool)> = vec![
        (&alice, vec![readers.clone()], "DescribeDomain", true),
        (&alice, vec![readers.clone()], "GetAuthorizationToken", true),
        (&alice, vec![readers.clone()], "ListPackageVersions", true),
        (&alice, vec![readers.clone()], "ReadFromRepository", true),
        (
            &alice,
            vec![readers.clone()],
            "PublishPackageVersion",
            false,
        ),
        (&alice, vec![readers.clone()], "DeleteRepository", false),
        (&alice, vec![readers.clone()], "CopyPackageVersions", false),
        (
            &alice,
            vec![publisher.clone()],
            "PublishPackageVersion",
            true,
        ),
        (&alice, vec![publisher.clone()], "DescribeDomain", false),
        (&eve, vec![readers.clone()], "GetAuthorizationToken", true),
        (&eve, vec![readers.clone()], "ReadFromRepository", true),
        (&eve, vec![readers.clone()], "DescribeDomain", false),
        (&eve, vec![readers.clone()], "ListPackageVersions", false),
        (&eve, vec![], "GetAuthorizationToken", false),
        (
            &eve,
            vec![publisher.clone()],
            "PublishPackageVersion",
            false,
        ),
    ];
    let c = ctx();
    for (who, ident, op, expected) in cases {
        let reqs = requirements(op, &c).unwrap();
        let got = authorize_all(who, &reqs, &ident, |scope| match scope {
            PolicyScope::Domain => Some(&domain_policy),
            PolicyScope::Repository(_) => Some(&repo_policy),
            PolicyScope::IdentityOnly => None,
        });
        assert_eq!(got.is_ok(), expected, "{} {op}: {got:?}", who.arn);
    }
}

#[test]
fn principal_from_arn() {
    let p = Principal::from_arn("arn:aws:iam::111122223333:root").unwrap();
    assert_eq!(p, Principal::root(OWNER));
    let p = Principal::from_arn("arn:aws:iam::111122223333:user/bob").unwrap();
    assert_eq!(p, bob());
    assert!(Principal::from_arn("bob").is_err());
}
