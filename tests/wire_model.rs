//! Wire-model conformance: every DTO of `wharf_core::api` against botocore's CodeArtifact model.
//!
//! For each DTO the test compares, with the model's member set for the DTO's location
//! (querystring `locationName`s for `<Op>Query`, body members for `<Op>Body`, output members
//! other than headers and payload for `<Op>Result`, all members for nested shapes):
//! - the wire names the DTO declares (read from its derived `Deserialize`), and
//! - the JSON it writes after reading a fully populated sample generated from the model (every
//!   member present, nested shapes included, each enum value in turn), which also checks the
//!   member types (timestamps as numbers, query values as strings, enum spellings).
//!
//! It also checks `api::OPERATIONS` (method and path of every operation) and the header-name
//! constants against the model. The model is found through botocore in the tools venv
//! (`$WHARF_VENV`, default `~/.cache/wharf-tools/venv`) or, failing that, `python3`.

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Serialize, forward_to_deserialize_any};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use wharf_core::api;
use wharf_core::names::{PackageFormat, PackageVersionStatus};

/// Prints the path of the model inside whichever botocore the interpreter has.
const FIND_MODEL: &str = "import botocore,os;print(os.path.join(os.path.dirname(botocore.__file__),\
'data','codeartifact','2018-09-22','service-2.json.gz'))";

/// botocore's CodeArtifact model, loaded once.
fn model() -> &'static Value {
    static MODEL: OnceLock<Value> = OnceLock::new();
    MODEL.get_or_init(|| {
        let venv = std::env::var_os("WHARF_VENV").map(PathBuf::from).unwrap_or_else(|| {
            let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
            home.join(".cache/wharf-tools/venv")
        });
        let pythons = [venv.join("bin/python"), PathBuf::from("python3")];
        let path = pythons
            .iter()
            .filter_map(|python| Command::new(python).args(["-c", FIND_MODEL]).output().ok())
            .filter(|out| out.status.success())
            .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
            .find(|path| path.is_file())
            .unwrap_or_else(|| {
                panic!("botocore not found: tried {pythons:?}; run scripts/setup or pip install botocore")
            });
        let gz = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut json = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut json)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&json).expect("the model is JSON")
    })
}

fn shape(name: &str) -> &'static Value {
    model()["shapes"]
        .get(name)
        .unwrap_or_else(|| panic!("no shape {name} in the model"))
}

fn operation(name: &str) -> &'static Value {
    model()["operations"]
        .get(name)
        .unwrap_or_else(|| panic!("no operation {name} in the model"))
}

