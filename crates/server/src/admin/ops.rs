//! The admin operations: one [`AdminOp`] per thing `wharf admin` can do, checked and run on the
//! store by [`execute`]. `wharf admin --data-dir` calls [`execute`] directly; the admin HTTP API
//! (`super::service`), which `wharf admin --endpoint-url` calls, calls it too. So both paths
//! refuse the same input with the same `ValidationException` and print the same JSON.

use crate::error::ApiError;
use crate::params::Checks;
use crate::store::MetadataStore;
use serde_json::{Value, json};
use wharf_core::error::FieldError;
use wharf_policy::{PolicyDocument, Principal};

/// The characters IAM allows in user and policy names (`[\w+=,.@-]+`, ASCII).
const NAME_PATTERN: &str = r"[\w+=,.@-]+";

/// One admin operation with its input, however it arrived (command line or HTTP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminOp {
    /// Creates a user, with no keys and no policies (it can do nothing yet).
    CreateUser {
        /// The user name.
        user: String,
    },
    /// Deletes a user with its keys and policies; its tokens stop working.
    DeleteUser {
        /// The user name.
        user: String,
    },
    /// Lists users with their keys (secrets hidden) and policy names.
    ListUsers,
    /// Creates an access key pair for a user; the secret is returned only now.
    CreateAccessKey {
        /// The user name.
        user: String,
    },
    /// Revokes an access key and every token it issued.
    RevokeAccessKey {
        /// The access key id.
        access_key_id: String,
    },
    /// Attaches (or replaces) an identity policy.
    PutUserPolicy {
        /// The user name.
        user: String,
        /// The policy's name for this user.
        policy: String,
        /// The JSON document, as submitted.
        document: String,
    },
    /// Detaches an identity policy.
    DeleteUserPolicy {
        /// The user name.
        user: String,
        /// The policy's name.
        policy: String,
    },
    /// A user's identity policies with their documents.
    ListUserPolicies {
        /// The user name.
        user: String,
    },
}

impl AdminOp {
    /// The operation's name (`CreateUser`, …), as the admin API's route table and its
    /// `AccessDeniedException` messages name it.
    pub fn name(&self) -> &'static str {
        match self {
            AdminOp::CreateUser { .. } => "CreateUser",
            AdminOp::DeleteUser { .. } => "DeleteUser",
            AdminOp::ListUsers => "ListUsers",
            AdminOp::CreateAccessKey { .. } => "CreateAccessKey",
            AdminOp::RevokeAccessKey { .. } => "RevokeAccessKey",
            AdminOp::PutUserPolicy { .. } => "PutUserPolicy",
            AdminOp::DeleteUserPolicy { .. } => "DeleteUserPolicy",
            AdminOp::ListUserPolicies { .. } => "ListUserPolicies",
        }
    }

    /// Checks every member at once: names in IAM's alphabet and lengths, key ids, and the policy
    /// document (parsed as an identity policy). `Err` is one `ValidationException` listing
    /// every violation.
    pub fn validate(&self) -> Result<(), ApiError> {
        let mut c = Checks::default();
        match self {
            AdminOp::ListUsers => {}
            AdminOp::CreateUser { user }
            | AdminOp::DeleteUser { user }
            | AdminOp::CreateAccessKey { user }
            | AdminOp::ListUserPolicies { user } => check_name(&mut c, "user", user, 64),
            AdminOp::RevokeAccessKey { access_key_id } => check_key_id(&mut c, access_key_id),
            AdminOp::DeleteUserPolicy { user, policy } => {
                check_name(&mut c, "user", user, 64);
                check_name(&mut c, "policy", policy, 128);
            }
            AdminOp::PutUserPolicy {
                user,
                policy,
                document,
            } => {
                check_name(&mut c, "user", user, 64);
                check_name(&mut c, "policy", policy, 128);
                if let Err(e) = PolicyDocument::parse_identity(document) {
                    c.push(FieldError::rule("policyDocument", e.to_string()));
                }
            }
        }
        c.finish()
    }
}

fn check_name(c: &mut Checks, field: &str, value: &str, max: usize) {
    let ok = !value.is_empty()
        && value.len() <= max
        && value
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || "+=,.@_-".contains(ch));
    if !ok {
        c.push(FieldError::constraint(
            field,
            value,
            &format!("have length between 1 and {max} and satisfy regular expression pattern: {NAME_PATTERN}"),
        ));
    }
}

fn check_key_id(c: &mut Checks, value: &str) {
    let ok = (16..=128).contains(&value.len())
        && value
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_');
    if !ok {
        c.push(FieldError::constraint(
            "accessKeyId",
            value,
            r"have length between 16 and 128 and satisfy regular expression pattern: [\w]+",
        ));
    }
}

