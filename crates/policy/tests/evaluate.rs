//! Evaluation matrix: principals × operations × policies.

#[path = "support/fixtures.rs"]
mod support;

use support::{OWNER, ctx, identity, pkg, repo, resource, rstmt, stmt};
use wharf_policy::{
    Decision, Denial, PolicyDocument, PolicyKind, PolicyScope, Principal, authorize, authorize_all,
    requirements,
};

const COPY: &str = "codeartifact:CopyPackageVersions";
const READ: &str = "codeartifact:ReadFromRepository";

fn bob() -> Principal {
    Principal::user(OWNER, "bob")
}

fn copy(
    who: &Principal,
    ident: &[PolicyDocument],
    policy_a: Option<&PolicyDocument>,
    policy_b: Option<&PolicyDocument>,
) -> Result<(), Denial> {
    let reqs = requirements("CopyPackageVersions", &ctx()).unwrap();
    authorize_all(who, &reqs, ident, |scope| match scope {
        PolicyScope::Repository(name) if name == "repo-a" => policy_a,
        PolicyScope::Repository(name) if name == "repo-b" => policy_b,
        _ => None,
    })
}

#[test]
fn nothing_is_allowed_unless_allowed() {
    assert_eq!(
        authorize(&bob(), (READ, &repo("repo-a")), &[], None),
        Decision::ImplicitDeny
    );
    let unrelated = identity(&[stmt("Allow", "codeartifact:Describe*", "*")]);
    assert_eq!(
        authorize(&bob(), (READ, &repo("repo-a")), &[unrelated], None),
        Decision::ImplicitDeny
    );
}

#[test]
fn owner_root_is_always_allowed() {
    let deny_all = resource(&[rstmt("Deny", "*", "*", "*")]);
    let root = Principal::root(OWNER);
    assert_eq!(
        authorize(&root, (COPY, &repo("repo-b")), &[], Some(&deny_all)),
        Decision::Allow
    );
    assert!(copy(&root, &[], None, None).is_ok());
}

#[test]
fn copy_allowed_on_source_but_denied_on_destination_and_the_reverse() {
    // Read on repo-a only.
    let read_a = identity(&[stmt("Allow", READ, &repo("repo-a"))]);
    let e = copy(&bob(), &[read_a], None, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "User: arn:aws:iam::{OWNER}:user/bob is not authorized to perform: {COPY} on resource: {}",
            repo("repo-b")
        )
    );
    // Copy on repo-b (repository and package) but no read on repo-a.
    let copy_b = identity(&[stmt(
        "Allow",
        COPY,
        "arn:aws:codeartifact:*:*:*/my-domain/repo-b*",
    )]);
    let e = copy(&bob(), std::slice::from_ref(&copy_b), None, None).unwrap_err();
    assert_eq!(
        (e.action.as_str(), e.resource.as_str()),
        (READ, repo("repo-a").as_str())
    );
    // Copy only on the destination repository, not on the package: refused on the package ARN.
    let copy_repo_only = identity(&[
        stmt("Allow", READ, "*"),
        stmt("Allow", COPY, &repo("repo-b")),
    ]);
    let e = copy(&bob(), &[copy_repo_only], None, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "User: arn:aws:iam::111122223333:user/bob is not authorized to perform: \
         codeartifact:CopyPackageVersions on resource: \
         arn:aws:codeartifact:us-west-2:111122223333:package/my-domain/repo-b/npm//lodash"
    );
    assert_eq!(e.explicit, None);
    // Both: allowed.
    let both = identity(&[stmt("Allow", READ, &repo("repo-a"))]);
    assert!(copy(&bob(), &[both, copy_b], None, None).is_ok());
}

#[test]
fn explicit_deny_overrides_allow() {
    let allow_all = identity(&[stmt("Allow", "*", "*")]);
    let deny_pkg = identity(&[format!(
        r#"{{"Sid": "NoLodash", "Effect": "Deny", "Action": "codeartifact:*", "Resource": "{}"}}"#,
        pkg("repo-b", "lodash")
    )]);
    let e = copy(&bob(), &[allow_all.clone(), deny_pkg], None, None).unwrap_err();
    assert_eq!(e.explicit, Some(PolicyKind::Identity));
    assert_eq!(e.sid.as_deref(), Some("NoLodash"));
    assert!(
        e.to_string()
            .ends_with("npm//lodash with an explicit deny in an identity-based policy")
    );

    // A Deny in the resource policy also beats an identity Allow.
    let deny_read = resource(&[rstmt("Deny", OWNER, READ, "*")]);
    let e = copy(
        &bob(),
        std::slice::from_ref(&allow_all),
        Some(&deny_read),
        None,
    )
    .unwrap_err();
    assert_eq!(e.explicit, Some(PolicyKind::Resource));
    assert_eq!(e.sid.as_deref(), Some("SDeny"));
    assert_eq!(
        e.to_string(),
        format!(
            "User: arn:aws:iam::{OWNER}:user/bob is not authorized to perform: {READ} on resource: {} \
             with an explicit deny in a resource-based policy",
            repo("repo-a")
        )
    );
    // …and an Allow in the same resource policy does not help.
    let mixed = resource(&[
        rstmt("Allow", "*", "*", "*"),
        rstmt("Deny", &bob().arn, READ, "*"),
    ]);
    assert!(matches!(
        authorize(&bob(), (READ, &repo("repo-a")), &[allow_all], Some(&mixed)),
        Decision::ExplicitDeny {
            source: PolicyKind::Resource,
            ..
        }
    ));
}

