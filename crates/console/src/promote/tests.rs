use super::*;
use crate::route::Route;
use serde_json::json;
use wharf_core::api::{PromotionResult, PromotionStatus, RevertResult};

fn form() -> PromoteForm {
    PromoteForm {
        domain: "dev".into(),
        source: "staging".into(),
        destination: "release".into(),
        ..PromoteForm::default()
    }
}

#[test]
fn every_promotion_view_has_a_deep_link() {
    let full = PromoteForm {
        dest_domain: "prod".into(),
        input: "packages".into(),
        packages: "npm/acme/a@1.0.0\nnpm//b@2.0.0, 2.1.0".into(),
        with_dependencies: true,
        allow_overwrite: true,
        reason: "release 2.3 & CI run #1234".into(),
        ..form()
    };
    for route in [
        Route::Promote(full),
        Route::Promote(PromoteForm::default()),
        Route::Promotions(HistoryFilter {
            domain: "prod".into(),
            repository: "release".into(),
        }),
        Route::Promotions(HistoryFilter::default()),
        Route::Promotion("p-01 2/x".into()),
        Route::PromotionRevert("p-0123".into()),
    ] {
        let hash = route.to_hash();
        assert_eq!(Route::parse(&hash), route, "through {hash}");
    }
    assert_eq!(
        Route::parse(
            "#/promote?domain=dev&destDomain=prod&withDependencies=true&input=select&selectFormat=npm"
        ),
        Route::Promote(PromoteForm {
            domain: "dev".into(),
            dest_domain: "prod".into(),
            with_dependencies: true,
            input: "select".into(),
            select_format: "npm".into(),
            ..PromoteForm::default()
        })
    );
    assert_eq!(
        Route::parse("#/promotions/abc/revert").title(),
        "Revert promotion abc · Wharf"
    );
    assert_eq!(
        Route::parse("#/promotions/abc/nope"),
        Route::NotFound("/promotions/abc/nope".into())
    );
}

#[test]
fn the_package_list_reads_the_cli_form_and_names_bad_lines() {
    let p = parse_packages(
        "npm/babel/core@7.0.0\n\nnpm//left-pad@1.3.0\nnpm/babel/core@7.1.0, 7.2.0\n",
    )
    .unwrap();
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].namespace.as_deref(), Some("babel"));
    assert_eq!(
        p[0].versions.as_deref(),
        Some(&["7.0.0".to_owned(), "7.1.0".into(), "7.2.0".into()][..])
    );
    assert_eq!(p[1].namespace, None);
    assert_eq!(p[1].package.as_deref(), Some("left-pad"));
    let e = parse_packages("npm//ok@1.0.0\nleft-pad\nnpm/x@1").unwrap_err();
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].starts_with("Line 2: name a version after @"), "{e:?}");
    assert!(
        e[1].starts_with("Line 3: write FORMAT/NAMESPACE/NAME@VERSION"),
        "{e:?}"
    );
}

#[test]
fn the_request_is_checked_by_the_core_and_problems_land_on_their_inputs() {
    // A lockfile form without a lockfile.
    let p = form().request("", true).unwrap_err();
    assert!(
        p["promote-lockfile"][0].contains("paste a package-lock.json"),
        "{p:?}"
    );
    // A lockfile that names a git dependency: the core's parser names the entry.
    let lock = json!({"lockfileVersion": 3, "packages": {"": {"name": "app"},
        "node_modules/x": {"version": "1.0.0", "resolved": "git+ssh://git@github.com/a/x.git"}}});
    let p = form().request(&lock.to_string(), true).unwrap_err();
    assert!(
        p["promote-lockfile"]
            .iter()
            .any(|m| m.contains("node_modules/x")),
        "{p:?}"
    );
    // The same repository in the same domain is refused; in another domain it is a
    // cross-domain promotion.
    let same = PromoteForm {
        destination: "staging".into(),
        input: "packages".into(),
        packages: "npm//a@1.0.0".into(),
        ..form()
    };
    let p = same.request("", true).unwrap_err();
    assert!(
        p["promote-destination"][0].contains("must be different"),
        "{p:?}"
    );
    let cross = PromoteForm {
        dest_domain: "prod".into(),
        ..same
    };
    let r = cross.request("", false).unwrap();
    assert_eq!(r.destination_domain.as_deref(), Some("prod"));
    assert_eq!(r.dry_run, Some(false));
    assert_eq!(r.packages.unwrap()[0].package.as_deref(), Some("a"));
    assert_eq!(cross.destination_label(), "prod/staging");
    // A selection needs a format; the options travel as given.
    let sel = PromoteForm {
        input: "select".into(),
        with_dependencies: true,
        ..form()
    };
    assert!(
        sel.request("", true)
            .unwrap_err()
            .contains_key("promote-select-format")
    );
    let sel = PromoteForm {
        select_format: "npm".into(),
        select_prefix: "web-".into(),
        ..sel
    };
    let r = sel.request("", true).unwrap();
    assert_eq!(r.with_dependencies, Some(true));
    assert_eq!(r.select.unwrap().package_prefix.as_deref(), Some("web-"));
    assert!(r.lockfile.is_none() && r.packages.is_none());
}