/// Where a DTO travels, and so which of the model's members it must carry.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// `<Op>Query`: the input's querystring members, under their `locationName`.
    Query(&'static str),
    /// `<Op>Body`: the input's members with no `location` and not the payload.
    Body(&'static str),
    /// `<Op>Result`: the output's members that are neither headers nor the payload.
    Result(&'static str),
    /// Every input member under its SDK (member) name, e.g. `CopyPackageVersionsRequest`.
    Input(&'static str),
    /// A nested structure shape: all its members.
    Shape(&'static str),
}

/// The members of a structure shape selected by `keep` (never the payload), with their shapes,
/// keyed by wire name (`locationName` where there is one) or, if `!wire`, by member name.
fn members(structure: &str, keep: impl Fn(&Value) -> bool, wire: bool) -> BTreeMap<String, String> {
    let s = shape(structure);
    let payload = s.get("payload").and_then(Value::as_str).unwrap_or("");
    s["members"]
        .as_object()
        .expect("a structure")
        .iter()
        .filter(|(name, m)| name.as_str() != payload && keep(m))
        .map(|(name, m)| {
            let location_name = m.get("locationName").and_then(Value::as_str);
            let key = location_name.filter(|_| wire).unwrap_or(name);
            (key.to_owned(), member_shape(m).to_owned())
        })
        .collect()
}

fn location(m: &Value) -> Option<&str> {
    m.get("location").and_then(Value::as_str)
}

fn io_shape(op: &str, io: &str) -> Option<&'static str> {
    operation(op)
        .get(io)
        .map(|s| s["shape"].as_str().expect("a shape name"))
}

impl Target {
    /// The model's members for this location (wire name → shape), and whether they travel in
    /// the query string (where every value is text).
    fn members(self) -> (BTreeMap<String, String>, bool) {
        let input = |op| io_shape(op, "input").expect("an input");
        let output = |op| io_shape(op, "output").expect("an output");
        let in_query = |m: &Value| location(m) == Some("querystring");
        match self {
            Target::Query(op) => (members(input(op), in_query, true), true),
            Target::Body(op) => (members(input(op), |m| location(m).is_none(), true), false),
            Target::Result(op) => (members(output(op), |m| location(m).is_none(), true), false),
            Target::Input(op) => (members(input(op), |_| true, false), false),
            Target::Shape(name) => (members(name, |_| true, true), false),
        }
    }

    /// `("Query" | "Body" | "Result", operation)` for the per-operation locations.
    fn operation(self) -> Option<(&'static str, &'static str)> {
        match self {
            Target::Query(op) => Some(("Query", op)),
            Target::Body(op) => Some(("Body", op)),
            Target::Result(op) => Some(("Result", op)),
            Target::Input(_) | Target::Shape(_) => None,
        }
    }

    fn describe(self) -> String {
        match self {
            Target::Query(op) => format!("querystring members of {op}"),
            Target::Body(op) => format!("body members of {op}"),
            Target::Result(op) => format!("output members of {op}"),
            Target::Input(op) => format!("all input members of {op}"),
            Target::Shape(name) => format!("members of shape {name}"),
        }
    }
}

/// A sample value of a model shape. `variant` picks which enum value to use (cycling), so
/// samples 0..8 cover every value of every enum; `text` renders scalars as query strings do.
fn sample(shape_name: &str, variant: usize, text: bool) -> Value {
    let s = shape(shape_name);
    let scalar = |v: Value, t: &str| if text { Value::String(t.to_owned()) } else { v };
    match s["type"].as_str().expect("a type") {
        "string" => match s.get("enum").and_then(Value::as_array) {
            Some(values) => values[variant % values.len()].clone(),
            None => Value::String("text".to_owned()),
        },
        "integer" | "long" => scalar(Value::from(7), "7"),
        "boolean" => scalar(Value::Bool(true), "true"),
        "timestamp" => scalar(Value::from(1_566_002_944.25), "1566002944.25"),
        "list" => Value::Array(vec![sample(member_shape(&s["member"]), variant, text)]),
        "map" => {
            let key = match sample(member_shape(&s["key"]), variant, false) {
                Value::String(k) => k,
                other => panic!("non-string map key {other} in {shape_name}"),
            };
            Value::Object(Map::from_iter([(
                key,
                sample(member_shape(&s["value"]), variant, text),
            )]))
        }
        "structure" => Value::Object(
            members(shape_name, |_| true, true)
                .iter()
                .map(|(wire, member)| (wire.clone(), sample(member, variant, text)))
                .collect(),
        ),
        other => panic!("no sample for {other} shape {shape_name}"),
    }
}

fn member_shape(reference: &Value) -> &str {
    reference["shape"].as_str().expect("a shape reference")
}

fn sample_of(members: &BTreeMap<String, String>, variant: usize, text: bool) -> Value {
    Value::Object(
        members
            .iter()
            .map(|(w, s)| (w.clone(), sample(s, variant, text)))
            .collect(),
    )
}

/// Reports where `actual` (what the DTO wrote) differs from `expected` (the model's sample).
fn diff(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => diff(&format!("{path}.{k}"), ev, av, out),
                    None => out.push(format!("{path}.{k}: in the model, not written by the DTO")),
                }
            }
            for k in a.keys().filter(|k| !e.contains_key(*k)) {
                out.push(format!("{path}.{k}: written by the DTO, not in the model"));
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                diff(&format!("{path}[{i}]"), ev, av, out);
            }
        }
        _ if expected == actual => {}
        _ => out.push(format!(
            "{path}: model sample {expected}, DTO wrote {actual}"
        )),
    }
}

