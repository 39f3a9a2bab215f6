//! Invalid CopyPackageVersions requests, as the real `aws` CLI sends them (botocore checks only
//! required members and minimums, so everything else reaches the server): each is a
//! `ValidationException` (HTTP 400, exit 255) whose message names the offending field, and
//! nothing is written.

use serde_json::{Value, json};
use wharf_e2e::{Aws, GenericPackage, ServerFixture, domain_state, seed_domain};

const DOMAIN: &str = "my-domain";

/// repo-1 holds `my-ns/my-package` 1.0.0 … 1.0.{n-1} (with 101 versions an accepted
/// oversized request would visibly copy them); repo-2 is empty.
fn seeded(n: usize) -> (ServerFixture, Aws, GenericPackage) {
    let fx = ServerFixture::start();
    let aws = fx.aws();
    let versions: Vec<Value> = (0..n)
        .map(|i| {
            json!({"repository": "repo-1", "namespace": "my-ns", "package": "my-package",
                   "version": format!("1.0.{i}"), "assets": [["a.txt", format!("v{i}")]]})
        })
        .collect();
    seed_domain(
        &aws,
        DOMAIN,
        &[("repo-1", &[]), ("repo-2", &[])],
        json!(versions),
    );
    (fx, aws, GenericPackage::new(DOMAIN, "my-ns", "my-package"))
}

