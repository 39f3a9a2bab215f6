//! Hash-based routes: every view has a deep link (`#/domains/D/repositories/R/packages`, ...).
//!
//! Parsing and formatting are pure so they are tested natively; the browser side
//! ([`current`], [`push`], [`replace`]) only reads and writes `location.hash`. Path segments
//! are percent-encoded; an empty namespace segment means "no namespace".

use crate::activity::ActivityFilter;
use crate::form::CopyForm;
use crate::promote::{HistoryFilter, PromoteForm};
use serde::{Deserialize, Serialize};

/// The ListPackages filters of the packages view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PackageFilter {
    /// Only this format.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub format: String,
    /// Only namespaces starting with this.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// Only names starting with this.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub prefix: String,
}

/// One package of one repository.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackageRef {
    /// The domain.
    pub domain: String,
    /// The repository.
    pub repository: String,
    /// The format.
    pub format: String,
    /// The namespace (empty when none).
    pub namespace: String,
    /// The package name.
    pub package: String,
}

/// Every view of the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `#/signin`.
    SignIn,
    /// `#/domains`.
    Domains,
    /// `#/domains/D/repositories`.
    Repositories {
        /// The domain.
        domain: String,
    },
    /// `#/domains/D/repositories/R/packages?format=&namespace=&prefix=`.
    Packages {
        /// The domain.
        domain: String,
        /// The repository.
        repository: String,
        /// The filters.
        filter: PackageFilter,
    },
    /// `#/domains/D/repositories/R/packages/FORMAT/NS/NAME`: the versions of a package.
    Versions(PackageRef),
    /// `.../packages/FORMAT/NS/NAME/versions/V`: one version's assets and details.
    Version(PackageRef, String),
    /// `#/domains/D/package-groups`: the domain's package groups.
    PackageGroups {
        /// The domain.
        domain: String,
    },
    /// `#/copy?domain=&source=&destination=&format=&namespace=&package=&versions=...`.
    Copy(CopyForm),
    /// `#/verify?...`: the same members as the copy form.
    Verify(CopyForm),
    /// `#/promote?domain=&source=&destDomain=&destination=&input=...`: promote a release.
    Promote(PromoteForm),
    /// `#/promotions?domain=&repository=`: the promotion history of a destination.
    Promotions(HistoryFilter),
    /// `#/promotions/ID`: one promotion's record.
    Promotion(String),
    /// `#/promotions/ID/revert`: the record with its revert's plan.
    PromotionRevert(String),
    /// `#/activity?from=&to=&principal=&event=&domain=&repository=&package=&version=`: the
    /// audit trail, newest first.
    Activity(ActivityFilter),
    /// Anything else (the text after `#`).
    NotFound(String),
}

impl Route {
    /// The browser tab's title for this view ("Copy acme/widget-lib · Wharf").
    pub fn title(&self) -> String {
        let pkg = |p: &PackageRef| {
            if p.namespace.is_empty() {
                p.package.clone()
            } else {
                format!("{}/{}", p.namespace, p.package)
            }
        };
        let what = match self {
            Route::SignIn => "Sign in".to_owned(),
            Route::Domains => "Domains".to_owned(),
            Route::Repositories { domain } => format!("Repositories in {domain}"),
            Route::PackageGroups { domain } => format!("Package groups in {domain}"),
            Route::Packages { repository, .. } => format!("Packages in {repository}"),
            Route::Versions(p) => format!("{} in {}", pkg(p), p.repository),
            Route::Version(p, v) => format!("{} {v}", pkg(p)),
            Route::Copy(f) if !f.package.trim().is_empty() => {
                format!("Copy {}", f.package.trim())
            }
            Route::Copy(_) => "Copy package versions".to_owned(),
            Route::Verify(_) => "Verify a copy".to_owned(),
            Route::Promote(_) => "Promote a release".to_owned(),
            Route::Promotions(f) if !f.domain.trim().is_empty() => {
                format!("Promotions into {}", f.domain.trim())
            }
            Route::Promotions(_) => "Promotions".to_owned(),
            Route::Promotion(id) => format!("Promotion {id}"),
            Route::PromotionRevert(id) => format!("Revert promotion {id}"),
            Route::Activity(f) if !f.version.trim().is_empty() => {
                format!("History of {} {}", f.package.trim(), f.version.trim())
            }
            Route::Activity(_) => "Activity".to_owned(),
            Route::NotFound(_) => "Nothing here".to_owned(),
        };
        format!("{what} · Wharf")
    }
}

