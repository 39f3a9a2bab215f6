//! The Simple Repository API: a project's page as PEP 503 HTML or PEP 691 JSON (API version
//! 1.1, with PEP 700's `versions`, `size` and `upload-time`), with sha256 fragments,
//! `data-requires-python`, PEP 592 yanking and PEP 658 core metadata; and the `Accept`
//! negotiation between them (spec §2).

use crate::PypiError;
use serde_json::{Map, Value, json};

/// PEP 691's JSON type.
pub const JSON_V1: &str = "application/vnd.pypi.simple.v1+json";
/// PEP 691's HTML type.
pub const HTML_V1: &str = "application/vnd.pypi.simple.v1+html";
/// Plain HTML (PEP 503), an alias of [`HTML_V1`].
pub const TEXT_HTML: &str = "text/html; charset=utf-8";

/// A representation of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageFormat {
    /// `application/vnd.pypi.simple.v1+json`.
    Json,
    /// `application/vnd.pypi.simple.v1+html`.
    HtmlV1,
    /// `text/html`.
    Html,
}

impl PageFormat {
    /// The `Content-Type` of the answer.
    pub fn content_type(self) -> &'static str {
        match self {
            PageFormat::Json => JSON_V1,
            PageFormat::HtmlV1 => HTML_V1,
            PageFormat::Html => TEXT_HTML,
        }
    }
}

/// Chooses a representation from `Accept` (spec §2.1): each offer takes the q of its most
/// specific matching range (q=0 excludes), the highest q wins; ties go to explicit matches over
/// wildcards, then JSON, v1 HTML, text/html; wildcard-only matches give HTML. No header (or one
/// that cannot be parsed) gives HTML; a header matching nothing is 406.
pub fn negotiate(accept: Option<&str>) -> Result<PageFormat, PypiError> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Ok(PageFormat::Html);
    };
    let Some(ranges) = parse_accept(accept) else {
        return Ok(PageFormat::Html);
    };
    let offers = [
        (
            PageFormat::Json,
            "application",
            "vnd.pypi.simple.v1+json",
            "vnd.pypi.simple.latest+json",
        ),
        (
            PageFormat::HtmlV1,
            "application",
            "vnd.pypi.simple.v1+html",
            "vnd.pypi.simple.latest+html",
        ),
        (PageFormat::Html, "text", "html", "html"),
    ];
    // (q, explicit, preference) per offer; the best wins.
    let mut best: Option<(f32, bool, usize, PageFormat)> = None;
    for (pref, (format, ty, sub, latest)) in offers.iter().enumerate() {
        // Specificity: 2 exact, 1 type/*, 0 */*.
        let mut matched: Option<(u8, f32)> = None;
        for (rt, rs, q) in &ranges {
            let spec = if rt == ty && (rs == sub || rs == latest) {
                2
            } else if rt == ty && rs == "*" {
                1
            } else if rt == "*" && rs == "*" {
                0
            } else {
                continue;
            };
            if matched.is_none_or(|(s, _)| spec > s) {
                matched = Some((spec, *q));
            }
        }
        let Some((spec, q)) = matched else { continue };
        if q <= 0.0 {
            continue;
        }
        let explicit = spec == 2;
        let candidate = (q, explicit, usize::MAX - pref, *format);
        let better = match &best {
            None => true,
            Some((bq, be, bp, _)) => (q, explicit, usize::MAX - pref)
                .partial_cmp(&(*bq, *be, *bp))
                .is_some_and(|o| o.is_gt()),
        };
        if better {
            best = Some(candidate);
        }
    }
    match best {
        Some((_, false, _, _)) => Ok(PageFormat::Html),
        Some((_, true, _, f)) => Ok(f),
        None => Err(PypiError::NotAcceptable(format!(
            "None of the requested types ({accept}) is served; this index serves {JSON_V1}, \
             {HTML_V1} and text/html"
        ))),
    }
}

/// `type, subtype, q` of each media range; `None` if the header is malformed.
fn parse_accept(accept: &str) -> Option<Vec<(String, String, f32)>> {
    let mut out = Vec::new();
    for part in accept.split(',') {
        let mut params = part.split(';');
        let range = params.next()?.trim().to_ascii_lowercase();
        if range.is_empty() {
            continue;
        }
        let (t, s) = range.split_once('/')?;
        let mut q = 1.0f32;
        for p in params {
            if let Some((k, v)) = p.split_once('=')
                && k.trim().eq_ignore_ascii_case("q")
            {
                q = v
                    .trim()
                    .parse()
                    .ok()
                    .filter(|q: &f32| (0.0..=1.0).contains(q))?;
            }
        }
        out.push((t.trim().to_owned(), s.trim().to_owned(), q));
    }
    Some(out)
}

/// One file on a project page.
#[derive(Debug, Clone, PartialEq)]
pub struct SimpleFile {
    /// The filename (the anchor's text and the URL's last segment).
    pub filename: String,
    /// The file's URL, relative to the page (`VERSION/FILENAME`).
    pub url: String,
    /// SHA-256, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// The version it belongs to.
    pub version: String,
    /// When it was uploaded, Unix seconds.
    pub upload_time: Option<f64>,
    /// `Requires-Python`.
    pub requires_python: Option<String>,
    /// `Some(reason)` (possibly empty) when yanked.
    pub yanked: Option<String>,
    /// SHA-256 of the core metadata served at `URL.metadata`, when served.
    pub core_metadata_sha256: Option<String>,
}

/// A project's page.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectPage {
    /// The normalised name.
    pub name: String,
    /// Its files; [`render`] sorts them by version (PEP 440), then filename.
    pub files: Vec<SimpleFile>,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders a page in the chosen representation.