/// Whether `message` mentions `field` as a whole word (`versions` is not in
/// `versionRevisions`).
fn names_field(message: &str, field: &str) -> bool {
    message.match_indices(field).any(|(i, _)| {
        let before = message[..i].chars().next_back();
        let after = message[i + field.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn copy_args(domain: &str, source: &str, destination: &str) -> Vec<String> {
    [
        "--domain",
        domain,
        "--source-repository",
        source,
        "--destination-repository",
        destination,
    ]
    .map(String::from)
    .to_vec()
}

fn generic(package: &str) -> Vec<String> {
    [
        "--format",
        "generic",
        "--namespace",
        "my-ns",
        "--package",
        package,
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn invalid_copy_requests_are_validation_exceptions_naming_the_field_and_write_nothing() {
    let (_fx, aws, pkg) = seeded(101);
    let rev = pkg.versions(&aws, "repo-1")["1.0.0"].revision.clone();
    let all: Vec<String> = (0..=100).map(|i| format!("1.0.{i}")).collect();
    let all_json = serde_json::to_string(&all).expect("JSON");
    let all_revisions = all
        .iter()
        .map(|v| format!("{v}=rev"))
        .collect::<Vec<_>>()
        .join(",");
    let base = || copy_args(DOMAIN, "repo-1", "repo-2");
    let one = || vec!["--versions".to_owned(), r#"["1.0.0"]"#.to_owned()];
    let cases: Vec<(&str, &[&str], Vec<String>)> = vec![
        (
            "--versions and --version-revisions together",
            &["versions", "versionRevisions"],
            [base(), generic("my-package"), one()]
                .concat()
                .into_iter()
                .chain(["--version-revisions".into(), format!("1.0.0={rev}")])
                .collect(),
        ),
        (
            "neither --versions nor --version-revisions",
            &["versions", "versionRevisions"],
            [base(), generic("my-package")].concat(),
        ),
        (
            "101 versions",
            &["versions"],
            [
                base(),
                generic("my-package"),
                vec!["--versions".into(), all_json],
            ]
            .concat(),
        ),
        (
            "101 version revisions",
            &["versionRevisions"],
            [
                base(),
                generic("my-package"),
                vec!["--version-revisions".into(), all_revisions],
            ]
            .concat(),
        ),
        (
            "an empty version list",
            &["versions"],
            [
                base(),
                generic("my-package"),
                vec!["--versions".into(), "[]".into()],
            ]
            .concat(),
        ),
        (
            "a domain name with capitals",
            &["domain"],
            [
                copy_args("My-Domain", "repo-1", "repo-2"),
                generic("my-package"),
                one(),
            ]
            .concat(),
        ),
        (
            "a namespace on pypi",
            &["namespace"],
            [
                base(),
                [
                    "--format",
                    "pypi",
                    "--namespace",
                    "my-ns",
                    "--package",
                    "my-package",
                ]
                .map(String::from)
                .to_vec(),
                one(),
            ]
            .concat(),
        ),
        (
            "no namespace on generic",
            &["namespace"],
            [
                base(),
                ["--format", "generic", "--package", "my-package"]
                    .map(String::from)
                    .to_vec(),
                one(),
            ]
            .concat(),
        ),
        (
            "an unknown format",
            &["format"],
            [
                base(),
                [
                    "--format",
                    "foo",
                    "--namespace",
                    "my-ns",
                    "--package",
                    "my-package",
                ]
                .map(String::from)
                .to_vec(),
                one(),
            ]
            .concat(),
        ),
        (
            "a package name with a space",
            &["package"],
            [base(), generic("my package"), one()].concat(),
        ),
        (
            "the same source and destination",
            &["destinationRepository"],
            [
                copy_args(DOMAIN, "repo-1", "repo-1"),
                generic("my-package"),
                one(),
            ]
            .concat(),
        ),
    ];

    let before = domain_state(&aws, DOMAIN);
    let mut problems = Vec::new();
    for (what, fields, args) in cases {
        let out = aws.cli("copy-package-versions").args(args).run();
        let message = out.error_message();
        if out.code != 255 || out.error_code() != Some("ValidationException") {
            problems.push(format!(
                "{what}: expected exit 255 with ValidationException, got exit {} stdout {} \
                 stderr {}",
                out.code, out.json, out.stderr
            ));
        } else if !fields.iter().all(|f| names_field(message, f)) {
            problems.push(format!(
                "{what}: the message does not name {fields:?}: {message}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        domain_state(&aws, DOMAIN),
        before,
        "a refused request wrote something"
    );
}

#[test]
fn validation_exceptions_carry_the_model_s_wording_reason_and_status() {
    let (_fx, aws, _pkg) = seeded(1);
    let seen = aws.boto3(
        r#"
c = client()
out = []
for kw in ARGS:
    try:
        c.copy_package_versions(**kw)
        out.append("no error")
    except c.exceptions.ValidationException as e:
        r = e.response
        out.append({"status": r["ResponseMetadata"]["HTTPStatusCode"], "reason": r.get("reason"),
                    "message": r["Error"]["Message"]})
emit(out)
"#,
        &json!([
            {"domain": "My-Domain", "sourceRepository": "repo-1", "destinationRepository": "repo-2",
             "format": "generic", "namespace": "my-ns", "package": "my-package",
             "versions": ["1.0.0"]},
            {"domain": "MY_DOMAIN", "sourceRepository": "repo-1", "destinationRepository": "repo-2",
             "format": "foo", "package": "lo dash", "versions": ["1.0.0"]},
        ]),
    );
    let first = &seen[0];
    assert_eq!(first["status"], 400, "{seen}");
    assert_eq!(first["reason"], "FIELD_VALIDATION_FAILED", "{seen}");
    assert_eq!(
        first["message"],
        "1 validation error detected: Value 'My-Domain' at 'domain' failed to satisfy \
         constraint: Member must satisfy regular expression pattern: [a-z][a-z0-9\\-]{0,48}[a-z0-9]",
        "{seen}"
    );
    // Every violation is reported at once: the domain, the format and the package name.
    let second = seen[1]["message"].as_str().unwrap_or_default();
    assert!(
        second.starts_with("3 validation errors detected: "),
        "{second}"
    );
    for field in ["domain", "format", "package"] {
        assert!(
            second.contains(&format!("at '{field}'")),
            "{field}: {second}"
        );
    }
}

#[test]
fn publishing_with_a_wrong_checksum_is_refused_and_writes_nothing() {
    let (fx, aws, pkg) = seeded(1);
    let before = domain_state(&aws, DOMAIN);
    let file = fx.scratch_dir().join("payload.txt");
    std::fs::write(&file, b"payload").expect("the asset file");
    let out = aws
        .cli("publish-package-version")
        .args(["--repository", "repo-1"])
        .args(pkg.args())
        .args(["--package-version", "2.0.0", "--asset-name", "payload.txt"])
        .arg("--asset-content")
        .arg(file.to_string_lossy())
        .args(["--asset-sha256", &"0".repeat(64)])
        .run();
    out.expect_error("ValidationException");
    assert_eq!(domain_state(&aws, DOMAIN), before);
}