/// Captures the names a derived `Deserialize` declares: struct field names (wire spelling,
/// after renames) or enum variant names.
struct Introspect<'a>(&'a mut Vec<&'static str>);

impl<'de> Deserializer<'de> for Introspect<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct or an enum"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.extend_from_slice(fields);
        Err(de::Error::custom("names captured"))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.extend_from_slice(variants);
        Err(de::Error::custom("names captured"))
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map identifier ignored_any
    }
}

fn declared_names<T: DeserializeOwned>() -> BTreeSet<String> {
    let mut names = Vec::new();
    let _ = T::deserialize(Introspect(&mut names));
    names.into_iter().map(str::to_owned).collect()
}

fn round_trip<T: DeserializeOwned + Serialize>(value: Value) -> Result<Value, String> {
    let dto: T = serde_json::from_value(value).map_err(|e| format!("does not deserialise: {e}"))?;
    serde_json::to_value(&dto).map_err(|e| format!("does not serialise: {e}"))
}

/// One DTO to check.
struct Dto {
    rust: &'static str,
    target: Target,
    declared: BTreeSet<String>,
    round_trip: fn(Value) -> Result<Value, String>,
}

fn dto<T: DeserializeOwned + Serialize>(rust: &'static str, target: Target) -> Dto {
    Dto {
        rust,
        target,
        declared: declared_names::<T>(),
        round_trip: round_trip::<T>,
    }
}

macro_rules! dtos {
    ($($ty:ident => $kind:ident $name:literal),* $(,)?) => {
        vec![$(dto::<api::$ty>(stringify!($ty), Target::$kind($name))),*]
    };
}

