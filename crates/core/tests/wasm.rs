//! The JavaScript façade in a real browser (headless Chromium through wasm-bindgen-test):
//! validation, planning (copies and promotions), lockfiles, diffing and revisions, called with the same JSON the REST API speaks.
#![cfg(target_arch = "wasm32")]

use js_sys::{JSON, Reflect};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use wharf_core::wasm::{
    compute_revision_js, diff_versions_js, parse_lockfile_js, plan_copy_js, plan_promotion_js,
    validate_copy_request_js,
};

wasm_bindgen_test_configure!(run_in_browser);

fn js(json: &str) -> JsValue {
    JSON::parse(json).expect("test JSON parses")
}

fn text(v: &JsValue) -> String {
    JSON::stringify(v).unwrap().as_string().unwrap()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap()
}

const REQUEST: &str = r#"{"domain":"my-domain","sourceRepository":"staging","destinationRepository":"release",
  "format":"npm","package":"my-package","versions":["1.0.0","1.0.1","2.0.0"]}"#;

#[wasm_bindgen_test]
fn a_valid_request_comes_back_in_stored_form() {
    let out = validate_copy_request_js(js(REQUEST)).unwrap();
    assert_eq!(get(&out, "domain").as_string().unwrap(), "my-domain");
    assert_eq!(get(&out, "allowOverwrite").as_bool(), Some(false));
}

#[wasm_bindgen_test]
fn invalid_requests_throw_errors_with_code_field_and_every_message() {
    let err = validate_copy_request_js(js(
        r#"{"domain":"MY_DOMAIN","sourceRepository":"a1","destinationRepository":"a1","format":"foo","package":"p"}"#,
    ))
    .unwrap_err();
    assert_eq!(
        get(&err, "code").as_string().unwrap(),
        "ValidationException"
    );
    assert_eq!(get(&err, "field").as_string().unwrap(), "domain");
    let errors = js_sys::Array::from(&get(&err, "errors"));
    let fields: Vec<String> = errors
        .iter()
        .map(|e| get(&e, "field").as_string().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["domain", "format", "destinationRepository", "versions"]
    );
    let message = get(&err, "message").as_string().unwrap();
    assert!(
        message.starts_with("4 validation errors detected: Value 'MY_DOMAIN' at 'domain'"),
        "{message}"
    );
}

#[wasm_bindgen_test]
fn a_plan_has_the_rest_result_and_per_version_actions() {
    let input = format!(
        r#"{{"request":{REQUEST},
        "source":[{{"repository":"staging","versions":[
            {{"version":"1.0.0","revision":"same","status":"Published"}},
            {{"version":"1.0.1","revision":"new","status":"Published"}},
            {{"version":"2.0.0","revision":"two","status":"Published"}}],
          "distTags":{{"latest":"2.0.0"}}}}],
        "destination":{{"repository":"release","versions":[
            {{"version":"1.0.0","revision":"same","status":"Published"}},
            {{"version":"2.0.0","revision":"differs","status":"Published"}}],
          "distTags":{{"latest":"1.0.0"}}}}}}"#
    );
    let report = plan_copy_js(js(&input)).unwrap();
    let result = text(&get(&report, "result"));
    assert_eq!(
        result,
        r#"{"successfulVersions":{},"failedVersions":{"1.0.1":{"errorCode":"SKIPPED","errorMessage":"Version 1.0.1 was skipped"},"2.0.0":{"errorCode":"ALREADY_EXISTS","errorMessage":"Version 2.0.0 already exists"}}}"#
    );
    let actions: Vec<String> = js_sys::Array::from(&get(&report, "versions"))
        .iter()
        .map(|v| get(&v, "action").as_string().unwrap())
        .collect();
    assert_eq!(actions, ["NO_OP", "FAIL", "FAIL"]);
    // With overwrite the batch succeeds and `latest` follows 2.0.0.
    let report = plan_copy_js(js(&input.replace(
        r#""versions":["1.0.0""#,
        r#""allowOverwrite":true,"versions":["1.0.0""#,
    )))
    .unwrap();
    let ok = get(&get(&report, "result"), "successfulVersions");
    assert_eq!(
        text(&get(&ok, "2.0.0")),
        r#"{"revision":"two","status":"Published"}"#
    );
    assert_eq!(
        text(&get(&report, "distTags")),
        r#"[{"tag":"latest","from":"1.0.0","to":"2.0.0"}]"#
    );
}

#[wasm_bindgen_test]
fn a_package_missing_everywhere_throws_resource_not_found() {
    let input = format!(
        r#"{{"request":{REQUEST},"source":[{{"repository":"staging","exists":false}}],"destination":{{"repository":"release"}}}}"#
    );
    let err = plan_copy_js(js(&input)).unwrap_err();
    assert_eq!(
        get(&err, "code").as_string().unwrap(),
        "ResourceNotFoundException"
    );
}

