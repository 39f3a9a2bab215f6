//! The JavaScript façade (feature `wasm`): seven functions over the same JSON the REST API
//! speaks. Features `wasm-copy` (`validateCopyRequest`, `planCopy`,
//! `normalizePackageName`) and `wasm-promote`
//! (`parseLockfile`) export only what one widget calls, so that its download carries nothing
//! else; `wasm` exports all seven. No logic lives here; each function converts its input from a JavaScript value,
//! calls the core, and converts the result back, both through one JSON text (`from_js`, `to_js`).
//!
//! Failures throw a JavaScript `Error` whose `code` is the CodeArtifact exception name
//! (`ValidationException`, `ResourceNotFoundException`), whose `field` names the first
//! offending member and whose `errors` lists every `{field, message}`.

#[cfg(feature = "wasm")]
use crate::api::PromotionPreviewInput;
#[cfg(feature = "wasm-copy")]
use crate::api::{CopyPackageVersionsRequest, CopyPreviewInput};
#[cfg(feature = "wasm-copy")]
use crate::copy::{PlanOptions, PreviewError, validate_copy_request};
use crate::error::{FieldError, ValidationErrors};
#[cfg(feature = "wasm")]
use crate::revision::{VersionContent, compute_revision, diff_versions};
use serde::Serialize;
#[cfg(feature = "wasm-copy")]
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Every member of CopyPackageVersions, as the SDKs name them. */
export interface CopyPackageVersionsRequest {
  domain?: string; domainOwner?: string; sourceRepository?: string; destinationRepository?: string;
  format?: "npm" | "pypi" | "maven" | "nuget" | "generic" | "ruby" | "swift" | "cargo" | string;
  namespace?: string; package?: string; versions?: string[]; versionRevisions?: Record<string, string>;
  allowOverwrite?: boolean; includeFromUpstream?: boolean;
}
export type PackageVersionStatus = "Published" | "Unfinished" | "Unlisted" | "Archived" | "Disposed" | "Deleted";
export type PackageVersionErrorCode = "ALREADY_EXISTS" | "MISMATCHED_REVISION" | "MISMATCHED_STATUS" | "NOT_ALLOWED" | "NOT_FOUND" | "SKIPPED";
export interface PackageVersionError { errorCode: PackageVersionErrorCode; errorMessage: string; }
export interface SuccessfulPackageVersionInfo { revision: string; status: PackageVersionStatus; }
/** Exactly what CopyPackageVersions returns. */
export interface CopyPackageVersionsResult {
  successfulVersions: Record<string, SuccessfulPackageVersionInfo>;
  failedVersions: Record<string, PackageVersionError>;
}
export interface PackageVersionOrigin {
  domainEntryPoint?: { repositoryName?: string; externalConnectionName?: string };
  originType?: "INTERNAL" | "EXTERNAL" | "UNKNOWN";
}
/** One entry of ListPackageVersions. */
export interface PackageVersionSummary { version: string; revision?: string; status: PackageVersionStatus; origin?: PackageVersionOrigin; }
/** What one repository holds of the package. */
export interface PackageView {
  repository: string; exists?: boolean; versions?: PackageVersionSummary[];
  distTags?: Record<string, string>; upstreamBlocked?: boolean; publishBlocked?: boolean;
}
/** planCopy's input: the source first, then its upstreams in search order. */
export interface CopyPreviewInput { request: CopyPackageVersionsRequest; source: PackageView[]; destination: PackageView; }
export type PlannedAction = "COPY" | "OVERWRITE" | "NO_OP" | "FAIL";
export interface PlannedVersion {
  version: string; action: PlannedAction; fromRepository?: string; revision?: string;
  destinationRevision?: string; error?: PackageVersionError;
}
export interface DistTagChange { tag: string; from?: string; to: string; }
export interface CopyPlanReport { result: CopyPackageVersionsResult; versions: PlannedVersion[]; distTags: DistTagChange[]; }
/** An asset as ListPackageVersionAssets returns it. */
export interface AssetSummary { name: string; size?: number; hashes?: Record<string, string>; }
export interface License { name?: string; url?: string; }
export interface VersionMetadata {
  summary?: string; homePage?: string; sourceCodeRepository?: string; licenses?: License[];
  attributes?: Record<string, string>;
}
export interface VersionContent { assets: AssetSummary[]; metadata?: VersionMetadata; }
export interface AssetChange { name: string; sizeBefore?: number; sizeAfter?: number; changedHashes: string[]; }
export interface MetadataChange { field: string; before?: string; after?: string; }
export interface VersionDiff {
  verdict: "IDENTICAL" | "DIFFERS"; revisionBefore: string; revisionAfter: string;
  assetsAdded: AssetSummary[]; assetsRemoved: AssetSummary[]; assetsChanged: AssetChange[];
  metadataChanged: MetadataChange[];
}
/** Wharf's promotion request (POST /wharf/v1/promotions): exactly one of packages, lockfile, requirements, select. */
export interface PackageSelection {
  format?: string; namespace?: string; package?: string; versions?: string[]; versionRevisions?: Record<string, string>;
}
export interface PromotionRequest {
  domain?: string; domainOwner?: string; sourceRepository?: string; destinationDomain?: string;
  destinationRepository?: string; packages?: PackageSelection[]; lockfile?: string; requirements?: string;
  select?: { format?: string; namespace?: string; packagePrefix?: string; status?: PackageVersionStatus };
  withDependencies?: boolean; allowUnsatisfied?: boolean; allowOverwrite?: boolean;
  includeFromUpstream?: boolean; dryRun?: boolean; reason?: string;
}
export interface NpmDependencies {
  dependencies?: Record<string, string>; peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}