/// Every DTO of `wharf_core::api` and what it stands for in the model.
fn all_dtos() -> Vec<Dto> {
    dtos![
        CopyPackageVersionsQuery => Query "CopyPackageVersions",
        CopyPackageVersionsBody => Body "CopyPackageVersions",
        CopyPackageVersionsResult => Result "CopyPackageVersions",
        CopyPackageVersionsRequest => Input "CopyPackageVersions",
        CreateDomainQuery => Query "CreateDomain",
        CreateDomainBody => Body "CreateDomain",
        CreateDomainResult => Result "CreateDomain",
        DescribeDomainQuery => Query "DescribeDomain",
        DescribeDomainResult => Result "DescribeDomain",
        DeleteDomainQuery => Query "DeleteDomain",
        DeleteDomainResult => Result "DeleteDomain",
        ListDomainsBody => Body "ListDomains",
        ListDomainsResult => Result "ListDomains",
        CreateRepositoryQuery => Query "CreateRepository",
        CreateRepositoryBody => Body "CreateRepository",
        CreateRepositoryResult => Result "CreateRepository",
        DescribeRepositoryQuery => Query "DescribeRepository",
        DescribeRepositoryResult => Result "DescribeRepository",
        UpdateRepositoryQuery => Query "UpdateRepository",
        UpdateRepositoryBody => Body "UpdateRepository",
        UpdateRepositoryResult => Result "UpdateRepository",
        DeleteRepositoryQuery => Query "DeleteRepository",
        DeleteRepositoryResult => Result "DeleteRepository",
        ListRepositoriesQuery => Query "ListRepositories",
        ListRepositoriesResult => Result "ListRepositories",
        ListRepositoriesInDomainQuery => Query "ListRepositoriesInDomain",
        ListRepositoriesInDomainResult => Result "ListRepositoriesInDomain",
        GetRepositoryEndpointQuery => Query "GetRepositoryEndpoint",
        GetRepositoryEndpointResult => Result "GetRepositoryEndpoint",
        ListPackagesQuery => Query "ListPackages",
        ListPackagesResult => Result "ListPackages",
        DescribePackageQuery => Query "DescribePackage",
        DescribePackageResult => Result "DescribePackage",
        DeletePackageQuery => Query "DeletePackage",
        DeletePackageResult => Result "DeletePackage",
        PutPackageOriginConfigurationQuery => Query "PutPackageOriginConfiguration",
        PutPackageOriginConfigurationBody => Body "PutPackageOriginConfiguration",
        PutPackageOriginConfigurationResult => Result "PutPackageOriginConfiguration",
        ListPackageVersionsQuery => Query "ListPackageVersions",
        ListPackageVersionsResult => Result "ListPackageVersions",
        DescribePackageVersionQuery => Query "DescribePackageVersion",
        DescribePackageVersionResult => Result "DescribePackageVersion",
        ListPackageVersionAssetsQuery => Query "ListPackageVersionAssets",
        ListPackageVersionAssetsResult => Result "ListPackageVersionAssets",
        GetPackageVersionAssetQuery => Query "GetPackageVersionAsset",
        PublishPackageVersionQuery => Query "PublishPackageVersion",
        PublishPackageVersionResult => Result "PublishPackageVersion",
        UpdatePackageVersionsStatusQuery => Query "UpdatePackageVersionsStatus",
        UpdatePackageVersionsStatusBody => Body "UpdatePackageVersionsStatus",
        UpdatePackageVersionsStatusResult => Result "UpdatePackageVersionsStatus",
        DeletePackageVersionsQuery => Query "DeletePackageVersions",
        DeletePackageVersionsBody => Body "DeletePackageVersions",
        DeletePackageVersionsResult => Result "DeletePackageVersions",
        DisposePackageVersionsQuery => Query "DisposePackageVersions",
        DisposePackageVersionsBody => Body "DisposePackageVersions",
        DisposePackageVersionsResult => Result "DisposePackageVersions",
        GetAuthorizationTokenQuery => Query "GetAuthorizationToken",
        GetAuthorizationTokenResult => Result "GetAuthorizationToken",
        PutRepositoryPermissionsPolicyQuery => Query "PutRepositoryPermissionsPolicy",
        PutRepositoryPermissionsPolicyBody => Body "PutRepositoryPermissionsPolicy",
        PutRepositoryPermissionsPolicyResult => Result "PutRepositoryPermissionsPolicy",
        GetRepositoryPermissionsPolicyQuery => Query "GetRepositoryPermissionsPolicy",
        GetRepositoryPermissionsPolicyResult => Result "GetRepositoryPermissionsPolicy",
        DeleteRepositoryPermissionsPolicyQuery => Query "DeleteRepositoryPermissionsPolicy",
        DeleteRepositoryPermissionsPolicyResult => Result "DeleteRepositoryPermissionsPolicy",
        PutDomainPermissionsPolicyBody => Body "PutDomainPermissionsPolicy",
        PutDomainPermissionsPolicyResult => Result "PutDomainPermissionsPolicy",
        GetDomainPermissionsPolicyQuery => Query "GetDomainPermissionsPolicy",
        GetDomainPermissionsPolicyResult => Result "GetDomainPermissionsPolicy",
        DeleteDomainPermissionsPolicyQuery => Query "DeleteDomainPermissionsPolicy",
        DeleteDomainPermissionsPolicyResult => Result "DeleteDomainPermissionsPolicy",
        CreatePackageGroupQuery => Query "CreatePackageGroup",
        CreatePackageGroupBody => Body "CreatePackageGroup",
        CreatePackageGroupResult => Result "CreatePackageGroup",
        DeletePackageGroupQuery => Query "DeletePackageGroup",
        DeletePackageGroupResult => Result "DeletePackageGroup",
        DescribePackageGroupQuery => Query "DescribePackageGroup",
        DescribePackageGroupResult => Result "DescribePackageGroup",
        UpdatePackageGroupQuery => Query "UpdatePackageGroup",
        UpdatePackageGroupBody => Body "UpdatePackageGroup",
        UpdatePackageGroupResult => Result "UpdatePackageGroup",
        UpdatePackageGroupOriginConfigurationQuery => Query "UpdatePackageGroupOriginConfiguration",
        UpdatePackageGroupOriginConfigurationBody => Body "UpdatePackageGroupOriginConfiguration",
        UpdatePackageGroupOriginConfigurationResult => Result "UpdatePackageGroupOriginConfiguration",
        ListPackageGroupsQuery => Query "ListPackageGroups",
        ListPackageGroupsResult => Result "ListPackageGroups",
        ListSubPackageGroupsQuery => Query "ListSubPackageGroups",
        ListSubPackageGroupsResult => Result "ListSubPackageGroups",
        GetAssociatedPackageGroupQuery => Query "GetAssociatedPackageGroup",
        GetAssociatedPackageGroupResult => Result "GetAssociatedPackageGroup",
        ListAllowedRepositoriesForGroupQuery => Query "ListAllowedRepositoriesForGroup",
        ListAllowedRepositoriesForGroupResult => Result "ListAllowedRepositoriesForGroup",
        ListAssociatedPackagesQuery => Query "ListAssociatedPackages",
        ListAssociatedPackagesResult => Result "ListAssociatedPackages",
        GetPackageVersionReadmeQuery => Query "GetPackageVersionReadme",
        GetPackageVersionReadmeResult => Result "GetPackageVersionReadme",
        ListPackageVersionDependenciesQuery => Query "ListPackageVersionDependencies",
        ListPackageVersionDependenciesResult => Result "ListPackageVersionDependencies",
        AssociateExternalConnectionQuery => Query "AssociateExternalConnection",
        AssociateExternalConnectionResult => Result "AssociateExternalConnection",
        DisassociateExternalConnectionQuery => Query "DisassociateExternalConnection",
        DisassociateExternalConnectionResult => Result "DisassociateExternalConnection",
        TagResourceQuery => Query "TagResource",
        TagResourceBody => Body "TagResource",
        UntagResourceQuery => Query "UntagResource",
        UntagResourceBody => Body "UntagResource",
        ListTagsForResourceQuery => Query "ListTagsForResource",
        ListTagsForResourceResult => Result "ListTagsForResource",
        // Nested shapes.
        PackageGroupDescription => Shape "PackageGroupDescription",
        PackageGroupSummary => Shape "PackageGroupSummary",
        PackageGroupReference => Shape "PackageGroupReference",
        PackageGroupOriginConfiguration => Shape "PackageGroupOriginConfiguration",
        PackageGroupOriginRestriction => Shape "PackageGroupOriginRestriction",
        PackageGroupAllowedRepository => Shape "PackageGroupAllowedRepository",
        AssociatedPackage => Shape "AssociatedPackage",
        PackageDependency => Shape "PackageDependency",
        Tag => Shape "Tag",
        DomainDescription => Shape "DomainDescription",
        DomainSummary => Shape "DomainSummary",
        UpstreamRepository => Shape "UpstreamRepository",
        UpstreamRepositoryInfo => Shape "UpstreamRepositoryInfo",
        RepositoryExternalConnectionInfo => Shape "RepositoryExternalConnectionInfo",
        RepositoryDescription => Shape "RepositoryDescription",
        RepositorySummary => Shape "RepositorySummary",
        PackageOriginRestrictions => Shape "PackageOriginRestrictions",
        PackageOriginRestrictionsInput => Shape "PackageOriginRestrictions",
        PackageOriginConfiguration => Shape "PackageOriginConfiguration",
        PackageSummary => Shape "PackageSummary",
        PackageDescription => Shape "PackageDescription",
        PackageVersionDescription => Shape "PackageVersionDescription",
        LicenseInfo => Shape "LicenseInfo",
        ResourcePolicy => Shape "ResourcePolicy",
        PackageVersionSummary => Shape "PackageVersionSummary",
        PackageVersionOrigin => Shape "PackageVersionOrigin",
        DomainEntryPoint => Shape "DomainEntryPoint",
        AssetSummary => Shape "AssetSummary",
        PackageVersionError => Shape "PackageVersionError",
        SuccessfulPackageVersionInfo => Shape "SuccessfulPackageVersionInfo",
    ]
}