/// Percent-encodes one path segment (everything but unreserved characters).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes a percent-encoded path segment; invalid escapes are kept as typed.
pub fn decode_segment(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query<T: Serialize>(params: &T) -> String {
    let q = serde_urlencoded::to_string(params).unwrap_or_default();
    if q.is_empty() { q } else { format!("?{q}") }
}

impl PackageRef {
    fn path(&self) -> String {
        format!(
            "#/domains/{}/repositories/{}/packages/{}/{}/{}",
            encode_segment(&self.domain),
            encode_segment(&self.repository),
            encode_segment(&self.format),
            encode_segment(&self.namespace),
            encode_segment(&self.package)
        )
    }
}

impl Route {
    /// The `#...` link of this view.
    pub fn to_hash(&self) -> String {
        match self {
            Route::SignIn => "#/signin".to_owned(),
            Route::Domains => "#/domains".to_owned(),
            Route::Repositories { domain } => {
                format!("#/domains/{}/repositories", encode_segment(domain))
            }
            Route::PackageGroups { domain } => {
                format!("#/domains/{}/package-groups", encode_segment(domain))
            }
            Route::Packages {
                domain,
                repository,
                filter,
            } => format!(
                "#/domains/{}/repositories/{}/packages{}",
                encode_segment(domain),
                encode_segment(repository),
                query(filter)
            ),
            Route::Versions(p) => p.path(),
            Route::Version(p, v) => format!("{}/versions/{}", p.path(), encode_segment(v)),
            Route::Copy(form) => format!("#/copy{}", query(form)),
            Route::Verify(form) => format!("#/verify{}", query(form)),
            Route::Promote(form) => format!("#/promote{}", query(form)),
            Route::Promotions(filter) => format!("#/promotions{}", query(filter)),
            Route::Promotion(id) => format!("#/promotions/{}", encode_segment(id)),
            Route::PromotionRevert(id) => format!("#/promotions/{}/revert", encode_segment(id)),
            Route::Activity(filter) => format!("#/activity{}", query(filter)),
            Route::NotFound(raw) => format!("#{raw}"),
        }
    }

    /// Parses `location.hash` (with or without the leading `#`). An empty hash is the
    /// domains view.
    pub fn parse(hash: &str) -> Route {
        let raw = hash.strip_prefix('#').unwrap_or(hash);
        let (path, q) = raw.split_once('?').unwrap_or((raw, ""));
        let segs: Vec<String> = path
            .trim_start_matches('/')
            .split('/')
            .map(decode_segment)
            .collect();
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let not_found = || Route::NotFound(raw.to_owned());
        let pkg = |d: &str, r: &str, f: &str, n: &str, p: &str| PackageRef {
            domain: d.to_owned(),
            repository: r.to_owned(),
            format: f.to_owned(),
            namespace: n.to_owned(),
            package: p.to_owned(),
        };
        match segs.as_slice() {
            [""] | ["domains"] => Route::Domains,
            ["signin"] => Route::SignIn,
            ["copy"] => serde_urlencoded::from_str(q).map_or_else(|_| not_found(), Route::Copy),
            ["verify"] => serde_urlencoded::from_str(q).map_or_else(|_| not_found(), Route::Verify),
            ["promote"] => {
                serde_urlencoded::from_str(q).map_or_else(|_| not_found(), Route::Promote)
            }
            ["promotions"] => {
                serde_urlencoded::from_str(q).map_or_else(|_| not_found(), Route::Promotions)
            }
            ["activity"] => {
                serde_urlencoded::from_str(q).map_or_else(|_| not_found(), Route::Activity)
            }
            ["promotions", id] if !id.is_empty() => Route::Promotion((*id).to_owned()),
            ["promotions", id, "revert"] if !id.is_empty() => {
                Route::PromotionRevert((*id).to_owned())
            }
            ["domains", d] | ["domains", d, "repositories"] if !d.is_empty() => {
                Route::Repositories {
                    domain: (*d).to_owned(),
                }
            }
            ["domains", d, "package-groups"] if !d.is_empty() => Route::PackageGroups {
                domain: (*d).to_owned(),
            },
            ["domains", d, "repositories", r] | ["domains", d, "repositories", r, "packages"] => {
                match serde_urlencoded::from_str(q) {
                    Ok(filter) => Route::Packages {
                        domain: (*d).to_owned(),
                        repository: (*r).to_owned(),
                        filter,
                    },
                    Err(_) => not_found(),
                }
            }
            ["domains", d, "repositories", r, "packages", f, n, p] if !p.is_empty() => {
                Route::Versions(pkg(d, r, f, n, p))
            }
            [
                "domains",
                d,
                "repositories",
                r,
                "packages",
                f,
                n,
                p,
                "versions",
                v,
            ] if !p.is_empty() && !v.is_empty() => {
                Route::Version(pkg(d, r, f, n, p), (*v).to_owned())
            }
            _ => not_found(),
        }
    }

    /// Whether this view needs a signed-in session.
    pub fn needs_session(&self) -> bool {
        !matches!(self, Route::SignIn)
    }
}

/// What a sign-in link carries: `#/signin?token=TOKEN&endpoint=URL` (`wharf serve --demo`
/// prints one). Both are optional; empty means "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct SignInLink {
    /// A bearer token to sign in with.
    pub token: String,
    /// The endpoint to sign in to (the page's origin when empty).
    pub endpoint: String,
}