#[test]
fn repository_policy_grants_what_the_identity_policy_does_not() {
    let read_only = identity(&[stmt("Allow", READ, "*")]);
    let grant_bob = resource(&[rstmt("Allow", &bob().arn, COPY, "*")]);
    // The identity policy alone does not allow the copy…
    let e = copy(&bob(), std::slice::from_ref(&read_only), None, None).unwrap_err();
    assert_eq!(e.resource, repo("repo-b"));
    // …the destination's policy naming bob supplies the missing grant (same account).
    assert!(
        copy(
            &bob(),
            std::slice::from_ref(&read_only),
            None,
            Some(&grant_bob)
        )
        .is_ok()
    );
    // Principal "*" grants directly too.
    let grant_all = resource(&[rstmt("Allow", "*", COPY, "*")]);
    assert!(
        copy(
            &bob(),
            std::slice::from_ref(&read_only),
            None,
            Some(&grant_all)
        )
        .is_ok()
    );
    // The policy of the source does not grant on the destination.
    assert!(
        copy(
            &bob(),
            std::slice::from_ref(&read_only),
            Some(&grant_all),
            None
        )
        .is_err()
    );
    // Naming only the account delegates to identity policies: no grant by itself.
    let grant_account = resource(&[rstmt("Allow", OWNER, COPY, "*")]);
    assert!(copy(&bob(), &[read_only], None, Some(&grant_account)).is_err());
    // A statement for another user does not apply.
    let grant_alice = resource(&[rstmt(
        "Allow",
        &Principal::user(OWNER, "alice").arn,
        "*",
        "*",
    )]);
    assert_eq!(
        authorize(&bob(), (READ, &repo("repo-a")), &[], Some(&grant_alice)),
        Decision::ImplicitDeny
    );
    assert_eq!(
        authorize(&bob(), (READ, &repo("repo-a")), &[], Some(&grant_bob)),
        Decision::ImplicitDeny
    );
}

#[test]
fn not_action_and_not_resource() {
    let all_but_copy = identity(&[
        r#"{"Effect": "Allow", "NotAction": "codeartifact:Copy*", "Resource": "*"}"#.to_owned(),
    ]);
    assert!(
        authorize(
            &bob(),
            (READ, &repo("repo-a")),
            std::slice::from_ref(&all_but_copy),
            None
        )
        .is_allowed()
    );
    assert!(!authorize(&bob(), (COPY, &repo("repo-b")), &[all_but_copy], None).is_allowed());

    let everywhere_but_b = identity(&[format!(
        r#"{{"Effect": "Allow", "Action": "*", "NotResource": ["{}", "{}"]}}"#,
        repo("repo-b"),
        "arn:aws:codeartifact:*:*:package/my-domain/repo-b/*"
    )]);
    assert!(
        authorize(
            &bob(),
            (COPY, &repo("repo-a")),
            std::slice::from_ref(&everywhere_but_b),
            None
        )
        .is_allowed()
    );
    assert!(
        !authorize(
            &bob(),
            (COPY, &repo("repo-b")),
            std::slice::from_ref(&everywhere_but_b),
            None
        )
        .is_allowed()
    );
    assert!(
        !authorize(
            &bob(),
            (COPY, &pkg("repo-b", "lodash")),
            &[everywhere_but_b],
            None
        )
        .is_allowed()
    );

    // A Deny with NotResource denies everything outside the list.
    let only_a = identity(&[
        stmt("Allow", "*", "*"),
        format!(
            r#"{{"Effect": "Deny", "Action": "*", "NotResource": "{}"}}"#,
            repo("repo-a")
        ),
    ]);
    assert!(
        authorize(
            &bob(),
            (READ, &repo("repo-a")),
            std::slice::from_ref(&only_a),
            None
        )
        .is_allowed()
    );
    assert!(matches!(
        authorize(&bob(), (READ, &repo("repo-b")), &[only_a], None),
        Decision::ExplicitDeny {
            source: PolicyKind::Identity,
            sid: None
        }
    ));
}
