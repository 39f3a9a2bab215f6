use super::*;

fn valid() -> CopyForm {
    CopyForm {
        domain: "my-domain".into(),
        source: "staging".into(),
        destination: "release".into(),
        format: "npm".into(),
        namespace: String::new(),
        package: "left-pad".into(),
        versions: "1.0.0, 1.0.1\n1.1.0".into(),
        ..CopyForm::default()
    }
}

#[test]
fn a_valid_form_has_no_errors_and_one_request() {
    let form = valid();
    assert!(form.validate().is_empty(), "{:?}", form.validate());
    let requests = form.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].versions.as_deref(),
        Some(&["1.0.0".to_owned(), "1.0.1".to_owned(), "1.1.0".to_owned()][..])
    );
    assert_eq!(requests[0].namespace, None);
    assert_eq!(requests[0].allow_overwrite, Some(false));
}

#[test]
fn errors_land_on_their_field() {
    let form = CopyForm {
        domain: "Bad_Domain".into(),
        destination: "staging".into(),
        ..valid()
    };
    let errors = form.validate();
    assert!(errors.contains_key(&FormField::Domain), "{errors:?}");
    assert!(errors.contains_key(&FormField::Destination), "{errors:?}");
    assert!(!errors.contains_key(&FormField::Package));
}

#[test]
fn missing_versions_are_reported_on_versions() {
    let form = CopyForm {
        versions: String::new(),
        ..valid()
    };
    assert!(form.validate().contains_key(&FormField::Versions));
}

#[test]
fn revision_pairs_become_version_revisions() {
    let form = CopyForm {
        versions: "1.0.0=abc=, 2.0.0=def".into(),
        ..valid()
    };
    match form.version_input() {
        VersionInput::Revisions(p) => assert_eq!(
            p,
            vec![
                ("1.0.0".to_owned(), "abc=".to_owned()),
                ("2.0.0".to_owned(), "def".to_owned())
            ]
        ),
        other => panic!("{other:?}"),
    }
    let r = &form.requests()[0];
    assert_eq!(r.versions, None);
    assert_eq!(r.version_revisions.as_ref().map(|m| m.len()), Some(2));
    assert!(form.validate().is_empty(), "{:?}", form.validate());
}

#[test]
fn mixed_and_duplicate_versions_are_errors() {
    let mixed = CopyForm {
        versions: "1.0.0=abc, 2.0.0".into(),
        ..valid()
    };
    assert_eq!(mixed.version_input(), VersionInput::Mixed);
    assert!(mixed.validate().contains_key(&FormField::Versions));
    let dup = CopyForm {
        versions: "1.0.0, 1.0.0".into(),
        ..valid()
    };
    assert!(dup.validate()[&FormField::Versions][0].contains("twice"));
}

#[test]
fn more_than_100_versions_split_into_calls() {
    let versions: Vec<String> = (0..250).map(|i| format!("1.0.{i}")).collect();
    let form = CopyForm {
        versions: versions.join(","),
        ..valid()
    };
    let requests = form.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].versions.as_ref().map(Vec::len), Some(100));
    assert_eq!(requests[2].versions.as_ref().map(Vec::len), Some(50));
    assert!(form.validate().is_empty(), "{:?}", form.validate());
}

#[test]
fn toggling_adds_and_removes_versions() {
    let mut form = CopyForm::default();
    form.toggle_version("1.0.0");
    form.toggle_version("2.0.0");
    assert!(form.has_version("1.0.0"));
    form.toggle_version("1.0.0");
    assert!(!form.has_version("1.0.0"));
    assert_eq!(form.versions, "2.0.0");
    form.versions = "3.0.0=rev".into();
    form.toggle_version("3.0.0");
    assert_eq!(form.versions, "");
}

#[test]
fn core_field_paths_map_to_inputs() {
    assert_eq!(
        FormField::from_core("versions.3.member"),
        FormField::Versions
    );
    assert_eq!(
        FormField::from_core("versionRevisions.1.0"),
        FormField::Versions
    );
    assert_eq!(FormField::from_core("sourceRepository"), FormField::Source);
    assert_eq!(FormField::from_core("request"), FormField::General);
}