pub use crate::auth::generate_key_pair;

/// Checks `op` ([`AdminOp::validate`]; nothing is written when it fails), runs it on `store`
/// and returns its JSON result. `account` is the account in the users' ARNs.
pub async fn execute(
    store: &dyn MetadataStore,
    account: &str,
    op: AdminOp,
) -> Result<Value, ApiError> {
    op.validate()?;
    let arn = |user: &str| Principal::user(account, user).arn;
    Ok(match op {
        AdminOp::CreateUser { user } => {
            let user = store.create_user(&user).await?;
            json!({"user": {"userName": user.name, "arn": arn(&user.name),
                            "createDate": user.created_time}})
        }
        AdminOp::DeleteUser { user } => {
            store.delete_user(&user).await?;
            json!({ "deleted": user })
        }
        AdminOp::ListUsers => {
            let mut users = Vec::new();
            for user in store.users().await? {
                let keys: Vec<Value> = store
                    .access_keys(&user.name)
                    .await?
                    .into_iter()
                    .map(|k| {
                        json!({"accessKeyId": k.id, "createDate": k.created_time,
                               "status": if k.revoked_time.is_some() { "Revoked" } else { "Active" }})
                    })
                    .collect();
                let policies: Vec<String> = store
                    .user_policies(&user.name)
                    .await?
                    .into_iter()
                    .map(|p| p.name)
                    .collect();
                users.push(json!({"userName": user.name, "arn": arn(&user.name),
                                  "createDate": user.created_time, "accessKeys": keys,
                                  "policies": policies}));
            }
            json!({ "users": users })
        }
        AdminOp::CreateAccessKey { user } => {
            let (id, secret) = generate_key_pair();
            let key = store.create_access_key(&user, &id, &secret).await?;
            json!({"accessKey": {"userName": key.user, "accessKeyId": key.id,
                                 "secretAccessKey": secret, "status": "Active",
                                 "createDate": key.created_time}})
        }
        AdminOp::RevokeAccessKey { access_key_id } => {
            store.revoke_access_key(&access_key_id).await?;
            json!({ "revoked": access_key_id })
        }
        AdminOp::PutUserPolicy {
            user,
            policy,
            document,
        } => {
            let p = store.put_user_policy(&user, &policy, &document).await?;
            json!({"userName": user, "policyName": p.name, "revision": p.revision})
        }
        AdminOp::DeleteUserPolicy { user, policy } => {
            store.delete_user_policy(&user, &policy).await?;
            json!({"userName": user, "detached": policy})
        }
        AdminOp::ListUserPolicies { user } => {
            let policies: Vec<Value> = store
                .user_policies(&user)
                .await?
                .into_iter()
                .map(|p| {
                    let document: Value =
                        serde_json::from_str(&p.document).unwrap_or(Value::String(p.document));
                    json!({"policyName": p.name, "revision": p.revision, "document": document})
                })
                .collect();
            json!({"userName": user, "policies": policies})
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(op: AdminOp) -> String {
        op.validate().expect_err("invalid").to_string()
    }

    #[test]
    fn names_keys_and_documents_are_checked_all_at_once() {
        let ok = AdminOp::PutUserPolicy {
            user: "promoter+ci@example.com".into(),
            policy: "promote".into(),
            document: r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
                "Action": "codeartifact:List*", "Resource": "*"}}"#
                .into(),
        };
        ok.validate().expect("valid");
        let m = message(AdminOp::PutUserPolicy {
            user: "has space".into(),
            policy: "p".repeat(129),
            document: "{}".into(),
        });
        assert!(m.starts_with("3 validation errors detected: "), "{m}");
        assert!(m.contains("Value 'has space' at 'user' failed to satisfy constraint"));
        assert!(m.contains(
            "at 'policy' failed to satisfy constraint: Member must have length between 1 and 128"
        ));
        assert!(m.contains("Policy document"), "{m}");
        assert!(
            message(AdminOp::CreateUser {
                user: String::new()
            })
            .contains("at 'user'")
        );
        assert!(
            message(AdminOp::CreateUser {
                user: "u".repeat(65)
            })
            .contains("between 1 and 64")
        );
        assert!(
            message(AdminOp::RevokeAccessKey {
                access_key_id: "AKIA/../x".into()
            })
            .contains("at 'accessKeyId'")
        );
        AdminOp::RevokeAccessKey {
            access_key_id: generate_key_pair().0,
        }
        .validate()
        .expect("a generated key id is valid");
    }

    #[test]
    fn generated_key_pairs_have_aws_shapes() {
        let (id, secret) = generate_key_pair();
        assert!(id.starts_with("AKIA") && id.len() == 20, "{id}");
        assert_eq!(secret.len(), 40);
        assert_ne!(generate_key_pair().0, id);
    }
}
