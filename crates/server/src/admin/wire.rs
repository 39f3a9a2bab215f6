//! The admin API's wire form, both ways: [`request_of`] turns an [`AdminOp`] into the HTTP
//! request `wharf admin --endpoint-url` sends, and [`op_of`] turns a received request back into
//! the [`AdminOp`] the service runs. Both read [`ADMIN_OPERATIONS`], so client and service
//! cannot disagree on a path.
//!
//! Conventions follow CodeArtifact's: identifiers travel in the query string (`user`,
//! `policy`, `access-key-id`), the one document in a JSON body (`{"policyDocument": "…"}`,
//! the text stored as sent), responses are JSON and errors are CodeArtifact's error JSON.

use super::ops::AdminOp;
use crate::error::ApiError;
use wharf_core::ValidationErrors;
use wharf_core::error::FieldError;

/// Where the admin API lives; nothing of CodeArtifact's is under it.
pub const ADMIN_PREFIX: &str = "/wharf/admin/";

/// Every admin operation: name, HTTP method and path.
pub const ADMIN_OPERATIONS: &[(&str, &str, &str)] = &[
    ("CreateUser", "POST", "/wharf/admin/user"),
    ("DeleteUser", "DELETE", "/wharf/admin/user"),
    ("ListUsers", "GET", "/wharf/admin/users"),
    ("CreateAccessKey", "POST", "/wharf/admin/key"),
    ("RevokeAccessKey", "POST", "/wharf/admin/key/revoke"),
    ("PutUserPolicy", "PUT", "/wharf/admin/policy"),
    ("DeleteUserPolicy", "DELETE", "/wharf/admin/policy"),
    ("ListUserPolicies", "GET", "/wharf/admin/policies"),
];

/// An admin request as sent: method, path, query string (form-encoded) and body (empty or JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminRequest {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The path, from [`ADMIN_OPERATIONS`].
    pub path: &'static str,
    /// The query string, without `?` (empty when the operation has no identifiers).
    pub query: String,
    /// The body: empty, or a JSON object.
    pub body: Vec<u8>,
}

/// The name of the operation a method and path call, if any.
pub fn operation_name(method: &str, path: &str) -> Option<&'static str> {
    ADMIN_OPERATIONS
        .iter()
        .find(|(_, m, p)| *m == method && *p == path)
        .map(|(name, _, _)| *name)
}

/// The HTTP request that asks the service for `op`.
pub fn request_of(op: &AdminOp) -> AdminRequest {
    let (_, method, path) = ADMIN_OPERATIONS
        .iter()
        .find(|(name, _, _)| *name == op.name())
        .copied()
        .expect("every AdminOp has a route");
    let mut query = form_urlencoded::Serializer::new(String::new());
    let mut body = Vec::new();
    match op {
        AdminOp::ListUsers => {}
        AdminOp::CreateUser { user }
        | AdminOp::DeleteUser { user }
        | AdminOp::CreateAccessKey { user }
        | AdminOp::ListUserPolicies { user } => {
            query.append_pair("user", user);
        }
        AdminOp::RevokeAccessKey { access_key_id } => {
            query.append_pair("access-key-id", access_key_id);
        }
        AdminOp::DeleteUserPolicy { user, policy } => {
            query
                .append_pair("user", user)
                .append_pair("policy", policy);
        }
        AdminOp::PutUserPolicy {
            user,
            policy,
            document,
        } => {
            query
                .append_pair("user", user)
                .append_pair("policy", policy);
            body = serde_json::to_vec(&serde_json::json!({ "policyDocument": document }))
                .expect("a JSON string serialises");
        }
    }
    AdminRequest {
        method,
        path,
        query: query.finish(),
        body,
    }
}

/// The query members of the admin API.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct AdminQuery {
    user: Option<String>,
    policy: Option<String>,
    #[serde(rename = "access-key-id")]
    access_key_id: Option<String>,
}

/// The body of `PutUserPolicy`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PolicyBody {
    policy_document: Option<String>,
}