/** What the client knows of one package: source (then its upstreams), destination, its upstreams. */
export interface PromotionPackageView {
  format: string; namespace?: string; package: string; source: PackageView[]; destination: PackageView;
  destinationUpstreams?: PackageView[]; dependencies?: Record<string, NpmDependencies>;
  sourceContent?: Record<string, VersionContent>; destinationContent?: Record<string, VersionContent>;
}
/** planPromotion's input; a package the planner needs but the input lacks counts as absent. */
export interface PromotionPreviewInput { request: PromotionRequest; packages?: PromotionPackageView[]; }
export type PromotionAction = "COPY" | "OVERWRITE" | "NOOP" | "FAIL" | "SKIPPED";
export type PromotionErrorCode = PackageVersionErrorCode | "UNSATISFIED_DEPENDENCY";
export interface PromotedVersion {
  version: string; revision?: string; action: PromotionAction; errorCode?: PromotionErrorCode;
  errorMessage?: string; addedAsDependency: boolean; destinationRevision?: string; status?: PackageVersionStatus;
  diff?: VersionDiff;
}
export interface PromotedPackage {
  format: string; namespace?: string; package: string; versions: PromotedVersion[]; distTags: DistTagChange[];
}
export interface UnsatisfiedDependency {
  package: string; range: string; requiredBy: string; kind: "dependencies" | "peerDependencies";
  reason: "NO_MATCHING_VERSION" | "NOT_A_REGISTRY_RANGE";
}
export interface PromotionResult {
  promotionId?: string; status: "PLANNED" | "APPLIED" | "FAILED"; dryRun: boolean;
  source: { domain: string; repository: string }; destination: { domain: string; repository: string };
  packages: PromotedPackage[];
  closure: { unsatisfied: UnsatisfiedDependency[]; added: { package: string; version: string; requiredBy: string }[] };
  summary: { packages: number; versions: number; copied: number; overwritten: number; noop: number;
             failed: number; skipped: number; addedAsDependencies: number };
}
/** What the functions throw. */
export interface WharfError extends Error {
  code: "ValidationException" | "ResourceNotFoundException";
  field?: string;
  errors: { field: string; message: string }[];
}
"#;

/// Builds the thrown `Error` with `code`, `field` and `errors`.
fn js_error(code: &str, message: &str, errors: &[FieldError]) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(code);
    let set = |key: &str, value: &JsValue| {
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), value);
    };
    set("code", &JsValue::from_str(code));
    if let Some(first) = errors.first() {
        set("field", &JsValue::from_str(&first.field));
    }
    set("errors", &to_js(errors).unwrap_or(JsValue::NULL));
    error.into()
}

fn validation_error(e: &ValidationErrors) -> JsValue {
    js_error("ValidationException", &e.to_string(), &e.errors)
}

#[cfg(feature = "wasm-copy")]
#[wasm_bindgen]
extern "C" {
    /// The platform's UTF-8 encoder (browsers, Node). Its `encode` is native code, where
    /// wasm-bindgen's own string passing copies an ASCII string in a JavaScript loop, a
    /// character at a time: for the megabyte of JSON that `diffVersions` reads, that loop cost
    /// more than parsing it.
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method)]
    fn encode(this: &TextEncoder, text: &js_sys::JsString) -> js_sys::Uint8Array;
}

#[cfg(feature = "wasm-copy")]
thread_local! {
    static ENCODER: TextEncoder = TextEncoder::new();
}

#[cfg(feature = "wasm-copy")]
/// Reads a JavaScript value as `T`. The value crosses the boundary as one JSON text
/// (`JSON.stringify`, encoded to UTF-8 by `TextEncoder` and copied into wasm memory at once,
/// then serde_json) rather than member by member: one boundary crossing for the large inputs
/// of `planCopy` and `diffVersions`, and no second serde back end.
fn from_js<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsValue> {
    let invalid = |detail: &str| {
        let field = FieldError::rule(what, format!("{what} is not valid: {detail}"));
        js_error(
            "ValidationException",
            &field.message,
            std::slice::from_ref(&field),
        )
    };
    let text =
        js_sys::JSON::stringify(&value).map_err(|_| invalid("it cannot be written as JSON"))?;
    // `undefined` (and functions) stringify to `undefined`.
    let bytes = if text.is_undefined() {
        b"null".to_vec()
    } else {
        ENCODER.with(|encoder| encoder.encode(&text)).to_vec()
    };
    serde_json::from_slice(&bytes).map_err(|e| invalid(&e.to_string()))
}

