//! Policy evaluation: combining identity policies and a resource policy into a decision.
//!
//! The rules (spec §7.3, standard IAM without SCPs, boundaries or session policies):
//!
//! 1. The **root of the account that owns the resource** is always allowed. Wharf has no way to
//!    recover from a root lock-out, so resource-policy Denies do not apply to it either.
//! 2. An **explicit Deny** that matches, in any identity policy or in the resource policy, wins.
//!    Identity policies are searched first, so that is the deny reported when both deny.
//! 3. Otherwise, in the **same account**, an Allow in an identity policy suffices, and so does an
//!    Allow in the resource policy whose `Principal` names the caller directly (`"*"` or the
//!    caller's ARN).
//! 4. **Across accounts** (the caller's account is not the resource owner), both sides must
//!    allow: an identity Allow (the root of the caller's account counts as allowed on its own
//!    side) **and** a resource-policy Allow whose `Principal` covers the caller, where naming the
//!    caller's account (`"123456789012"` or `arn:aws:iam::123456789012:root`) covers every
//!    principal of that account.
//! 5. Otherwise: implicit deny.
//!
//! As in IAM, a resource policy that names an *account* delegates to that account's own
//! identity policies: in the same account it does not by itself grant anything to the account's
//! users (they still need an identity Allow). Deny statements naming an account apply to every
//! principal of that account.
//!
//! The owner of a resource is the account field of its ARN; for a resource of `*` (ListDomains,
//! ListRepositories) it is the caller's own account.

use std::fmt;

use serde::Serialize;

use crate::actions::{PolicyScope, Requirement};
use crate::arn::{ArnError, IamArn, root_arn, user_arn};
use crate::document::{AwsPrincipal, Effect, PolicyDocument, PolicyKind, PrincipalSet};

/// The authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Principal {
    /// The caller's ARN, e.g. `arn:aws:iam::111122223333:user/bob` or `…:root`.
    pub arn: String,
    /// The caller's 12-digit account.
    pub account: String,
    /// Whether the caller is the account's root user.
    pub is_root: bool,
}

impl Principal {
    /// An IAM user `arn:aws:iam::{account}:user/{name}`.
    pub fn user(account: &str, name: &str) -> Self {
        Self {
            arn: user_arn(account, name),
            account: account.to_owned(),
            is_root: false,
        }
    }

    /// The root user `arn:aws:iam::{account}:root`.
    pub fn root(account: &str) -> Self {
        Self {
            arn: root_arn(account),
            account: account.to_owned(),
            is_root: true,
        }
    }

    /// From a principal ARN (root, user or other IAM/STS principal).
    pub fn from_arn(arn: &str) -> Result<Self, ArnError> {
        let parsed = IamArn::parse(arn)?;
        Ok(Self {
            arn: parsed.to_string(),
            account: parsed.account().to_owned(),
            is_root: matches!(parsed, IamArn::Root { .. }),
        })
    }
}

/// The outcome of evaluating one `(action, resource)` request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Decision {
    /// Allowed.
    Allow,
    /// No statement allowed it.
    ImplicitDeny,
    /// A Deny statement matched.
    ExplicitDeny {
        /// The Sid of the matching Deny statement, if it has one.
        sid: Option<String>,
        /// Whether the Deny came from an identity policy or the resource policy.
        source: PolicyKind,
    },
}

impl Decision {
    /// Whether this is [`Decision::Allow`].
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allow)
    }
}

/// How a resource-policy statement's `Principal` relates to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PrincipalMatch {
    None,
    /// Names the caller's account: delegates to the account.
    Account,
    /// `"*"` or the caller's exact ARN.
    Direct,
}

fn principal_match(set: Option<&PrincipalSet>, caller: &Principal) -> PrincipalMatch {
    match set {
        // Only identity-kind documents lack a Principal; used as a resource policy they name no one.
        None => PrincipalMatch::None,
        Some(PrincipalSet::Any) => PrincipalMatch::Direct,
        Some(PrincipalSet::Aws(entries)) => entries
            .iter()
            .map(|entry| match entry {
                AwsPrincipal::Arn(arn) if *arn == caller.arn => PrincipalMatch::Direct,
                AwsPrincipal::Account(account) if *account == caller.account => {
                    PrincipalMatch::Account
                }
                _ => PrincipalMatch::None,
            })
            .max()
            .unwrap_or(PrincipalMatch::None),
    }
}

