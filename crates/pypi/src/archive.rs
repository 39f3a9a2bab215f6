//! Archive checks: a wheel must be a zip holding `{name}-{version}.dist-info/METADATA`, an
//! sdist a gzip tar whose top directory holds `PKG-INFO`. Both metadata files must name the
//! project and version the upload claims. Everything reads from memory, with a cap on how much
//! is inflated.

use crate::{PypiError, filename::DistKind, metadata};
use std::io::{Cursor, Read};

/// The most bytes a metadata file may have.
const MAX_METADATA: u64 = 8 << 20;

/// Reads the core metadata file of a distribution (`METADATA` of a wheel, `PKG-INFO` of an
/// sdist), refusing bytes that are not the archive the filename says. `max_inflated` caps what
/// reading an sdist may decompress.
pub fn core_metadata(
    kind: DistKind,
    bytes: &[u8],
    max_inflated: u64,
) -> Result<Vec<u8>, PypiError> {
    match kind {
        DistKind::Wheel => wheel_metadata(bytes),
        DistKind::Sdist => sdist_pkg_info(bytes, max_inflated),
    }
}

fn wheel_metadata(bytes: &[u8]) -> Result<Vec<u8>, PypiError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| PypiError::invalid(format!("The wheel is not a valid zip file: {e}")))?;
    let path = zip
        .file_names()
        .find(|n| {
            n.split_once('/')
                .is_some_and(|(dir, f)| dir.ends_with(".dist-info") && f == "METADATA")
        })
        .map(str::to_owned)
        .ok_or_else(|| PypiError::invalid("The wheel has no *.dist-info/METADATA file"))?;
    let file = zip
        .by_name(&path)
        .map_err(|e| PypiError::invalid(format!("The wheel's {path} cannot be read: {e}")))?;
    read_capped(file, &path)
}

fn sdist_pkg_info(bytes: &[u8], max_inflated: u64) -> Result<Vec<u8>, PypiError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Err(PypiError::invalid(
            "The sdist is not a gzip-compressed tar file (.tar.gz)",
        ));
    }
    let gz = flate2::read::GzDecoder::new(bytes).take(max_inflated);
    let mut tar = tar::Archive::new(gz);
    let bad = |e: std::io::Error| {
        PypiError::invalid(format!("The sdist is not a valid .tar.gz file: {e}"))
    };
    for entry in tar.entries().map_err(bad)? {
        let entry = entry.map_err(bad)?;
        let path = entry.path().map_err(bad)?.to_string_lossy().into_owned();
        let mut parts = path.trim_start_matches("./").split('/');
        if let (Some(_top), Some("PKG-INFO"), None) = (parts.next(), parts.next(), parts.next()) {
            return read_capped(entry, "PKG-INFO");
        }
    }
    Err(PypiError::invalid(
        "The sdist has no PKG-INFO in its top directory",
    ))
}

fn read_capped(r: impl Read, what: &str) -> Result<Vec<u8>, PypiError> {
    let mut out = Vec::new();
    r.take(MAX_METADATA + 1)
        .read_to_end(&mut out)
        .map_err(|e| PypiError::invalid(format!("{what} cannot be read: {e}")))?;
    if out.len() as u64 > MAX_METADATA {
        return Err(PypiError::invalid(format!(
            "{what} is larger than {MAX_METADATA} bytes"
        )));
    }
    Ok(out)
}

/// Checks that a metadata file names `project` and `version` (compared normalised).
pub fn check_agrees(
    meta: &[u8],
    filename: &str,
    project: &str,
    version: &str,
) -> Result<(), PypiError> {
    let text = String::from_utf8_lossy(meta);
    let m = metadata::CoreMetadata::from_fields(
        metadata::parse_headers(&text)
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect::<Vec<_>>(),
    );
    let (Some(n), Some(v)) = (m.name, m.version) else {
        return Err(PypiError::invalid(format!(
            "The metadata inside '{filename}' has no Name or Version"
        )));
    };
    let name_ok = crate::name::normalize(&n) == crate::name::normalize(project);
    let version_ok = matches!(
        (crate::version::parse(&v), crate::version::parse(version)),
        (Ok(a), Ok(b)) if a == b
    );
    if !(name_ok && version_ok) {
        return Err(PypiError::invalid(format!(
            "The metadata inside '{filename}' is for {n} {v}, not {project} {version}"
        )));
    }
    Ok(())
}