fn result(
    status: &str,
    versions: serde_json::Value,
    summary: serde_json::Value,
    unsatisfied: serde_json::Value,
) -> PromotionResult {
    serde_json::from_value(json!({
        "status": status, "dryRun": true,
        "source": {"domain": "dev", "repository": "staging"},
        "destination": {"domain": "prod", "repository": "release"},
        "packages": [
            {"format": "npm", "package": "a", "versions": versions, "distTags": []},
            {"format": "npm", "namespace": "s", "package": "b", "versions": [
                {"version": "1.0.0", "action": "NOOP", "addedAsDependency": false}], "distTags": []}
        ],
        "closure": {"unsatisfied": unsatisfied, "added": []},
        "summary": summary
    }))
    .unwrap()
}

#[test]
fn the_verdict_says_plainly_whether_it_would_pass() {
    let passing = result(
        "PLANNED",
        json!([{"version": "1.0.0", "action": "COPY", "addedAsDependency": false},
               {"version": "1.1.0", "action": "OVERWRITE", "addedAsDependency": true}]),
        json!({"packages": 2, "versions": 3, "copied": 1, "overwritten": 1, "noop": 1, "failed": 0, "skipped": 0, "addedAsDependencies": 1}),
        json!([]),
    );
    let v = verdict(&passing);
    assert!(v.passes);
    assert_eq!(
        v.action.as_deref(),
        Some("Promote 2 versions of 1 package, overwrite 1, into prod/release")
    );
    assert_eq!(
        v.headline,
        "Would pass: Promote 2 versions of 1 package, overwrite 1, into prod/release (1 already identical; 1 added as dependencies). Nothing has been written yet."
    );

    let failing = result(
        "FAILED",
        json!([{"version": "1.0.0", "action": "FAIL", "errorCode": "UNSATISFIED_DEPENDENCY", "addedAsDependency": false},
               {"version": "1.1.0", "action": "SKIPPED", "errorCode": "SKIPPED", "addedAsDependency": false}]),
        json!({"packages": 2, "versions": 3, "copied": 0, "overwritten": 0, "noop": 1, "failed": 1, "skipped": 1, "addedAsDependencies": 0}),
        json!([{"package": "c", "range": "^2.0.0", "requiredBy": "a@1.0.0", "kind": "dependencies", "reason": "NO_MATCHING_VERSION"}]),
    );
    let v = verdict(&failing);
    assert!(!v.passes && v.action.is_none());
    assert_eq!(
        v.headline,
        "Would not pass: 1 version would fail (1 UNSATISFIED_DEPENDENCY), so nothing would be written and 1 other version would be skipped. 1 dependency range stays unsatisfied in prod/release."
    );

    let nothing = result(
        "PLANNED",
        json!([{"version": "1.0.0", "action": "NOOP", "addedAsDependency": false}]),
        json!({"packages": 2, "versions": 2, "copied": 0, "overwritten": 0, "noop": 2, "failed": 0, "skipped": 0, "addedAsDependencies": 0}),
        json!([]),
    );
    assert!(!verdict(&nothing).passes);
    assert!(
        verdict(&nothing)
            .headline
            .starts_with("Nothing to promote: prod/release already holds")
    );

    let mut applied = passing.clone();
    applied.status = PromotionStatus::Applied;
    applied.promotion_id = Some("p-1".into());
    assert_eq!(
        applied_summary(&applied),
        "Promoted: 1 copied, 1 overwritten, 1 already identical, into prod/release. Recorded as p-1."
    );
    applied.status = PromotionStatus::Failed;
    applied.promotion_id = None;
    assert!(applied_summary(&applied).starts_with("Nothing was written"));
}

#[test]
fn a_revert_says_what_it_does_and_a_conflict_names_each_change() {
    let r: RevertResult = serde_json::from_value(json!({
        "revertOf": "p-1", "dryRun": true, "status": "PLANNED",
        "actions": [
            {"format": "npm", "package": "a", "version": "1.0.0", "action": "DELETE"},
            {"format": "npm", "package": "a", "version": "1.1.0", "action": "RESTORE"},
            {"format": "npm", "package": "b", "version": "1.0.0", "action": "DELETE"}
        ],
        "distTags": [{"package": "a", "tag": "latest", "from": "1.1.0", "to": "0.9.0"}]
    }))
    .unwrap();
    assert_eq!(
        revert_summary(&r),
        "Reverting p-1 would delete 2 versions, restore 1 version and move 1 dist-tag. Nothing has been written yet."
    );
    let done = RevertResult {
        dry_run: false,
        promotion_id: Some("p-2".into()),
        ..r
    };
    assert_eq!(
        revert_summary(&done),
        "Reverted p-1: did delete 2 versions, restore 1 version and move 1 dist-tag. Recorded as p-2."
    );

    let (headline, changes) = conflict_text(
        "Promotion p-1 cannot be reverted: a@1.0.0 changed since the promotion: it left X, the destination now holds Y; dist-tag 'latest' of a changed since the promotion: it left 1.0.0, the destination now holds 2.0.0",
    );
    assert!(headline.starts_with("The revert was refused and nothing was written"));
    assert_eq!(changes, vec![
        "a@1.0.0 changed since the promotion: it left X, the destination now holds Y".to_owned(),
        "dist-tag 'latest' of a changed since the promotion: it left 1.0.0, the destination now holds 2.0.0".to_owned(),
    ]);
    let (headline, changes) = conflict_text("Promotion p-1 was already reverted by p-2");
    assert_eq!(
        headline,
        "The revert was refused and nothing was written: Promotion p-1 was already reverted by p-2."
    );
    assert!(changes.is_empty());
}
