//! The package selections of `wharf promote`, parsed from the command line: `--package
//! FORMAT/NAMESPACE/NAME@VERSION` (repeatable; an empty namespace for none), `--select
//! FORMAT[/NAMESPACE]/PREFIX*` and `--lockfile FILE` (read here, size-checked before sending).
//! Names are only split here; the service checks them as it checks every request.

use std::collections::BTreeMap;
use std::path::Path;
use wharf_core::api::{PackageSelection, PromotionSelect};

/// The largest lockfile the service accepts (the core's limit, 20 MB), checked before reading
/// and sending.
pub const MAX_LOCKFILE_BYTES: u64 = wharf_core::promotion::MAX_LOCKFILE_BYTES as u64;

/// One `--package` argument: format, namespace (none when empty), name and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageArg {
    /// `npm`, `pypi`, `maven`, `generic`, …
    pub format: String,
    /// The namespace (npm scope without `@`); `None` for `npm//left-pad@1.3.0`.
    pub namespace: Option<String>,
    /// The package name.
    pub package: String,
    /// The version.
    pub version: String,
}

/// Parses `FORMAT/NAMESPACE/NAME@VERSION` (or `FORMAT/NAME@VERSION`, without a namespace):
/// `npm//left-pad@1.3.0`, `npm/babel/core@7.0.0` (for `@babel/core`).
pub fn parse_package(arg: &str) -> Result<PackageArg, String> {
    let bad = |why: &str| {
        format!(
            "--package {arg:?}: {why} (expected FORMAT/NAMESPACE/NAME@VERSION, e.g. \
             npm//left-pad@1.3.0 or npm/babel/core@7.0.0)"
        )
    };
    let (path, version) = arg.rsplit_once('@').ok_or_else(|| bad("no @VERSION"))?;
    if version.is_empty() {
        return Err(bad("empty version"));
    }
    let parts: Vec<&str> = path.split('/').collect();
    let (format, namespace, package) = match parts[..] {
        [format, package] => (format, "", package),
        [format, namespace, package] => (format, namespace, package),
        _ => return Err(bad("expected two or three /-separated parts before @")),
    };
    if format.is_empty() {
        return Err(bad("empty format"));
    }
    if package.is_empty() {
        return Err(bad("empty package name"));
    }
    let namespace = namespace.strip_prefix('@').unwrap_or(namespace);
    Ok(PackageArg {
        format: format.to_owned(),
        namespace: Some(namespace.to_owned()).filter(|n| !n.is_empty()),
        package: package.to_owned(),
        version: version.to_owned(),
    })
}

/// The `packages` member of a request: one [`PackageSelection`] per package, its versions in
/// the order given (duplicates dropped), packages in the order first named.
pub fn selections(args: &[PackageArg]) -> Vec<PackageSelection> {
    let mut order: Vec<(String, Option<String>, String)> = Vec::new();
    let mut versions: BTreeMap<(String, Option<String>, String), Vec<String>> = BTreeMap::new();
    for a in args {
        let key = (a.format.clone(), a.namespace.clone(), a.package.clone());
        let list = versions.entry(key.clone()).or_insert_with(|| {
            order.push(key);
            Vec::new()
        });
        if !list.contains(&a.version) {
            list.push(a.version.clone());
        }
    }
    order
        .into_iter()
        .map(|key| PackageSelection {
            versions: versions.remove(&key),
            format: Some(key.0),
            namespace: key.1,
            package: Some(key.2),
            version_revisions: None,
        })
        .collect()
}

/// Parses `--select FORMAT[/NAMESPACE]/PREFIX*` (the `*` is optional; an empty prefix selects
/// every package, of the namespace when one is given) with `--status`.
pub fn parse_select(arg: &str, status: Option<&str>) -> Result<PromotionSelect, String> {
    let bad = |why: &str| {
        format!(
            "--select {arg:?}: {why} (expected FORMAT[/NAMESPACE]/PREFIX*, e.g. npm/babel/* or \
             npm/left-*)"
        )
    };
    let parts: Vec<&str> = arg.split('/').collect();
    let (format, namespace, prefix) = match parts[..] {
        [format, prefix] => (format, "", prefix),
        [format, namespace, prefix] => (format, namespace, prefix),
        _ => return Err(bad("expected two or three /-separated parts")),
    };
    if format.is_empty() {
        return Err(bad("empty format"));
    }
    let prefix = prefix.strip_suffix('*').unwrap_or(prefix);
    if prefix.contains('*') {
        return Err(bad("* may only end the prefix"));
    }
    let namespace = namespace.strip_prefix('@').unwrap_or(namespace);
    let nonempty = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    Ok(PromotionSelect {
        format: Some(format.to_owned()),
        namespace: nonempty(namespace),
        package_prefix: nonempty(prefix),
        status: status.map(str::to_owned),
    })
}