/// Decides one request. `requirement` is `(action, resource)`; `resource_policy` is the policy of
/// the domain or repository that governs the resource (see [`PolicyScope`]), if it has one.
pub fn authorize(
    principal: &Principal,
    requirement: (&str, &str),
    identity_policies: &[PolicyDocument],
    resource_policy: Option<&PolicyDocument>,
) -> Decision {
    let (action, resource) = requirement;
    let owner = resource
        .split(':')
        .nth(4)
        .filter(|_| resource.starts_with("arn:"))
        .unwrap_or(&principal.account);
    let same_account = owner == principal.account;
    if principal.is_root && same_account {
        return Decision::Allow;
    }

    // The root user has no identity policies; its own side is implicitly allowed.
    let identity: &[PolicyDocument] = if principal.is_root {
        &[]
    } else {
        identity_policies
    };
    let identity_statements = identity
        .iter()
        .flat_map(|doc| &doc.statements)
        .filter(|st| st.covers(action, resource));
    let mut identity_allows = principal.is_root;
    for st in identity_statements {
        match st.effect {
            Effect::Deny => {
                return Decision::ExplicitDeny {
                    sid: st.sid.clone(),
                    source: PolicyKind::Identity,
                };
            }
            Effect::Allow => identity_allows = true,
        }
    }

    let mut resource_grant = PrincipalMatch::None;
    let resource_statements = resource_policy
        .into_iter()
        .flat_map(|doc| &doc.statements)
        .filter(|st| st.covers(action, resource));
    for st in resource_statements {
        let matched = principal_match(st.principal.as_ref(), principal);
        if matched == PrincipalMatch::None {
            continue;
        }
        match st.effect {
            Effect::Deny => {
                return Decision::ExplicitDeny {
                    sid: st.sid.clone(),
                    source: PolicyKind::Resource,
                };
            }
            Effect::Allow => resource_grant = resource_grant.max(matched),
        }
    }

    let allowed = if same_account {
        identity_allows || resource_grant == PrincipalMatch::Direct
    } else {
        identity_allows && resource_grant != PrincipalMatch::None
    };
    if allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

/// A refused request, displayed as AWS words an `AccessDeniedException` message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct Denial {
    /// The action that was refused, e.g. `codeartifact:CopyPackageVersions`.
    pub action: String,
    /// The resource it was refused on.
    pub resource: String,
    /// The caller's ARN.
    pub principal_arn: String,
    /// `Some(kind)` when an explicit Deny in that kind of policy refused it.
    pub explicit: Option<PolicyKind>,
    /// The Sid of the explicit Deny, if any.
    pub sid: Option<String>,
}

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "User: {} is not authorized to perform: {} on resource: {}",
            self.principal_arn, self.action, self.resource
        )?;
        match self.explicit {
            None => Ok(()),
            Some(PolicyKind::Identity) => {
                f.write_str(" with an explicit deny in an identity-based policy")
            }
            Some(PolicyKind::Resource) => {
                f.write_str(" with an explicit deny in a resource-based policy")
            }
        }
    }
}

/// Checks every requirement in order and reports the first one refused.
///
/// `resource_policy` returns the policy for a requirement's [`PolicyScope`] (the domain's, or the
/// named repository's), or `None` when there is none; it is not called for
/// [`PolicyScope::IdentityOnly`].
pub fn authorize_all<'p>(
    principal: &Principal,
    requirements: &[Requirement],
    identity_policies: &[PolicyDocument],
    mut resource_policy: impl FnMut(&PolicyScope) -> Option<&'p PolicyDocument>,
) -> Result<(), Denial> {
    for req in requirements {
        let policy = match &req.scope {
            PolicyScope::IdentityOnly => None,
            scope => resource_policy(scope),
        };
        let denial = |explicit, sid| Denial {
            action: req.action.clone(),
            resource: req.resource.clone(),
            principal_arn: principal.arn.clone(),
            explicit,
            sid,
        };
        match authorize(principal, req.as_pair(), identity_policies, policy) {
            Decision::Allow => {}
            Decision::ImplicitDeny => return Err(denial(None, None)),
            Decision::ExplicitDeny { sid, source } => return Err(denial(Some(source), sid)),
        }
    }
    Ok(())
}