#[test]
fn versions_sort_as_people_read_them() {
    use std::cmp::Ordering::*;
    assert_eq!(compare_versions("1.0.9", "1.0.10"), Less);
    assert_eq!(compare_versions("1.0.100", "1.0.20"), Greater);
    assert_eq!(compare_versions("1.0.0-rc.1", "1.0.0"), Less);
    assert_eq!(compare_versions("1.0.0", "1.0.0.1"), Less);
    assert_eq!(compare_versions("2.0", "10.0"), Less);
    assert_eq!(compare_versions("1.0.0-alpha", "1.0.0-beta"), Less);
    assert_eq!(compare_versions("1.0.0", "1.0.0"), Equal);
    let mut v = vec!["1.0.10", "1.0.2", "1.0.1", "1.0.0-rc.1", "1.0.0"];
    v.sort_by(|a, b| compare_versions(a, b));
    assert_eq!(v, ["1.0.0-rc.1", "1.0.0", "1.0.1", "1.0.2", "1.0.10"]);
}

#[test]
fn calls_split_in_version_order_not_text_order() {
    // 261 versions 1.0.0 … 1.0.260, typed (or picked) in text order.
    let mut typed: Vec<String> = (0..261).map(|i| format!("1.0.{i}")).collect();
    typed.sort();
    assert_eq!(&typed[..3], ["1.0.0", "1.0.1", "1.0.10"]);
    let form = CopyForm {
        versions: typed.join("\n"),
        ..valid()
    };
    let batches = form.batches();
    assert_eq!(batches.len(), 3);
    assert_eq!(batches[0].first().map(String::as_str), Some("1.0.0"));
    assert_eq!(batches[0].last().map(String::as_str), Some("1.0.99"));
    assert_eq!(batches[1].first().map(String::as_str), Some("1.0.100"));
    assert_eq!(batches[2].len(), 61);
    assert_eq!(batches[2].last().map(String::as_str), Some("1.0.260"));
    assert_eq!(
        form.requests()[1].versions.as_ref().unwrap()[..2],
        ["1.0.100", "1.0.101"]
    );
}

#[test]
fn with_versions_keeps_only_the_named_ones_and_their_revisions() {
    let form = CopyForm {
        versions: "1.0.0=abc\n1.1.0=def\n2.0.0=ghi".into(),
        overwrite: true,
        ..valid()
    };
    let narrowed = form.with_versions(&["1.0.0".to_owned(), "2.0.0".to_owned()]);
    assert_eq!(narrowed.versions, "1.0.0=abc\n2.0.0=ghi");
    assert!(narrowed.overwrite);
}

#[test]
fn messages_are_plain_language_once_per_field() {
    let form = CopyForm {
        domain: "Bad_Domain".into(),
        ..valid()
    };
    assert_eq!(
        form.validate()[&FormField::Domain],
        vec!["Domain: 2–50 characters: lowercase letters, digits and hyphens, starting with a letter.".to_owned()]
    );
    let empty = CopyForm::default().validate();
    assert_eq!(
        empty[&FormField::Domain],
        vec!["Domain: required.".to_owned()]
    );
    assert_eq!(
        empty[&FormField::Versions],
        vec!["Versions: name at least one version.".to_owned()]
    );
    let spaced = CopyForm {
        versions: "1.0 0\n2.0 0".into(),
        ..valid()
    };
    assert_eq!(
        spaced.validate()[&FormField::Versions].len(),
        1,
        "once per field"
    );
    assert!(
        !format!("{:?}", empty).contains("Value '"),
        "no model preamble: {empty:?}"
    );
}

#[test]
fn pypi_names_are_planned_in_their_pep_503_form() {
    let form = CopyForm {
        format: "pypi".into(),
        package: "My_Package.Name".into(),
        ..valid()
    };
    assert!(form.validate().is_empty(), "{:?}", form.validate());
    assert_eq!(
        form.requests()[0].package.as_deref(),
        Some("my-package-name")
    );
    let npm = CopyForm {
        package: "My_Package".into(),
        ..valid()
    };
    assert_eq!(npm.requests()[0].package.as_deref(), Some("My_Package"));
}