/// Samples per DTO: enough for every value of the longest enum (`PackageFormat`, 8 values).
const VARIANTS: usize = 8;

#[test]
fn every_dto_carries_exactly_the_model_members() {
    let mut report = Vec::new();
    for dto in all_dtos() {
        let mut problems = Vec::new();
        let expected_name = match dto.target {
            Target::Query(op) => Some(format!("{op}Query")),
            Target::Body(op) => Some(format!("{op}Body")),
            Target::Result(op) => Some(format!("{op}Result")),
            Target::Input(op) => Some(format!("{op}Request")),
            Target::Shape(name) => (!dto.rust.starts_with(name)).then(|| name.to_owned()),
        };
        if let Some(expected) = expected_name.filter(|e| e != dto.rust) {
            problems.push(format!("named {}, expected {expected}", dto.rust));
        }
        let (members, text) = dto.target.members();
        let wire: BTreeSet<String> = members.keys().cloned().collect();
        let missing: Vec<_> = wire.difference(&dto.declared).collect();
        let extra: Vec<_> = dto.declared.difference(&wire).collect();
        if !missing.is_empty() || !extra.is_empty() {
            problems.push(format!(
                "declared fields: missing {missing:?}, not in the model {extra:?}"
            ));
        }
        // The same problem usually shows in every sample: report each one once.
        let mut seen = BTreeSet::new();
        for variant in 0..VARIANTS {
            let input = sample_of(&members, variant, text);
            match (dto.round_trip)(input.clone()) {
                Ok(written) => {
                    let mut diffs = Vec::new();
                    diff("$", &input, &written, &mut diffs);
                    problems.extend(diffs.into_iter().filter(|d| seen.insert(d.clone())));
                }
                Err(e) if seen.insert(e.clone()) => {
                    problems.push(format!("{e}\n      sample: {input}"))
                }
                Err(_) => {}
            }
        }
        if !problems.is_empty() {
            report.push(format!(
                "{} ({}):\n    {}",
                dto.rust,
                dto.target.describe(),
                problems.join("\n    ")
            ));
        }
    }
    assert!(
        report.is_empty(),
        "DTOs that differ from the model:\n{}",
        report.join("\n")
    );
}

