use super::*;

fn round_trip(route: Route) {
    let hash = route.to_hash();
    assert_eq!(Route::parse(&hash), route, "through {hash}");
}

fn pkg() -> PackageRef {
    PackageRef {
        domain: "my-domain".into(),
        repository: "repo.1".into(),
        format: "npm".into(),
        namespace: "types".into(),
        package: "node".into(),
    }
}

#[test]
fn every_view_round_trips() {
    round_trip(Route::SignIn);
    round_trip(Route::Domains);
    round_trip(Route::Repositories {
        domain: "my-domain".into(),
    });
    round_trip(Route::PackageGroups {
        domain: "my-domain".into(),
    });
    assert_eq!(
        Route::parse("#/domains/d/package-groups"),
        Route::PackageGroups { domain: "d".into() }
    );
    round_trip(Route::Packages {
        domain: "d".into(),
        repository: "r".into(),
        filter: PackageFilter::default(),
    });
    round_trip(Route::Packages {
        domain: "d".into(),
        repository: "r".into(),
        filter: PackageFilter {
            format: "maven".into(),
            namespace: "org.apache".into(),
            prefix: "commons &".into(),
        },
    });
    round_trip(Route::Versions(pkg()));
    round_trip(Route::Versions(PackageRef {
        namespace: String::new(),
        ..pkg()
    }));
    round_trip(Route::Version(pkg(), "1.0.0+build/5 x".into()));
    round_trip(Route::Copy(CopyForm::default()));
    round_trip(Route::Copy(CopyForm {
        domain: "d".into(),
        source: "a".into(),
        destination: "b".into(),
        format: "pypi".into(),
        package: "requests".into(),
        versions: "1.0=abc+/=\n2.0".into(),
        overwrite: true,
        upstream: true,
        ..CopyForm::default()
    }));
    round_trip(Route::Verify(CopyForm {
        domain: "d".into(),
        ..CopyForm::default()
    }));
}

#[test]
fn documented_links_parse() {
    assert_eq!(Route::parse(""), Route::Domains);
    assert_eq!(Route::parse("#/"), Route::Domains);
    assert_eq!(
        Route::parse("#/domains/d/repositories/r/packages?format=npm&prefix=le"),
        Route::Packages {
            domain: "d".into(),
            repository: "r".into(),
            filter: PackageFilter {
                format: "npm".into(),
                namespace: String::new(),
                prefix: "le".into()
            }
        }
    );
    assert_eq!(
        Route::parse("#/domains/d/repositories/r/packages/pypi//requests/versions/2.31.0"),
        Route::Version(
            PackageRef {
                domain: "d".into(),
                repository: "r".into(),
                format: "pypi".into(),
                namespace: String::new(),
                package: "requests".into()
            },
            "2.31.0".into()
        )
    );
    match Route::parse("#/copy?domain=d&versions=1.0.0%2C1.0.1&overwrite=true") {
        Route::Copy(f) => {
            assert_eq!(f.domain, "d");
            assert_eq!(f.version_entries(), vec!["1.0.0", "1.0.1"]);
            assert!(f.overwrite);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_links_are_not_found() {
    assert!(matches!(Route::parse("#/nope"), Route::NotFound(_)));
    assert!(matches!(
        Route::parse("#/copy?overwrite=maybe"),
        Route::NotFound(_)
    ));
    assert!(!Route::SignIn.needs_session());
    assert!(Route::Domains.needs_session());
}

#[test]
fn segments_encode_and_decode() {
    assert_eq!(encode_segment("a b/c"), "a%20b%2Fc");
    assert_eq!(decode_segment("a%20b%2Fc"), "a b/c");
    assert_eq!(decode_segment("100%"), "100%");
    assert_eq!(decode_segment("%zz"), "%zz");
}

#[test]
fn sign_in_links_carry_a_token_and_an_endpoint() {
    assert_eq!(
        SignInLink::parse("#/signin?token=abc.def&endpoint=http%3A%2F%2F127.0.0.1%3A7878%2F"),
        Some(SignInLink {
            token: "abc.def".into(),
            endpoint: "http://127.0.0.1:7878".into(),
        })
    );
    assert_eq!(
        SignInLink::parse("#/signin?token=t"),
        Some(SignInLink {
            token: "t".into(),
            endpoint: String::new(),
        })
    );
    assert_eq!(SignInLink::parse("#/signin"), None);
    assert_eq!(SignInLink::parse("#/signin?endpoint=x"), None);
    assert_eq!(SignInLink::parse("#/domains?token=t"), None);
    // The route itself ignores the query, so the token never reaches the store.
    assert_eq!(Route::parse("#/signin?token=t"), Route::SignIn);
}

#[test]
fn every_view_names_the_tab() {
    assert_eq!(Route::Domains.title(), "Domains · Wharf");
    let form = CopyForm {
        package: "widget-lib".into(),
        ..CopyForm::default()
    };
    assert_eq!(Route::Copy(form).title(), "Copy widget-lib · Wharf");
    assert_eq!(
        Route::Repositories {
            domain: "demo".into()
        }
        .title(),
        "Repositories in demo · Wharf"
    );
}

#[test]
fn a_plan_link_carries_the_marker_and_still_parses_as_the_form() {
    let form = CopyForm {
        domain: "demo".into(),
        package: "w".into(),
        ..CopyForm::default()
    };
    let link = link_with_plan(&Route::Copy(form.clone()), true);
    assert_eq!(link, "#/copy?domain=demo&package=w&plan=1");
    assert!(has_plan_marker(&link));
    assert_eq!(Route::parse(&link), Route::Copy(form.clone()));
    assert_eq!(
        link_with_plan(&Route::Copy(CopyForm::default()), true),
        "#/copy?plan=1"
    );
    // Without a plan, or outside the copy view, there is no marker.
    assert!(!has_plan_marker(&link_with_plan(
        &Route::Copy(form.clone()),
        false
    )));
    assert!(!link_with_plan(&Route::Verify(form), true).contains("plan=1"));
    assert!(!has_plan_marker("#/verify?plan=1"));
    assert!(!has_plan_marker("#/copy?plan=10"));
}
