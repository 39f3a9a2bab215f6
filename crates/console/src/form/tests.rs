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
