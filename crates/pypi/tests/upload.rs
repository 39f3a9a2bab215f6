//! twine's upload form checked against real archives built in memory: the good case and each
//! bad input the issue lists.
#![cfg(not(target_arch = "wasm32"))]

use sha2::{Digest, Sha256};
use std::io::Write;
use wharf_pypi::{DistKind, PypiError, UploadForm, UploadLimits, check_upload};

fn metadata(name: &str, version: &str) -> String {
    format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nRequires-Dist: dep-a>=1\n\n")
}

fn wheel(name: &str, version: &str) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    let dist = format!("{}-{version}.dist-info", name.replace('-', "_"));
    z.start_file(format!("{dist}/METADATA"), o).unwrap();
    z.write_all(metadata(name, version).as_bytes()).unwrap();
    z.start_file(format!("{dist}/WHEEL"), o).unwrap();
    z.write_all(b"Wheel-Version: 1.0\n").unwrap();
    z.finish().unwrap().into_inner()
}

fn sdist(name: &str, version: &str) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut t = tar::Builder::new(gz);
    let body = metadata(name, version);
    let mut h = tar::Header::new_gnu();
    h.set_size(body.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    t.append_data(
        &mut h,
        format!("{name}-{version}/PKG-INFO"),
        body.as_bytes(),
    )
    .unwrap();
    t.into_inner().unwrap().finish().unwrap()
}

fn form(name: &str, version: &str, filename: &str, filetype: &str, bytes: &[u8]) -> UploadForm {
    let f = |k: &str, v: &str| (k.to_owned(), v.to_owned());
    UploadForm {
        fields: vec![
            f(":action", "file_upload"),
            f("protocol_version", "1"),
            f("metadata_version", "2.1"),
            f("name", name),
            f("version", version),
            f("summary", "A demo"),
            f("requires_python", ">=3.8"),
            f("requires_dist", "dep-a>=1"),
            f("filetype", filetype),
            f(
                "pyversion",
                if filetype == "sdist" { "source" } else { "py3" },
            ),
            f("sha256_digest", &hex::encode(Sha256::digest(bytes))),
        ],
        filename: Some(filename.to_owned()),
    }
}

const LIMITS: UploadLimits = UploadLimits {
    max_file_bytes: 1 << 20,
};

fn refused(form: &UploadForm, bytes: &[u8]) -> PypiError {
    check_upload(form, bytes, &LIMITS).unwrap_err()
}

#[test]
fn accepts_a_wheel_and_an_sdist() {
    let w = wheel("Demo_Pkg", "1.0");
    let up = check_upload(
        &form(
            "Demo_Pkg",
            "1.0",
            "demo_pkg-1.0-py3-none-any.whl",
            "bdist_wheel",
            &w,
        ),
        &w,
        &LIMITS,
    )
    .unwrap();
    assert_eq!(
        (up.project.as_str(), up.version.as_str(), up.kind),
        ("demo-pkg", "1.0", DistKind::Wheel)
    );
    assert_eq!(up.metadata.summary.as_deref(), Some("A demo"));
    assert_eq!(up.metadata.attributes["requires_python"], ">=3.8");
    assert!(String::from_utf8_lossy(&up.core_metadata).contains("Name: Demo_Pkg"));
    let s = sdist("demo_pkg", "1.0");
    let up = check_upload(
        &form("demo-pkg", "1.0.0", "demo_pkg-1.0.tar.gz", "sdist", &s),
        &s,
        &LIMITS,
    )
    .unwrap();
    assert_eq!((up.version.as_str(), up.kind), ("1.0.0", DistKind::Sdist));
}

#[test]
fn refuses_each_bad_input_with_its_reason() {
    let w = wheel("demo", "1.0");
    let good = form(
        "demo",
        "1.0",
        "demo-1.0-py3-none-any.whl",
        "bdist_wheel",
        &w,
    );

    let mut f = good.clone();
    f.fields.retain(|(k, _)| k != "sha256_digest");
    f.fields.push(("sha256_digest".into(), "0".repeat(64)));
    assert!(
        refused(&f, &w)
            .to_string()
            .contains("digest does not match")
    );

    let mut f = good.clone();
    f.fields.push(("md5_digest".into(), "0".repeat(32)));
    assert!(refused(&f, &w).to_string().contains("md5_digest"));

    let f = form(
        "demo",
        "1.0",
        "other-1.0-py3-none-any.whl",
        "bdist_wheel",
        &w,
    );
    assert!(refused(&f, &w).to_string().contains("for project 'other'"));
    let f = form(
        "demo",
        "1.1",
        "demo-1.0-py3-none-any.whl",
        "bdist_wheel",
        &w,
    );
    assert!(refused(&f, &w).to_string().contains("for version 1.0"));

    let f = form(
        "demo",
        "1.0-what ever",
        "demo-1.0-py3-none-any.whl",
        "bdist_wheel",
        &w,
    );
    assert!(refused(&f, &w).to_string().contains("PEP 440"));

    for field in ["name", "version", "metadata_version", "filetype", ":action"] {
        let mut f = good.clone();
        f.fields.retain(|(k, _)| k != field);
        let e = refused(&f, &w);
        assert_eq!(e.status(), 400);
        assert!(e.to_string().contains(&format!("'{field}'")), "{e}");
    }
    let mut f = good.clone();
    f.filename = None;
    assert!(refused(&f, &w).to_string().contains("'content'"));

    let big = vec![0u8; (LIMITS.max_file_bytes + 1) as usize];
    assert_eq!(refused(&good, &big).status(), 413);

    let not_zip = b"this is not a zip".to_vec();
    let f = form(
        "demo",
        "1.0",
        "demo-1.0-py3-none-any.whl",
        "bdist_wheel",
        &not_zip,
    );
    assert!(
        refused(&f, &not_zip)
            .to_string()
            .contains("not a valid zip")
    );

    let f = form("demo", "1.0", "demo-1.0.tar.gz", "sdist", &w);
    assert!(refused(&f, &w).to_string().contains("not a gzip"));

    // An sdist whose PKG-INFO names another version.
    let s = sdist("demo", "2.0");
    let f = form("demo", "1.0", "demo-1.0.tar.gz", "sdist", &s);
    assert!(refused(&f, &s).to_string().contains("metadata inside"));

    let f = form("demo", "1.0", "demo-1.0.tar.gz", "bdist_wheel", &w);
    assert!(refused(&f, &w).to_string().contains("filetype"));
}