/// Writes `value` as a plain JavaScript value, through one JSON text (`JSON.parse`).
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
    js_sys::JSON::parse(&text)
}

#[cfg(feature = "wasm-copy")]
/// Checks a CopyPackageVersions request against every rule the service applies and returns it
/// in stored form (normalised names), or throws a `ValidationException` listing every problem.
#[wasm_bindgen(js_name = validateCopyRequest, unchecked_return_type = "CopyPackageVersionsRequest")]
pub fn validate_copy_request_js(
    #[wasm_bindgen(unchecked_param_type = "CopyPackageVersionsRequest")] request: JsValue,
) -> Result<JsValue, JsValue> {
    let request: CopyPackageVersionsRequest = from_js(request, "request")?;
    let valid = validate_copy_request(&request).map_err(|e| validation_error(&e))?;
    to_js(&CopyPackageVersionsRequest::from(&valid))
}

#[cfg(feature = "wasm-copy")]
/// Plans a copy without running it: the result CopyPackageVersions would return, with each
/// version's action and the npm dist-tags that would move.
#[wasm_bindgen(js_name = planCopy, unchecked_return_type = "CopyPlanReport")]
pub fn plan_copy_js(
    #[wasm_bindgen(unchecked_param_type = "CopyPreviewInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let input: CopyPreviewInput = from_js(input, "input")?;
    match crate::copy::preview(&input, PlanOptions::default()) {
        Ok(report) => to_js(&report),
        Err(PreviewError::Invalid(e)) => Err(validation_error(&e)),
        Err(PreviewError::NotFound(e)) => {
            let field = FieldError::rule("package", e.to_string());
            Err(js_error(
                "ResourceNotFoundException",
                &e.to_string(),
                &[field],
            ))
        }
    }
}

#[cfg(feature = "wasm")]
/// Compares two versions' assets and metadata.
#[wasm_bindgen(js_name = diffVersions, unchecked_return_type = "VersionDiff")]
pub fn diff_versions_js(
    #[wasm_bindgen(unchecked_param_type = "VersionContent")] before: JsValue,
    #[wasm_bindgen(unchecked_param_type = "VersionContent")] after: JsValue,
) -> Result<JsValue, JsValue> {
    let before: VersionContent = from_js(before, "before")?;
    let after: VersionContent = from_js(after, "after")?;
    to_js(&diff_versions(&before, &after))
}

#[cfg(feature = "wasm")]
/// Computes a version's revision (44-character base64 SHA-256) from its assets and metadata.
#[wasm_bindgen(js_name = computeRevision)]
pub fn compute_revision_js(
    #[wasm_bindgen(unchecked_param_type = "VersionContent")] content: JsValue,
) -> Result<String, JsValue> {
    let content: VersionContent = from_js(content, "content")?;
    Ok(compute_revision(&content).to_string())
}

#[cfg(feature = "wasm")]
/// Plans a release promotion without running it, from what the caller knows of each package:
/// the same `PromotionResult` the service returns for a dry run.
#[wasm_bindgen(js_name = planPromotion, unchecked_return_type = "PromotionResult")]
pub fn plan_promotion_js(
    #[wasm_bindgen(unchecked_param_type = "PromotionPreviewInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let input: PromotionPreviewInput = from_js(input, "input")?;
    let result = crate::promotion::preview(&input, PlanOptions::default())
        .map_err(|e| validation_error(&e))?;
    to_js(&result)
}

#[cfg(feature = "wasm-promote")]
/// Reads an npm `package-lock.json` (lockfileVersion 2 or 3): every registry package it pins,
/// as `PackageSelection`s, or throws a `ValidationException` naming every bad entry.
#[wasm_bindgen(js_name = parseLockfile, unchecked_return_type = "PackageSelection[]")]
pub fn parse_lockfile_js(text: &str) -> Result<JsValue, JsValue> {
    let packages = crate::promotion::lockfile::parse(text).map_err(|e| validation_error(&e))?;
    to_js(&packages)
}

/// A package name as the service stores and finds it: PEP 503's form for `pypi`
/// (`My_Package.Name` → `my-package-name`), unchanged for other (or unknown) formats.
#[cfg(feature = "wasm-copy")]
#[wasm_bindgen(js_name = normalizePackageName)]
pub fn normalize_package_name_js(format: &str, name: &str) -> String {
    match crate::names::PackageFormat::parse_as(format, "format") {
        Ok(f) => f.normalize_name(name),
        Err(_) => name.to_owned(),
    }
}