#[test]
fn every_operation_has_its_dtos_and_no_more() {
    let dtos = all_dtos();
    let checked: BTreeSet<(&str, &str)> =
        dtos.iter().filter_map(|d| d.target.operation()).collect();
    let served: BTreeSet<&str> = api::OPERATIONS.iter().map(|(op, _, _)| *op).collect();
    let mut report = Vec::new();
    for &op in &served {
        for (what, target) in [
            ("Query", Target::Query(op)),
            ("Body", Target::Body(op)),
            ("Result", Target::Result(op)),
        ] {
            let modelled = !target.members().0.is_empty();
            match (modelled, checked.contains(&(what, op))) {
                (true, false) => report.push(format!(
                    "{op}: the model has {}, no {op}{what} is checked",
                    target.describe()
                )),
                (false, true) => report.push(format!(
                    "{op}: {op}{what} exists, the model has no {}",
                    target.describe()
                )),
                _ => {}
            }
        }
    }
    for (_, op) in checked.iter().filter(|(_, op)| !served.contains(op)) {
        report.push(format!("{op} has DTOs but is not in api::OPERATIONS"));
    }
    assert!(
        report.is_empty(),
        "operations and DTOs disagree:\n{}",
        report.join("\n")
    );
}

#[test]
fn operations_table_matches_the_model_routes() {
    let mut report = Vec::new();
    let mut seen_ops = BTreeSet::new();
    let mut seen_routes = BTreeMap::new();
    for &(op, method, path) in api::OPERATIONS {
        if !seen_ops.insert(op) {
            report.push(format!("{op}: listed twice"));
        }
        if let Some(other) = seen_routes.insert((method, path), op) {
            report.push(format!("{method} {path}: both {other} and {op}"));
        }
        match model()["operations"].get(op) {
            None => report.push(format!("{op}: not an operation of the model")),
            Some(o) => {
                let (m, p) = (
                    o["http"]["method"].as_str(),
                    o["http"]["requestUri"].as_str(),
                );
                if (m, p) != (Some(method), Some(path)) {
                    report.push(format!(
                        "{op}: table has {method} {path}, model has {} {}",
                        m.unwrap_or("?"),
                        p.unwrap_or("?")
                    ));
                }
            }
        }
    }
    assert!(
        report.is_empty(),
        "api::OPERATIONS differs from the model:\n{}",
        report.join("\n")
    );
}

