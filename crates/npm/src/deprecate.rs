//! `npm deprecate` and `npm undeprecate`: npm fetches the full packument, sets
//! `versions[v].deprecated` (a message, or `""` to undeprecate) on the versions matching the
//! range, and sends the whole document back with `PUT /{name}` (no `_attachments`; see
//! [`crate::publish::put_kind`]). [`parse_deprecate`] finds which versions changed.

use crate::error::{NpmError, Result};
use crate::name::NpmName;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The largest deprecation body accepted: a packument of many versions.
pub const MAX_DEPRECATE_BODY: usize = 64 << 20;

#[derive(Deserialize)]
struct DeprecateBody {
    name: Option<String>,
    #[serde(default)]
    versions: Map<String, Value>,
}

/// A version's deprecation as a manifest holds it: a non-empty string, else none.
pub fn deprecation_of(manifest: &Value) -> Option<String> {
    manifest
        .get("deprecated")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Sets (`Some`) or clears (`None`) `deprecated` on a stored manifest.
pub fn apply_deprecation(manifest: &mut Value, message: Option<&str>) {
    if let Value::Object(m) = manifest {
        match message {
            Some(msg) => m.insert("deprecated".into(), Value::String(msg.to_owned())),
            None => m.remove("deprecated"),
        };
    }
}

/// Parses a deprecation `PUT /{name}` against the package's current deprecations (`version →
/// message`, the versions the client could have seen) and returns the versions whose
/// deprecation changed, with the new message (`None` = undeprecated), sorted by version string.
///
/// Versions in the body but not in `existing` are ignored (deprecation never creates
/// versions); versions missing from the body are left alone (this is not an unpublish). A
/// `deprecated` that is missing, `""` or not a string counts as none.
pub fn parse_deprecate(
    url_name: &NpmName,
    body: &[u8],
    existing: &BTreeMap<String, Option<String>>,
) -> Result<Vec<(String, Option<String>)>> {
    if body.len() > MAX_DEPRECATE_BODY {
        return Err(NpmError::TooLarge {
            what: "request body",
            size: body.len() as u64,
            limit: MAX_DEPRECATE_BODY as u64,
        });
    }
    let body: DeprecateBody =
        serde_json::from_slice(body).map_err(|e| NpmError::BadJson(e.to_string()))?;
    match body.name {
        Some(n) if n != url_name.display() => {
            return Err(NpmError::NameMismatch {
                url: url_name.display(),
                body: n,
            });
        }
        None => return Err(NpmError::MissingField("name")),
        _ => {}
    }
    let mut changes: Vec<(String, Option<String>)> = body
        .versions
        .iter()
        .filter_map(|(v, manifest)| {
            let current = existing.get(v)?;
            let wanted = deprecation_of(manifest);
            (wanted != *current).then(|| (v.clone(), wanted))
        })
        .collect();
    changes.sort();
    Ok(changes)
}
