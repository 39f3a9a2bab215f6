//! Set-based reads for a promotion: what a repository holds of a set of packages (records,
//! versions with their npm dependency ranges, dist-tags) in three queries per repository, and
//! the full state of destination versions (assets, deprecation) in two queries, whatever the
//! number of packages and versions.

use super::super::npm::NPM_ASSET;
use super::super::packages::package_row;
use super::super::versions::placeholders;
use super::super::{AssetRow, PackageRow, StoreError, StoreResult, VersionRow};
use super::VersionBefore;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, BTreeSet};
use wharf_core::api::NpmDependencies;
use wharf_core::names::{PackageCoordinate, PackageFormat};

/// Bound parameters per statement: well within SQLite's (32,766) and PostgreSQL's (65,535)
/// limits.
const CHUNK: usize = 900;

/// What one repository holds of one package.
#[derive(Debug, Clone)]
pub(crate) struct LoadedPackage {
    /// The package record.
    pub package: PackageRow,
    /// Every version, with its npm dependency ranges (npm only, when its manifest is known).
    pub versions: Vec<(VersionRow, Option<NpmDependencies>)>,
    /// Its dist-tags.
    pub dist_tags: BTreeMap<String, String>,
}

/// The coordinate of a stored package row.
pub(crate) fn coordinate_of(p: &PackageRow) -> StoreResult<PackageCoordinate> {
    PackageCoordinate::parse(p.format.as_str(), p.namespace.as_deref(), &p.name).map_err(|e| {
        StoreError::corrupt(
            "packages",
            p.id,
            "name",
            &p.name,
            format!("not a valid coordinate: {e:?}"),
        )
    })
}

/// What `repository_id` holds of the packages `keys`: one query for the package records, one
/// for their versions (with npm manifests when `npm_dependencies`), one for their dist-tags,
/// per [`CHUNK`] packages.
pub(crate) async fn load_packages(
    conn: &mut AnyConnection,
    repository_id: i64,
    keys: &BTreeSet<PackageCoordinate>,
    npm_dependencies: bool,
) -> StoreResult<BTreeMap<PackageCoordinate, LoadedPackage>> {
    let names: BTreeSet<&str> = keys.iter().map(|k| k.name.as_str()).collect();
    let names: Vec<&str> = names.into_iter().collect();
    let mut found: BTreeMap<i64, (PackageCoordinate, LoadedPackage)> = BTreeMap::new();
    for chunk in names.chunks(CHUNK) {
        let sql = format!(
            "SELECT * FROM packages WHERE repository_id = $1 AND name IN ({})",
            placeholders(2, chunk.len())
        );
        let mut q = sqlx::query(&sql).bind(repository_id);
        for n in chunk {
            q = q.bind(*n);
        }
        for r in q.fetch_all(&mut *conn).await? {
            let package = package_row(&r)?;
            let key = coordinate_of(&package)?;
            if keys.contains(&key) {
                let loaded = LoadedPackage {
                    package,
                    versions: Vec::new(),
                    dist_tags: BTreeMap::new(),
                };
                found.insert(loaded.package.id, (key, loaded));
            }
        }
    }
    let ids: Vec<i64> = found.keys().copied().collect();
    for chunk in ids.chunks(CHUNK) {
        let sql = if npm_dependencies {
            format!(
                "SELECT v.*, m.manifest FROM package_versions v \
                 LEFT JOIN assets a ON a.version_id = v.id AND a.name = $1 \
                 LEFT JOIN npm_manifests m ON m.sha256 = a.sha256 \
                 WHERE v.package_id IN ({}) ORDER BY v.package_id, v.published_time, v.version",
                placeholders(2, chunk.len())
            )
        } else {
            format!(
                "SELECT v.* FROM package_versions v WHERE v.package_id IN ({}) \
                 ORDER BY v.package_id, v.published_time, v.version",
                placeholders(1, chunk.len())
            )
        };
        let mut q = sqlx::query(&sql);
        if npm_dependencies {
            q = q.bind(NPM_ASSET);
        }
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            let package_id: i64 = r.get("package_id");
            let Some((_, loaded)) = found.get_mut(&package_id) else {
                continue;
            };
            let manifest: Option<String> = r.try_get("manifest").ok().flatten();
            let deps = match (&loaded.package.format, manifest) {
                (PackageFormat::Npm, Some(text)) => {
                    Some(serde_json::from_str::<NpmDependencies>(&text).map_err(|e| {
                        let id: i64 = r.get("id");
                        StoreError::corrupt("npm_manifests", id, "manifest", &text, e)
                    })?)
                }
                _ => None,
            };
            loaded.versions.push((version_row(&r)?, deps));
        }
        let sql = format!(
            "SELECT package_id, tag, version FROM dist_tags WHERE package_id IN ({})",
            placeholders(1, chunk.len())
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            let package_id: i64 = r.get("package_id");
            if let Some((_, loaded)) = found.get_mut(&package_id) {
                loaded.dist_tags.insert(r.get("tag"), r.get("version"));
            }
        }
    }
    Ok(found.into_values().collect())
}

pub(crate) use super::super::version_row;

/// The full state of the given version rows, to record before they are replaced or removed:
/// their assets and npm deprecations, in one query each per [`CHUNK`] versions.
pub(crate) async fn states_of(
    conn: &mut AnyConnection,
    rows: &[&VersionRow],
) -> StoreResult<BTreeMap<i64, VersionBefore>> {
    let mut out: BTreeMap<i64, VersionBefore> =
        rows.iter().map(|r| (r.id, VersionBefore::of(r))).collect();
    let ids: Vec<i64> = out.keys().copied().collect();
    for chunk in ids.chunks(CHUNK) {
        let list = placeholders(1, chunk.len());
        let sql = format!("SELECT * FROM assets WHERE version_id IN ({list}) ORDER BY name");
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            let id: i64 = r.get("version_id");
            if let Some(state) = out.get_mut(&id) {
                state.assets.push(AssetRow {
                    name: r.get("name"),
                    size: r.get("size"),
                    md5: r.get("md5"),
                    sha1: r.get("sha1"),
                    sha256: r.get("sha256"),
                    sha512: r.get("sha512"),
                });
            }
        }
        let sql = format!(
            "SELECT version_id, message FROM npm_deprecations WHERE version_id IN ({list})"
        );
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&mut *conn).await? {
            let id: i64 = r.get("version_id");
            if let Some(state) = out.get_mut(&id) {
                state.deprecated = Some(r.get("message"));
            }
        }
    }
    Ok(out)
}

/// The packages of a repository in `format` (and `namespace`), whose name starts with
/// `prefix`: the candidates of a `select` promotion.
pub(crate) async fn select_packages(
    conn: &mut AnyConnection,
    repository_id: i64,
    format: PackageFormat,
    namespace: Option<&str>,
    prefix: Option<&str>,
) -> StoreResult<Vec<PackageCoordinate>> {
    let rows = sqlx::query(
        "SELECT * FROM packages WHERE repository_id = $1 AND format = $2 \
         AND ($3 IS NULL OR namespace = $4) ORDER BY namespace, name",
    )
    .bind(repository_id)
    .bind(format.as_str())
    .bind(namespace)
    .bind(namespace)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let p = package_row(r)?;
        if prefix.is_none_or(|pre| p.name.starts_with(pre)) {
            out.push(coordinate_of(&p)?);
        }
    }
    Ok(out)
}