#[wasm_bindgen_test]
fn revisions_and_diffs_match_between_calls() {
    let a = js(
        r#"{"assets":[{"name":"a.tgz","size":3,"hashes":{"SHA-256":"ab"}},{"name":"b","size":1,"hashes":{"SHA-256":"cd"}}]}"#,
    );
    let b = js(
        r#"{"assets":[{"name":"b","size":1,"hashes":{"SHA-256":"cd"}},{"name":"a.tgz","size":3,"hashes":{"SHA-256":"ab"}}]}"#,
    );
    let ra = compute_revision_js(a.clone()).unwrap();
    assert_eq!(ra.len(), 44);
    assert_eq!(ra, compute_revision_js(b.clone()).unwrap());
    let diff = diff_versions_js(a, js(r#"{"assets":[{"name":"a.tgz","size":4,"hashes":{"SHA-256":"ff"}}],"metadata":{"summary":"x"}}"#)).unwrap();
    assert_eq!(get(&diff, "verdict").as_string().unwrap(), "DIFFERS");
    assert_eq!(
        text(&get(&diff, "assetsChanged")),
        r#"[{"name":"a.tgz","sizeBefore":3,"sizeAfter":4,"changedHashes":["SHA-256"]}]"#
    );
    assert_eq!(
        js_sys::Array::from(&get(&diff, "assetsRemoved")).length(),
        1
    );
    let same = diff_versions_js(b.clone(), b).unwrap();
    assert_eq!(get(&same, "verdict").as_string().unwrap(), "IDENTICAL");
}

#[wasm_bindgen_test]
fn malformed_input_throws_a_validation_error() {
    let err = compute_revision_js(js(r#"{"assets":"nope"}"#)).unwrap_err();
    assert_eq!(
        get(&err, "code").as_string().unwrap(),
        "ValidationException"
    );
}

const LOCKFILE: &str = r#"{"lockfileVersion":3,"packages":{"":{"name":"app"},
  "node_modules/@acme/app":{"version":"1.0.0","resolved":"https://registry.npmjs.org/@acme/app/-/app-1.0.0.tgz"},
  "node_modules/lib":{"version":"2.1.0"}}}"#;

#[wasm_bindgen_test]
fn a_lockfile_parses_to_package_selections() {
    let out = parse_lockfile_js(LOCKFILE).unwrap();
    assert_eq!(
        text(&out),
        r#"[{"format":"npm","package":"lib","versions":["2.1.0"]},{"format":"npm","namespace":"acme","package":"app","versions":["1.0.0"]}]"#
    );
    let err = parse_lockfile_js(
        r#"{"lockfileVersion":3,"packages":{"node_modules/x":{"link":true,"resolved":"../x"}}}"#,
    )
    .unwrap_err();
    assert_eq!(
        get(&err, "code").as_string().unwrap(),
        "ValidationException"
    );
    assert_eq!(get(&err, "field").as_string().unwrap(), "lockfile");
    assert!(
        get(&err, "message")
            .as_string()
            .unwrap()
            .contains("'node_modules/x'")
    );
}

#[wasm_bindgen_test]
fn a_promotion_plan_checks_the_closure_and_adds_dependencies() {
    let lockfile = JSON::stringify(&JsValue::from_str(LOCKFILE))
        .unwrap()
        .as_string()
        .unwrap();
    let input = |with_deps: bool| {
        format!(
            r#"{{"request":{{"domain":"my-domain","sourceRepository":"staging","destinationRepository":"release",
            "lockfile":{lockfile},"withDependencies":{with_deps}}},
            "packages":[
              {{"format":"npm","namespace":"acme","package":"app",
                "source":[{{"repository":"staging","versions":[{{"version":"1.0.0","revision":"app1","status":"Published"}}]}}],
                "destination":{{"repository":"release","exists":false}},
                "dependencies":{{"1.0.0":{{"dependencies":{{"lib":"^2.0.0","util":"~1.0.0"}}}}}}}},
              {{"format":"npm","package":"lib",
                "source":[{{"repository":"staging","versions":[{{"version":"2.1.0","revision":"lib21","status":"Published"}}]}}],
                "destination":{{"repository":"release","exists":false}}}},
              {{"format":"npm","package":"util",
                "source":[{{"repository":"staging","versions":[{{"version":"1.0.3","revision":"u103","status":"Published"}}]}}],
                "destination":{{"repository":"release","exists":false}}}}]}}"#
        )
    };
    let failed = plan_promotion_js(js(&input(false))).unwrap();
    assert_eq!(get(&failed, "status").as_string().unwrap(), "FAILED");
    assert_eq!(
        text(&get(&get(&failed, "closure"), "unsatisfied")),
        r#"[{"package":"util","range":"~1.0.0","requiredBy":"@acme/app@1.0.0","kind":"dependencies","reason":"NO_MATCHING_VERSION"}]"#
    );
    let planned = plan_promotion_js(js(&input(true))).unwrap();
    assert_eq!(get(&planned, "status").as_string().unwrap(), "PLANNED");
    assert_eq!(
        text(&get(&planned, "summary")),
        r#"{"packages":3,"versions":3,"copied":3,"overwritten":0,"noop":0,"failed":0,"skipped":0,"addedAsDependencies":1}"#
    );
    let err = plan_promotion_js(js(r#"{"request":{"domain":"x"}}"#)).unwrap_err();
    assert_eq!(
        get(&err, "code").as_string().unwrap(),
        "ValidationException"
    );
}
