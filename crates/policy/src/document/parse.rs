//! Turns a JSON value into a [`PolicyDocument`], validating as it goes.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{
    AwsPrincipal, DocumentProblem, Effect, PatternSet, PolicyDocument, PolicyError, PolicyKind,
    PolicyVersion, PrincipalSet, Statement, StatementProblem, StatementRef,
};
use crate::arn::{IamArn, is_account_id};

const STATEMENT_ELEMENTS: &[&str] = &[
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
];

/// Validates a whole document.
pub(super) fn document(value: &Value, kind: PolicyKind) -> Result<PolicyDocument, PolicyError> {
    let doc_err = |p| Err(PolicyError::Document(p));
    let Some(obj) = value.as_object() else {
        return doc_err(DocumentProblem::NotAnObject);
    };
    if let Some(key) = obj
        .keys()
        .find(|k| !matches!(k.as_str(), "Version" | "Id" | "Statement"))
    {
        return doc_err(DocumentProblem::UnknownElement(key.clone()));
    }
    let version = match obj.get("Version") {
        None => None,
        Some(Value::String(v)) if v == "2012-10-17" => Some(PolicyVersion::V2012_10_17),
        Some(Value::String(v)) if v == "2008-10-17" => Some(PolicyVersion::V2008_10_17),
        Some(other) => return doc_err(DocumentProblem::BadVersion(other.to_string())),
    };
    let id = match obj.get("Id") {
        None => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(_) => return doc_err(DocumentProblem::BadId),
    };
    let raw: Vec<&Value> = match obj.get("Statement") {
        None => return doc_err(DocumentProblem::MissingStatement),
        Some(Value::Array(items)) if items.is_empty() => {
            return doc_err(DocumentProblem::EmptyStatement);
        }
        Some(Value::Array(items)) => items.iter().collect(),
        Some(single @ Value::Object(_)) => vec![single],
        Some(_) => return doc_err(DocumentProblem::BadStatement),
    };
    let variables_are_special = version == Some(PolicyVersion::V2012_10_17);
    let mut sids = HashSet::new();
    let mut statements = Vec::with_capacity(raw.len());
    for (index, value) in raw.into_iter().enumerate() {
        let st = statement(value, index, kind, variables_are_special)?;
        if let Some(sid) = &st.sid
            && !sids.insert(sid.clone())
        {
            return doc_err(DocumentProblem::DuplicateSid(sid.clone()));
        }
        statements.push(st);
    }
    Ok(PolicyDocument {
        kind,
        version,
        id,
        statements,
    })
}

fn statement(
    value: &Value,
    index: usize,
    kind: PolicyKind,
    variables_are_special: bool,
) -> Result<Statement, PolicyError> {
    let sid = value.get("Sid").and_then(Value::as_str).map(str::to_owned);
    let at = StatementRef {
        index,
        sid: sid.clone(),
    };
    let fail = |problem| {
        Err(PolicyError::Statement {
            at: at.clone(),
            problem,
        })
    };
    let Some(obj) = value.as_object() else {
        return fail(StatementProblem::NotAnObject);
    };
    // Unsupported elements first: a Condition must never be silently dropped.
    for key in obj.keys() {
        if key.eq_ignore_ascii_case("Condition") {
            return fail(StatementProblem::ConditionNotSupported);
        }
        if key.eq_ignore_ascii_case("NotPrincipal") {
            return fail(StatementProblem::NotPrincipalNotSupported);
        }
        if !STATEMENT_ELEMENTS.contains(&key.as_str()) {
            return fail(StatementProblem::UnknownElement(key.clone()));
        }
    }
    if obj.get("Sid").is_some_and(|s| !s.is_string()) {
        return fail(StatementProblem::BadSid);
    }
    let effect = match obj.get("Effect") {
        None => return fail(StatementProblem::MissingEffect),
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(other) => return fail(StatementProblem::BadEffect(other.to_string())),
    };
    let actions = pair(obj, "Action", "NotAction").map_err(|p| stmt_err(&at, p))?;
    for (element, value) in element_values(obj, "Action", "NotAction", &actions) {
        let valid = value == "*"
            || value.split_once(':').is_some_and(|(service, name)| {
                !service.is_empty()
                    && !name.is_empty()
                    && !name.contains(':')
                    && !value.chars().any(char::is_whitespace)
            });
        if !valid {
            return fail(StatementProblem::BadAction {
                element,
                value: value.to_owned(),
            });
        }
        if variables_are_special && value.contains("${") {
            return fail(StatementProblem::PolicyVariable {
                element,
                value: value.to_owned(),
            });
        }
    }
    let resources = pair(obj, "Resource", "NotResource").map_err(|p| stmt_err(&at, p))?;
    for (element, value) in element_values(obj, "Resource", "NotResource", &resources) {
        if value != "*" && !value.starts_with("arn:") {
            return fail(StatementProblem::BadResource {
                element,
                value: value.to_owned(),
            });
        }
        if variables_are_special && value.contains("${") {
            return fail(StatementProblem::PolicyVariable {
                element,
                value: value.to_owned(),
            });
        }
    }
    let principal = match (kind, obj.get("Principal")) {
        (PolicyKind::Identity, None) => None,
        (PolicyKind::Identity, Some(_)) => return fail(StatementProblem::PrincipalNotAllowed),
        (PolicyKind::Resource, None) => return fail(StatementProblem::PrincipalRequired),
        (PolicyKind::Resource, Some(p)) => Some(principal(p).map_err(|p| stmt_err(&at, p))?),
    };
    Ok(Statement {
        sid,
        effect,
        actions,
        resources,
        principal,
    })
}