impl SignInLink {
    /// The token and endpoint of a `#/signin?...` hash; `None` for any other view or a link
    /// without a token.
    pub fn parse(hash: &str) -> Option<SignInLink> {
        let raw = hash.strip_prefix('#').unwrap_or(hash);
        let (path, q) = raw.split_once('?')?;
        if path.trim_start_matches('/') != "signin" {
            return None;
        }
        let link: SignInLink = serde_urlencoded::from_str(q).ok()?;
        let link = SignInLink {
            token: link.token.trim().to_owned(),
            endpoint: link.endpoint.trim().trim_end_matches('/').to_owned(),
        };
        (!link.token.is_empty()).then_some(link)
    }

    /// The sign-in link in the address bar, if there is one.
    pub fn current() -> Option<SignInLink> {
        SignInLink::parse(&location_hash())
    }
}

/// The view `location.hash` names now.
pub fn current() -> Route {
    Route::parse(&location_hash())
}

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Goes to `route`, adding a history entry (the `hashchange` listener updates the store).
pub fn push(route: &Route) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&route.to_hash());
    }
}

/// What a plan link adds to a `#/copy?...` link: the console plans the form as it opens, so
/// the link restores the plan and not only the form.
pub const PLAN_MARKER: &str = "plan=1";

/// Whether `hash` is a copy link carrying [`PLAN_MARKER`].
pub fn has_plan_marker(hash: &str) -> bool {
    let raw = hash.strip_prefix('#').unwrap_or(hash);
    raw.split_once('?').is_some_and(|(path, q)| {
        path.trim_start_matches('/') == "copy" && q.split('&').any(|p| p == PLAN_MARKER)
    })
}

/// The link of `route`, with [`PLAN_MARKER`] when it is a copy view whose plan is shown.
pub fn link_with_plan(route: &Route, planned: bool) -> String {
    let hash = route.to_hash();
    match route {
        Route::Copy(_) if planned => {
            let sep = if hash.contains('?') { '&' } else { '?' };
            format!("{hash}{sep}{PLAN_MARKER}")
        }
        _ => hash,
    }
}

/// Whether the address bar holds a plan link.
pub fn plan_requested() -> bool {
    has_plan_marker(&location_hash())
}

/// Rewrites the address bar to `route` without a history entry or a `hashchange` event.
pub fn replace(route: &Route) {
    replace_hash(route.to_hash());
}

/// Rewrites the address bar to `hash` without a history entry or a `hashchange` event.
pub fn replace_hash(hash: String) {
    if location_hash() == hash {
        return;
    }
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash));
    }
}

#[cfg(test)]
mod tests;