pub fn render(page: &ProjectPage, format: PageFormat) -> String {
    let mut page = page.clone();
    page.files.sort_by(|a, b| {
        crate::version::compare(&a.version, &b.version).then_with(|| a.filename.cmp(&b.filename))
    });
    match format {
        PageFormat::Json => render_json(&page),
        PageFormat::Html | PageFormat::HtmlV1 => render_html(&page),
    }
}

/// The upload time as PEP 700 writes it: `yyyy-mm-ddThh:mm:ss.ffffffZ`, UTC.
pub fn upload_time(epoch_secs: f64) -> String {
    let whole = epoch_secs.floor();
    let micros = (((epoch_secs - whole) * 1e6).round() as u32).min(999_999);
    let (y, m, d, hh, mm, ss) = wharf_core::civil::utc_fields(whole as i64);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{micros:06}Z")
}

fn render_html(page: &ProjectPage) -> String {
    let name = escape(&page.name);
    let mut out = format!(
        "<!DOCTYPE html>\n<html><head><meta name=\"pypi:repository-version\" content=\"1.1\">\
         <title>Links for {name}</title></head><body>\n<h1>Links for {name}</h1>\n"
    );
    for f in &page.files {
        out.push_str(&format!(
            "<a href=\"{}#sha256={}\"",
            escape(&f.url),
            f.sha256
        ));
        if let Some(r) = &f.requires_python {
            out.push_str(&format!(" data-requires-python=\"{}\"", escape(r)));
        }
        if let Some(y) = &f.yanked {
            out.push_str(&format!(" data-yanked=\"{}\"", escape(y)));
        }
        if let Some(m) = &f.core_metadata_sha256 {
            out.push_str(&format!(
                " data-core-metadata=\"sha256={m}\" data-dist-info-metadata=\"sha256={m}\""
            ));
        }
        out.push_str(&format!(">{}</a><br/>\n", escape(&f.filename)));
    }
    out.push_str("</body></html>\n");
    out
}

fn render_json(page: &ProjectPage) -> String {
    let mut versions: Vec<&str> = page.files.iter().map(|f| f.version.as_str()).collect();
    versions.dedup();
    let files: Vec<Value> = page
        .files
        .iter()
        .map(|f| {
            let mut m = Map::new();
            m.insert("filename".into(), json!(f.filename));
            m.insert("url".into(), json!(f.url));
            m.insert("hashes".into(), json!({"sha256": f.sha256}));
            if let Some(r) = &f.requires_python {
                m.insert("requires-python".into(), json!(r));
            }
            m.insert("size".into(), json!(f.size));
            if let Some(t) = f.upload_time {
                m.insert("upload-time".into(), json!(upload_time(t)));
            }
            m.insert(
                "yanked".into(),
                match &f.yanked {
                    None => json!(false),
                    Some(r) if r.is_empty() => json!(true),
                    Some(r) => json!(r),
                },
            );
            if let Some(h) = &f.core_metadata_sha256 {
                m.insert("core-metadata".into(), json!({"sha256": h}));
            }
            Value::Object(m)
        })
        .collect();
    json!({
        "meta": {"api-version": "1.1"},
        "name": page.name,
        "versions": versions,
        "files": files,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_as_pip_and_uv_ask() {
        let pip = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";
        assert_eq!(negotiate(Some(pip)), Ok(PageFormat::Json));
        assert_eq!(negotiate(None), Ok(PageFormat::Html));
        assert_eq!(negotiate(Some("*/*")), Ok(PageFormat::Html));
        assert_eq!(negotiate(Some("text/html")), Ok(PageFormat::Html));
        assert_eq!(
            negotiate(Some("application/vnd.pypi.simple.latest+html")),
            Ok(PageFormat::HtmlV1)
        );
        assert_eq!(
            negotiate(Some("application/json")).unwrap_err().status(),
            406
        );
        assert_eq!(
            negotiate(Some(
                "application/vnd.pypi.simple.v1+json;q=0, text/html;q=0.5"
            )),
            Ok(PageFormat::Html)
        );
    }

    #[test]
    fn renders_html_and_json() {
        let page = ProjectPage {
            name: "demo".into(),
            files: vec![
                SimpleFile {
                    filename: "demo-1.0.tar.gz".into(),
                    url: "1.0/demo-1.0.tar.gz".into(),
                    sha256: "ab".repeat(32),
                    size: 10,
                    version: "1.0".into(),
                    upload_time: Some(1_714_564_800.5),
                    requires_python: Some(">=3.9".into()),
                    yanked: Some(String::new()),
                    core_metadata_sha256: None,
                },
                SimpleFile {
                    filename: "demo-0.9.tar.gz".into(),
                    url: "0.9/demo-0.9.tar.gz".into(),
                    sha256: "cd".repeat(32),
                    size: 9,
                    version: "0.9".into(),
                    upload_time: None,
                    requires_python: None,
                    yanked: None,
                    core_metadata_sha256: Some("ef".repeat(32)),
                },
            ],
        };
        let html = render(&page, PageFormat::Html);
        assert!(html.contains("data-requires-python=\"&gt;=3.9\""));
        assert!(html.contains("data-yanked=\"\""));
        assert!(html.find("demo-0.9").unwrap() < html.find("demo-1.0").unwrap());
        let json: Value = serde_json::from_str(&render(&page, PageFormat::Json)).unwrap();
        assert_eq!(json["versions"], json!(["0.9", "1.0"]));
        assert_eq!(json["files"][1]["yanked"], json!(true));
        assert_eq!(
            json["files"][1]["upload-time"],
            json!("2024-05-01T12:00:00.500000Z")
        );
        assert_eq!(
            json["files"][0]["core-metadata"]["sha256"],
            json!("ef".repeat(32))
        );
        assert!(json["files"][0].get("dist-info-metadata").is_none());
    }
}
