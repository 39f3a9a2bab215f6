//! The command lines of `wharf promote` and `wharf promotions`, parsed as the binary parses
//! them, and the requests they send.

use super::*;
use clap::Parser;
use serde_json::json;

#[derive(Debug, Parser)]
enum Cmd {
    Promote(PromoteArgs),
    Promotions(PromotionsArgs),
}

fn parse(args: &[&str]) -> Result<Cmd, clap::Error> {
    Cmd::try_parse_from(std::iter::once("wharf").chain(args.iter().copied()))
}

const BASE: [&str; 8] = [
    "promote",
    "--endpoint-url",
    "http://127.0.0.1:1",
    "--domain",
    "d",
    "--source-repository",
    "staging",
    "--destination-repository",
];

fn promote(extra: &[&str]) -> Result<PromoteArgs, clap::Error> {
    let mut args: Vec<&str> = BASE.to_vec();
    args.push("release");
    args.extend_from_slice(extra);
    match parse(&args)? {
        Cmd::Promote(p) => Ok(p),
        Cmd::Promotions(_) => unreachable!(),
    }
}

#[test]
fn packages_become_one_selection_per_package_with_every_flag() {
    let args = promote(&[
        "--package",
        "npm//left-pad@1.3.0",
        "--package",
        "npm/babel/core@7.0.0",
        "--package",
        "npm//left-pad@1.3.1",
        "--destination-domain",
        "prod",
        "--with-dependencies",
        "--allow-overwrite",
        "--allow-unsatisfied",
        "--include-from-upstream",
        "--dry-run",
        "--reason",
        "release 2.3",
    ])
    .unwrap();
    assert_eq!(
        args.connection.endpoint_url.as_deref(),
        Some("http://127.0.0.1:1")
    );
    let call = args.call().unwrap();
    assert_eq!(
        (call.method, call.path.as_str()),
        ("POST", "/wharf/v1/promotions")
    );
    assert_eq!(
        call.body,
        json!({
            "domain": "d", "sourceRepository": "staging", "destinationRepository": "release",
            "destinationDomain": "prod", "reason": "release 2.3",
            "packages": [
                {"format": "npm", "package": "left-pad", "versions": ["1.3.0", "1.3.1"]},
                {"format": "npm", "namespace": "babel", "package": "core", "versions": ["7.0.0"]},
            ],
            "withDependencies": true, "allowUnsatisfied": true, "allowOverwrite": true,
            "includeFromUpstream": true, "dryRun": true,
        })
    );
}

#[test]
fn exactly_one_way_of_naming_versions() {
    let none = promote(&[]).unwrap_err();
    assert_eq!(none.kind(), clap::error::ErrorKind::MissingRequiredArgument);
    let two = promote(&["--lockfile", "x.json", "--select", "npm/a*"]).unwrap_err();
    assert_eq!(two.kind(), clap::error::ErrorKind::ArgumentConflict);
    let status_alone = promote(&["--lockfile", "x.json", "--status", "Published"]).unwrap_err();
    assert_eq!(
        status_alone.kind(),
        clap::error::ErrorKind::ArgumentConflict
    );
    let bad = promote(&["--package", "left-pad@1.0.0"]).unwrap_err();
    assert!(
        bad.to_string().contains("FORMAT/NAMESPACE/NAME@VERSION"),
        "{bad}"
    );
}

#[test]
fn selections_and_lockfiles_fill_their_member() {
    let call = promote(&["--select", "npm/acme/ui-*", "--status", "Published"])
        .unwrap()
        .call()
        .unwrap();
    assert_eq!(
        call.body["select"],
        json!({"format": "npm", "namespace": "acme", "packagePrefix": "ui-", "status": "Published"})
    );
    assert!(call.body.get("packages").is_none() && call.body.get("dryRun").is_none());

    let dir = tempfile::tempdir().unwrap();
    let lock = dir.path().join("package-lock.json");
    std::fs::write(&lock, "{\"lockfileVersion\": 3, \"packages\": {}}").unwrap();
    let call = promote(&["--lockfile", lock.to_str().unwrap()])
        .unwrap()
        .call()
        .unwrap();
    assert_eq!(
        call.body["lockfile"],
        json!("{\"lockfileVersion\": 3, \"packages\": {}}")
    );
    let missing = promote(&["--lockfile", "/nonexistent/package-lock.json"])
        .unwrap()
        .call()
        .unwrap_err();
    assert!(missing.contains("cannot read the lockfile"), "{missing}");
}