fn stmt_err(at: &StatementRef, problem: StatementProblem) -> PolicyError {
    PolicyError::Statement {
        at: at.clone(),
        problem,
    }
}

/// Reads exactly one of `positive`/`negative` (e.g. `Action`/`NotAction`).
fn pair(
    obj: &Map<String, Value>,
    positive: &'static str,
    negative: &'static str,
) -> Result<PatternSet, StatementProblem> {
    match (obj.get(positive), obj.get(negative)) {
        (Some(_), Some(_)) => Err(StatementProblem::Both(positive)),
        (None, None) => Err(StatementProblem::Missing(positive)),
        (Some(v), None) => Ok(PatternSet::Only(string_list(v, positive)?)),
        (None, Some(v)) => Ok(PatternSet::AllExcept(string_list(v, negative)?)),
    }
}

/// The values of a parsed pair, each labelled with the element it came from.
fn element_values<'a>(
    obj: &Map<String, Value>,
    positive: &'static str,
    negative: &'static str,
    set: &'a PatternSet,
) -> impl Iterator<Item = (&'static str, &'a str)> {
    let (element, values) = match set {
        PatternSet::Only(v) => (positive, v),
        PatternSet::AllExcept(v) => (negative, v),
    };
    debug_assert!(obj.contains_key(element));
    values.iter().map(move |v| (element, v.as_str()))
}

/// A string or a non-empty array of strings.
fn string_list(value: &Value, element: &'static str) -> Result<Vec<String>, StatementProblem> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or(StatementProblem::BadList(element)),
        _ => Err(StatementProblem::BadList(element)),
    }
}

fn principal(value: &Value) -> Result<PrincipalSet, StatementProblem> {
    let obj = match value {
        Value::String(s) if s == "*" => return Ok(PrincipalSet::Any),
        Value::Object(obj) if !obj.is_empty() => obj,
        other => return Err(StatementProblem::InvalidPrincipal(other.to_string())),
    };
    if let Some(key) = obj.keys().find(|k| k.as_str() != "AWS") {
        return Err(StatementProblem::UnsupportedPrincipalType(key.clone()));
    }
    let entries = string_list(&obj["AWS"], "Principal AWS")?;
    let mut out = Vec::with_capacity(entries.len());
    let mut any = false;
    for entry in entries {
        if entry == "*" {
            any = true;
            continue;
        }
        if is_account_id(&entry) {
            out.push(AwsPrincipal::Account(entry));
            continue;
        }
        match IamArn::parse(&entry) {
            Ok(IamArn::Root { account }) => out.push(AwsPrincipal::Account(account)),
            Ok(IamArn::User { .. } | IamArn::Other { .. }) if !entry.contains('*') => {
                out.push(AwsPrincipal::Arn(entry));
            }
            _ => return Err(StatementProblem::InvalidPrincipal(entry)),
        }
    }
    Ok(if any {
        PrincipalSet::Any
    } else {
        PrincipalSet::Aws(out)
    })
}