#[test]
fn enums_have_exactly_the_model_values() {
    let checks = [
        ("DomainStatus", declared_names::<api::DomainStatus>()),
        (
            "ExternalConnectionStatus",
            declared_names::<api::ExternalConnectionStatus>(),
        ),
        ("AllowPublish", declared_names::<api::AllowPublish>()),
        ("AllowUpstream", declared_names::<api::AllowUpstream>()),
        ("PackageFormat", declared_names::<PackageFormat>()),
        (
            "PackageVersionStatus",
            declared_names::<PackageVersionStatus>(),
        ),
        (
            "PackageVersionOriginType",
            declared_names::<api::PackageVersionOriginType>(),
        ),
        (
            "PackageVersionErrorCode",
            declared_names::<api::PackageVersionErrorCode>(),
        ),
        (
            "PackageGroupOriginRestrictionType",
            declared_names::<wharf_core::groups::OriginRestrictionType>(),
        ),
        (
            "PackageGroupOriginRestrictionMode",
            declared_names::<wharf_core::groups::OriginRestrictionMode>(),
        ),
        (
            "PackageGroupAssociationType",
            declared_names::<wharf_core::groups::AssociationType>(),
        ),
        (
            "PackageGroupAllowedRepositoryUpdateType",
            declared_names::<api::AllowedRepositoryUpdateType>(),
        ),
    ];
    let mut report = Vec::new();
    for (name, declared) in checks {
        let model: BTreeSet<String> = shape(name)["enum"]
            .as_array()
            .expect("an enum")
            .iter()
            .map(|v| v.as_str().expect("a string").to_owned())
            .collect();
        if model != declared {
            report.push(format!("{name}: model {model:?}, Rust {declared:?}"));
        }
    }
    assert!(
        report.is_empty(),
        "enums differ from the model:\n{}",
        report.join("\n")
    );
}

#[test]
fn header_constants_match_the_model() {
    let headers = |structure: &str| -> BTreeSet<String> {
        members(structure, |m| location(m) == Some("header"), true)
            .into_keys()
            .collect()
    };
    let asset = io_shape("GetPackageVersionAsset", "output").expect("an output");
    let publish = io_shape("PublishPackageVersion", "input").expect("an input");
    let ours = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        headers(asset),
        ours(&[
            api::HEADER_ASSET_NAME,
            api::HEADER_PACKAGE_VERSION,
            api::HEADER_PACKAGE_VERSION_REVISION
        ])
    );
    assert_eq!(headers(publish), ours(&[api::HEADER_ASSET_SHA256]));
}
