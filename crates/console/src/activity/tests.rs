use super::*;
use crate::route::{PackageRef, Route};
use serde_json::json;

fn event(params: Value, response: Option<Value>, error: Option<&str>) -> AuditEvent {
    AuditEvent {
        event_name: "CopyPackageVersions".into(),
        request_parameters: params,
        response_elements: response,
        error_code: error.map(str::to_owned),
        ..AuditEvent::default()
    }
}

#[test]
fn dates_and_times_are_utc_epoch_seconds() {
    assert_eq!(parse_time("1970-01-01", false), Ok(0.0));
    assert_eq!(parse_time("1970-01-01", true), Ok(86_400.0));
    assert_eq!(parse_time("2024-05-01 13:30", false), Ok(1_714_570_200.0));
    assert_eq!(
        parse_time("2024-05-01T13:30:05Z", true),
        Ok(1_714_570_205.0)
    );
    for bad in [
        "2024-02-30",
        "2024-5-1",
        "yesterday",
        "2024-05-01 25:00",
        "2024-05-01 13",
        "",
    ] {
        let e = parse_time(bad, false).unwrap_err();
        assert!(e.contains("is not a UTC time"), "{bad}: {e}");
    }
}

#[test]
fn the_filter_becomes_the_api_query_and_a_deep_link() {
    let f = ActivityFilter {
        from: "2024-05-01".into(),
        to: "2024-05-01".into(),
        principal: " arn:aws:iam::111122223333:user/ci ".into(),
        event: "CopyPackageVersions".into(),
        domain: "acme".into(),
        repository: "release".into(),
        package: "types/node".into(),
        version: "1.0.0".into(),
    };
    let q = f.to_query(Some("42".into())).unwrap();
    assert_eq!(q.start_time, Some(1_714_521_600.0));
    assert_eq!(q.end_time, Some(1_714_608_000.0));
    assert_eq!(
        q.principal.as_deref(),
        Some("arn:aws:iam::111122223333:user/ci")
    );
    assert_eq!(q.event_name.as_deref(), Some("CopyPackageVersions"));
    assert_eq!(q.package.as_deref(), Some("types/node"));
    assert_eq!(q.max_results, Some(PAGE_SIZE));
    assert_eq!(q.next_token.as_deref(), Some("42"));
    let route = Route::Activity(f.clone());
    assert_eq!(Route::parse(&route.to_hash()), route);
    assert_eq!(
        Route::parse("#/activity"),
        Route::Activity(ActivityFilter::default())
    );
    // Empty members are no filter at all.
    let q = ActivityFilter::default().to_query(None).unwrap();
    assert_eq!((q.domain, q.start_time, q.principal), (None, None, None));
}

#[test]
fn a_backwards_or_unreadable_range_is_refused() {
    let f = ActivityFilter {
        from: "2024-05-02".into(),
        to: "2024-05-01".into(),
        ..Default::default()
    };
    assert_eq!(
        f.to_query(None).unwrap_err(),
        "'From' must be earlier than 'To'"
    );
    let f = ActivityFilter {
        to: "soon".into(),
        ..Default::default()
    };
    assert!(f.to_query(None).unwrap_err().contains("'soon'"));
}

#[test]
fn a_version_links_to_its_package_history() {
    let p = PackageRef {
        domain: "acme".into(),
        repository: "release".into(),
        format: "npm".into(),
        namespace: "types".into(),
        package: "node".into(),
    };
    let f = ActivityFilter::for_version(&p, "20.1.0");
    assert_eq!(
        (f.domain.as_str(), f.repository.as_str()),
        ("acme", "release")
    );
    assert_eq!(
        (f.package.as_str(), f.version.as_str()),
        ("types/node", "20.1.0")
    );
    let bare = PackageRef {
        namespace: String::new(),
        package: "left-pad".into(),
        ..p
    };
    assert_eq!(ActivityFilter::for_version(&bare, "1").package, "left-pad");
}

#[test]
fn the_outcome_is_the_error_or_what_was_written() {
    let denied = AuditEvent {
        error_message: Some("User is not authorized".into()),
        ..event(json!({}), None, Some("AccessDeniedException"))
    };
    assert_eq!(
        outcome(&denied),
        "AccessDeniedException: User is not authorized"
    );
    let copy = event(
        json!({"versions": ["1.0.0", "1.1.0"]}),
        Some(json!({"versionsWritten": [
            {"packageNamespace": "acme", "packageName": "lib", "packageVersion": "1.0.0", "packageVersionState": "Published"},
            {"packageNamespace": null, "packageName": "lib", "packageVersion": "1.1.0"},
        ]})),
        None,
    );
    assert_eq!(
        outcome(&copy),
        "Wrote acme/lib 1.0.0 (Published), lib 1.1.0"
    );
    let promo = event(
        json!({}),
        Some(json!({"versionsWritten": [{"promotionId": "p-1"}]})),
        None,
    );
    assert_eq!(outcome(&promo), "Wrote promotion p-1");
    let nothing = event(json!({}), Some(json!({"versionsWritten": []})), None);
    assert_eq!(outcome(&nothing), "Succeeded, nothing written");
    let read = AuditEvent {
        read_only: true,
        ..event(json!({}), None, None)
    };
    assert_eq!(outcome(&read), "Read");
}

#[test]
fn a_record_names_a_version_by_what_it_wrote_or_asked_for() {
    let copy = event(
        json!({"versions": ["1.0.0"]}),
        None,
        Some("AccessDeniedException"),
    );
    assert!(names_version(&copy, "1.0.0"));
    assert!(!names_version(&copy, "1.0"));
    let revisions = event(json!({"versionRevisions": {"2.0.0": "abc"}}), None, None);
    assert!(names_version(&revisions, "2.0.0"));
    let publish = event(json!({"package-version": "3.0.0"}), None, None);
    assert!(names_version(&publish, "3.0.0"));
    let written = event(
        json!({}),
        Some(json!({"versionsWritten": [{"packageVersion": "4.0.0"}]})),
        None,
    );
    assert!(names_version(&written, "4.0.0"));
    assert!(!names_version(&written, "3.0.0"));
}