fn promotions(args: &[&str]) -> Call {
    let mut all = vec!["promotions"];
    all.extend_from_slice(args);
    match parse(&all).unwrap() {
        Cmd::Promotions(p) => p.command.call().unwrap(),
        Cmd::Promote(_) => unreachable!(),
    }
}

#[test]
fn promotions_subcommands_send_their_requests() {
    let list = promotions(&[
        "list",
        "--domain",
        "my domain",
        "--repository",
        "release",
        "--max-results",
        "5",
        "--next-token",
        "a+b",
        "--endpoint-url",
        "http://h",
    ]);
    assert_eq!((list.method, list.view), ("GET", View::List));
    assert_eq!(
        list.query,
        "domain=my+domain&repository=release&max-results=5&next-token=a%2Bb"
    );
    let describe = promotions(&["describe", "p-01"]);
    assert_eq!(describe.path, "/wharf/v1/promotions/p-01");
    assert_eq!(describe.body, Value::Null);
    let revert = promotions(&["revert", "p-01", "--dry-run", "--reason", "oops"]);
    assert_eq!(revert.path, "/wharf/v1/promotions/p-01/revert");
    assert_eq!(revert.body, json!({"dryRun": true, "reason": "oops"}));
    assert_eq!(promotions(&["revert", "p-01"]).body, json!({}));

    let Cmd::Promotions(p) = parse(&["promotions", "describe", "../admin"]).unwrap() else {
        unreachable!()
    };
    assert!(p.command.call().unwrap_err().contains("not a promotion id"));
}

#[test]
fn exit_status_follows_the_plan() {
    assert_eq!(exit_status(View::Plan, &json!({"status": "APPLIED"})), 0);
    assert_eq!(
        exit_status(View::Plan, &json!({"status": "PLANNED", "dryRun": true})),
        0
    );
    assert_eq!(exit_status(View::Plan, &json!({"status": "FAILED"})), 1);
    assert_eq!(exit_status(View::Revert, &json!({"status": "FAILED"})), 1);
    assert_eq!(exit_status(View::List, &json!({"promotions": []})), 0);
}

#[test]
fn credentials_and_region_come_from_the_environment() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let keys = &[
        ("AWS_ACCESS_KEY_ID", "AKIA1"),
        ("AWS_SECRET_ACCESS_KEY", "s"),
    ];
    let (c, region) = credentials(env(keys), None).unwrap();
    assert_eq!(
        (c.access_key_id.as_str(), region.as_str()),
        ("AKIA1", "us-east-1")
    );
    let with_regions = &[
        ("AWS_ACCESS_KEY_ID", "AKIA1"),
        ("AWS_SECRET_ACCESS_KEY", "s"),
        ("AWS_REGION", "eu-west-1"),
        ("AWS_DEFAULT_REGION", "eu-central-1"),
    ];
    assert_eq!(
        credentials(env(with_regions), None).unwrap().1,
        "eu-central-1"
    );
    assert_eq!(
        credentials(env(with_regions), Some("ap-south-1"))
            .unwrap()
            .1,
        "ap-south-1"
    );
    // The root-only WHARF_ROOT_* pair is not a caller's key: promotions sign as a principal.
    let root_only = &[
        ("WHARF_ROOT_ACCESS_KEY_ID", "AKIA1"),
        ("WHARF_ROOT_SECRET_ACCESS_KEY", "s"),
        ("AWS_ACCESS_KEY_ID", "AKIA1"),
    ];
    let e = credentials(env(root_only), None).unwrap_err();
    assert!(e.contains("AWS_SECRET_ACCESS_KEY"), "{e}");
}