/// Reads a lockfile, refusing one larger than [`MAX_LOCKFILE_BYTES`] before reading it, or one
/// that is not UTF-8 text.
pub fn read_lockfile(path: &Path) -> Result<String, String> {
    let shown = path.display();
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read the lockfile {shown}: {e}"))?
        .len();
    if size > MAX_LOCKFILE_BYTES {
        return Err(format!(
            "the lockfile {shown} has {size} bytes; a promotion takes at most \
             {MAX_LOCKFILE_BYTES} (20 MB)"
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read the lockfile {shown}: {e}"))?;
    String::from_utf8(bytes).map_err(|_| format!("the lockfile {shown} is not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pkg(format: &str, ns: Option<&str>, name: &str, version: &str) -> PackageArg {
        PackageArg {
            format: format.into(),
            namespace: ns.map(Into::into),
            package: name.into(),
            version: version.into(),
        }
    }

    #[test]
    fn packages_parse_with_and_without_namespace() {
        assert_eq!(
            parse_package("npm//left-pad@1.3.0").unwrap(),
            pkg("npm", None, "left-pad", "1.3.0")
        );
        assert_eq!(
            parse_package("npm/babel/core@7.0.0").unwrap(),
            pkg("npm", Some("babel"), "core", "7.0.0")
        );
        // A leading @ on the scope is forgiven; two parts mean no namespace.
        assert_eq!(
            parse_package("npm/@babel/core@7.0.0-beta.1").unwrap(),
            pkg("npm", Some("babel"), "core", "7.0.0-beta.1")
        );
        assert_eq!(
            parse_package("pypi/requests@2.31.0").unwrap(),
            pkg("pypi", None, "requests", "2.31.0")
        );
        assert_eq!(
            parse_package("generic/my-ns/tool@1.0").unwrap(),
            pkg("generic", Some("my-ns"), "tool", "1.0")
        );
    }

    #[test]
    fn bad_packages_say_what_is_wrong() {
        for (arg, why) in [
            ("npm//left-pad", "no @VERSION"),
            ("npm//left-pad@", "empty version"),
            ("left-pad@1.0.0", "two or three"),
            ("npm/a/b/c@1", "two or three"),
            ("/x/left-pad@1", "empty format"),
            ("npm/x/@1", "empty package name"),
        ] {
            let e = parse_package(arg).unwrap_err();
            assert!(e.contains(why) && e.contains(arg), "{arg}: {e}");
        }
    }

    #[test]
    fn versions_of_one_package_are_grouped() {
        let args = [
            pkg("npm", None, "a", "1.0.0"),
            pkg("npm", Some("s"), "b", "2.0.0"),
            pkg("npm", None, "a", "1.1.0"),
            pkg("npm", None, "a", "1.0.0"),
        ];
        assert_eq!(
            serde_json::to_value(selections(&args)).unwrap(),
            json!([
                {"format": "npm", "package": "a", "versions": ["1.0.0", "1.1.0"]},
                {"format": "npm", "namespace": "s", "package": "b", "versions": ["2.0.0"]},
            ])
        );
    }

    #[test]
    fn selections_parse() {
        let select =
            |arg, status| serde_json::to_value(parse_select(arg, status).unwrap()).unwrap();
        assert_eq!(
            select("npm/babel/*", Some("Published")),
            json!({"format": "npm", "namespace": "babel", "status": "Published"})
        );
        assert_eq!(
            select("npm/left-*", None),
            json!({"format": "npm", "packagePrefix": "left-"})
        );
        assert_eq!(
            select("npm//ui-", None),
            json!({"format": "npm", "packagePrefix": "ui-"})
        );
        assert!(
            parse_select("npm/a*b*", None)
                .unwrap_err()
                .contains("only end")
        );
        assert!(
            parse_select("npm", None)
                .unwrap_err()
                .contains("two or three")
        );
        assert!(
            parse_select("/x*", None)
                .unwrap_err()
                .contains("empty format")
        );
    }

    #[test]
    fn lockfiles_are_size_checked_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("package-lock.json");
        std::fs::write(&small, "{\"lockfileVersion\": 3}").unwrap();
        assert_eq!(read_lockfile(&small).unwrap(), "{\"lockfileVersion\": 3}");

        let big = dir.path().join("big.json");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(MAX_LOCKFILE_BYTES + 1).unwrap(); // sparse: nothing is written
        let e = read_lockfile(&big).unwrap_err();
        assert!(e.contains("20 MB") && e.contains("big.json"), "{e}");

        let e = read_lockfile(&dir.path().join("missing.json")).unwrap_err();
        assert!(e.contains("cannot read the lockfile"), "{e}");
        std::fs::write(&small, [0xff, 0xfe]).unwrap();
        assert!(read_lockfile(&small).unwrap_err().contains("UTF-8"));
    }
}