/// The operation a received request asks for: `UnknownOperationException` for a method and
/// path that is none, `ValidationException` for a missing, unknown or repeated member or a body
/// that is not the expected JSON. The members' values are checked later, by
/// [`AdminOp::validate`].
pub fn op_of(method: &str, path: &str, query: &str, body: &[u8]) -> Result<AdminOp, ApiError> {
    let name = operation_name(method, path).ok_or_else(|| {
        ApiError::UnknownOperation("No admin operation matches this method and path".into())
    })?;
    let q: AdminQuery = serde_urlencoded::from_str(query)
        .map_err(|e| ApiError::validation(format!("Invalid query string: {e}")))?;
    let mut missing = Vec::new();
    let mut take = |value: Option<String>, field: &str| {
        value.unwrap_or_else(|| {
            missing.push(FieldError::missing(field));
            String::new()
        })
    };
    let op = match name {
        "CreateUser" => AdminOp::CreateUser {
            user: take(q.user, "user"),
        },
        "DeleteUser" => AdminOp::DeleteUser {
            user: take(q.user, "user"),
        },
        "ListUsers" => AdminOp::ListUsers,
        "CreateAccessKey" => AdminOp::CreateAccessKey {
            user: take(q.user, "user"),
        },
        "RevokeAccessKey" => AdminOp::RevokeAccessKey {
            access_key_id: take(q.access_key_id, "access-key-id"),
        },
        "PutUserPolicy" => {
            let b: PolicyBody = if body.iter().all(u8::is_ascii_whitespace) {
                PolicyBody::default()
            } else {
                let unparsable = |e: serde_json::Error| ApiError::Validation {
                    message: format!("Could not parse request body into json: {e}"),
                    reason: "CANNOT_PARSE",
                };
                // Parsed once: the audit record's parameters come from this value.
                let value: serde_json::Value = serde_json::from_slice(body).map_err(unparsable)?;
                crate::audit::note_body(&value, body.len());
                serde_json::from_value(value).map_err(unparsable)?
            };
            AdminOp::PutUserPolicy {
                user: take(q.user, "user"),
                policy: take(q.policy, "policy"),
                document: take(b.policy_document, "policyDocument"),
            }
        }
        "DeleteUserPolicy" => AdminOp::DeleteUserPolicy {
            user: take(q.user, "user"),
            policy: take(q.policy, "policy"),
        },
        "ListUserPolicies" => AdminOp::ListUserPolicies {
            user: take(q.user, "user"),
        },
        other => unreachable!("{other} is in ADMIN_OPERATIONS but has no parser"),
    };
    if missing.is_empty() {
        Ok(op)
    } else {
        Err(ValidationErrors { errors: missing }.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_op() -> Vec<AdminOp> {
        let user = || "ci+promoter@example.com".to_owned();
        vec![
            AdminOp::CreateUser { user: user() },
            AdminOp::DeleteUser { user: user() },
            AdminOp::ListUsers,
            AdminOp::CreateAccessKey { user: user() },
            AdminOp::RevokeAccessKey {
                access_key_id: "AKIAABCDEFGHIJKLMNOP".into(),
            },
            AdminOp::PutUserPolicy {
                user: user(),
                policy: "a=b,c".into(),
                document: "{\n  \"Version\": \"2012-10-17\" }".into(),
            },
            AdminOp::DeleteUserPolicy {
                user: user(),
                policy: "p".into(),
            },
            AdminOp::ListUserPolicies { user: user() },
        ]
    }

    #[test]
    fn every_operation_survives_the_round_trip() {
        let ops = every_op();
        assert_eq!(ops.len(), ADMIN_OPERATIONS.len());
        for op in ops {
            let r = request_of(&op);
            assert!(r.path.starts_with(ADMIN_PREFIX));
            assert_eq!(operation_name(r.method, r.path), Some(op.name()));
            assert_eq!(op_of(r.method, r.path, &r.query, &r.body).unwrap(), op);
        }
    }

    #[test]
    fn a_plus_in_a_name_is_sent_encoded() {
        let r = request_of(&AdminOp::CreateUser { user: "a+b".into() });
        assert_eq!(r.query, "user=a%2Bb");
    }

    #[test]
    fn missing_unknown_and_unparsable_members_are_validation_errors() {
        let err = |method, path, query, body: &[u8]| {
            op_of(method, path, query, body)
                .expect_err("refused")
                .to_string()
        };
        let m = err("PUT", "/wharf/admin/policy", "", b"");
        assert!(m.starts_with("3 validation errors detected"), "{m}");
        assert!(m.contains("Value 'null' at 'policyDocument'"), "{m}");
        assert!(err("POST", "/wharf/admin/user", "name=x", b"").contains("unknown field"));
        assert!(err("PUT", "/wharf/admin/policy", "user=u&policy=p", b"{").contains("json"));
        assert!(matches!(
            op_of("PATCH", "/wharf/admin/user", "user=u", b""),
            Err(ApiError::UnknownOperation(_))
        ));
    }
}
