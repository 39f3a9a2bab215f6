//! Which npm operation a request under `/npm/DOMAIN/REPO/` is, from its method and the rest of
//! its path (still percent-encoded, as received). The server matches one catch-all route and
//! dispatches on [`NpmRoute`].

use crate::error::{NpmError, Result};
use crate::name::{NpmName, percent_decode};
use crate::packument::{TarballRef, parse_tarball_path};

/// An npm request, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NpmRoute {
    /// `GET|HEAD /{name}`: the packument (full or abbreviated by `Accept`).
    Packument(NpmName),
    /// `PUT /{name}`: a publish or a deprecation ([`crate::publish::put_kind`]).
    PutPackage(NpmName),
    /// `GET|HEAD /{name}/-/{bare}-{version}.tgz`: a tarball.
    Tarball(TarballRef),
    /// `GET /-/package/{name}/dist-tags`: `npm dist-tag ls`.
    DistTags(NpmName),
    /// `PUT|POST /-/package/{name}/dist-tags/{tag}`: `npm dist-tag add`.
    DistTagSet {
        /// The package.
        name: NpmName,
        /// The tag, decoded.
        tag: String,
    },
    /// `DELETE /-/package/{name}/dist-tags/{tag}`: `npm dist-tag rm`.
    DistTagRemove {
        /// The package.
        name: NpmName,
        /// The tag, decoded.
        tag: String,
    },
    /// `GET /-/ping`: `npm ping`.
    Ping,
    /// `GET /-/whoami`: `npm whoami`.
    Whoami,
    /// An npm endpoint Wharf does not implement (as CodeArtifact: unpublish, login/adduser,
    /// audit, search); the text names it, for a 405/501 answer.
    Unsupported(&'static str),
}

fn method_not_allowed(method: &str, path: &str) -> NpmError {
    NpmError::MethodNotAllowed(format!("{method} {path}"))
}

fn dist_tag_route(method: &str, path: &str, rest: &str) -> Result<NpmRoute> {
    let bad = || NpmError::NotFound(path.to_owned());
    if let Some(pkg) = rest.strip_suffix("/dist-tags") {
        let name = NpmName::from_path(pkg).map_err(|_| bad())?;
        return match method {
            "GET" | "HEAD" => Ok(NpmRoute::DistTags(name)),
            _ => Err(method_not_allowed(method, path)),
        };
    }
    let (pkg, tag) = rest.rsplit_once("/dist-tags/").ok_or_else(bad)?;
    let name = NpmName::from_path(pkg).map_err(|_| bad())?;
    let tag = percent_decode(tag).map_err(|_| bad())?;
    match method {
        "PUT" | "POST" => Ok(NpmRoute::DistTagSet { name, tag }),
        "DELETE" => Ok(NpmRoute::DistTagRemove { name, tag }),
        _ => Err(method_not_allowed(method, path)),
    }
}

/// Classifies a request: `method` in upper case, `path` relative to the repository base (a
/// leading `/` is ignored). Unknown paths are 404, known paths with the wrong method 405.
pub fn route(method: &str, path: &str) -> Result<NpmRoute> {
    let rest = path.trim_start_matches('/');
    let read = matches!(method, "GET" | "HEAD");
    if let Some(special) = rest.strip_prefix("-/") {
        return match special {
            "ping" if read => Ok(NpmRoute::Ping),
            "whoami" if read => Ok(NpmRoute::Whoami),
            "ping" | "whoami" => Err(method_not_allowed(method, path)),
            s if s.starts_with("package/") => dist_tag_route(method, path, &s["package/".len()..]),
            s if s.starts_with("user/") => Ok(NpmRoute::Unsupported("npm login/adduser")),
            s if s.starts_with("npm/v1/security/") => Ok(NpmRoute::Unsupported("npm audit")),
            s if s.starts_with("v1/search") => Ok(NpmRoute::Unsupported("npm search")),
            _ => Err(NpmError::NotFound(path.to_owned())),
        };
    }
    if rest.contains("/-rev/") {
        return Ok(NpmRoute::Unsupported("npm unpublish"));
    }
    if rest.contains("/-/") {
        return match method {
            "GET" | "HEAD" => Ok(NpmRoute::Tarball(parse_tarball_path(rest)?)),
            "DELETE" => Ok(NpmRoute::Unsupported("npm unpublish")),
            _ => Err(method_not_allowed(method, path)),
        };
    }
    let name = NpmName::from_path(rest).map_err(|_| NpmError::NotFound(path.to_owned()))?;
    match method {
        "GET" | "HEAD" => Ok(NpmRoute::Packument(name)),
        "PUT" => Ok(NpmRoute::PutPackage(name)),
        "DELETE" => Ok(NpmRoute::Unsupported("npm unpublish")),
        _ => Err(method_not_allowed(method, path)),
    }
}
