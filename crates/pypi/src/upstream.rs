//! Project pages of an external index (`public:pypi`, or whatever a deployment points it at):
//! the Simple API's JSON form (PEP 691) preferred, its HTML form (PEP 503) understood, both
//! read into one [`UpstreamProject`]. Files whose names are not wheels or `.tar.gz` sdists are
//! left out, as Wharf stores no others.

use crate::filename::{DistKind, parse_filename};
use serde::Deserialize;

/// The `Accept` header sent upstream: JSON first, HTML as the fallback.
pub const ACCEPT: &str = "application/vnd.pypi.simple.v1+json, \
     application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1";

/// One file an upstream project page offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamFile {
    /// The filename.
    pub filename: String,
    /// Its URL as the page gives it (possibly relative to the page), without fragment.
    pub url: String,
    /// The version its filename names (normalised).
    pub version: String,
    /// Wheel or sdist.
    pub kind: DistKind,
    /// SHA-256, hex, when the page gives one.
    pub sha256: Option<String>,
    /// `Requires-Python`.
    pub requires_python: Option<String>,
    /// `Some(reason)` (possibly empty) when yanked.
    pub yanked: Option<String>,
    /// Size in bytes, when the page gives it (PEP 700).
    pub size: Option<u64>,
}

/// What an upstream page offers of a project.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpstreamProject {
    /// Its files, in page order.
    pub files: Vec<UpstreamFile>,
}

impl UpstreamProject {
    /// The file called `filename` of `version` (versions compared under PEP 440).
    pub fn file(&self, version: &str, filename: &str) -> Option<&UpstreamFile> {
        let wanted = crate::version::parse(version).ok();
        self.files.iter().find(|f| {
            f.filename == filename
                && (f.version == version || crate::version::parse(&f.version).ok() == wanted)
        })
    }
}

#[derive(Deserialize)]
struct JsonPage {
    files: Vec<JsonFile>,
}

#[derive(Deserialize)]
struct JsonFile {
    filename: String,
    url: String,
    #[serde(default)]
    hashes: std::collections::BTreeMap<String, String>,
    #[serde(default, rename = "requires-python")]
    requires_python: Option<String>,
    #[serde(default)]
    yanked: Option<serde_json::Value>,
    #[serde(default)]
    size: Option<u64>,
}

/// Reads an upstream project page for `project`: JSON when the body is a JSON object, else
/// HTML. Files of another project, or not a wheel or sdist, are left out.
pub fn parse_project(project: &str, body: &[u8]) -> Result<UpstreamProject, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("the page is not UTF-8: {e}"))?;
    let raw = if text.trim_start().starts_with('{') {
        parse_json(text)?
    } else {
        parse_html(text)
    };
    let wanted = crate::name::normalize(project);
    let files = raw
        .into_iter()
        .filter_map(|f| {
            let d = parse_filename(&f.filename).ok()?;
            (d.project == wanted).then_some(UpstreamFile {
                filename: f.filename,
                url: f.url,
                version: d.version,
                kind: d.kind,
                sha256: f.sha256.map(|s| s.to_ascii_lowercase()),
                requires_python: f.requires_python,
                yanked: f.yanked,
                size: f.size,
            })
        })
        .collect();
    Ok(UpstreamProject { files })
}

/// A file as a page gives it, before its filename is judged.
struct RawFile {
    filename: String,
    url: String,
    sha256: Option<String>,
    requires_python: Option<String>,
    yanked: Option<String>,
    size: Option<u64>,
}

fn parse_json(text: &str) -> Result<Vec<RawFile>, String> {
    let page: JsonPage =
        serde_json::from_str(text).map_err(|e| format!("the JSON page is malformed: {e}"))?;
    Ok(page
        .files
        .into_iter()
        .map(|f| {
            let yanked = match f.yanked {
                Some(serde_json::Value::Bool(true)) => Some(String::new()),
                Some(serde_json::Value::String(s)) => Some(s),
                _ => None,
            };
            let (url, fragment_sha) = split_fragment(&f.url);
            let sha256 = f.hashes.get("sha256").cloned().or(fragment_sha);
            RawFile {
                filename: f.filename,
                url,
                sha256,
                requires_python: f.requires_python,
                yanked,
                size: f.size,
            }
        })
        .collect())
}

/// `URL#sha256=HEX` → (`URL`, `Some(HEX)`).
fn split_fragment(url: &str) -> (String, Option<String>) {
    match url.split_once('#') {
        Some((u, frag)) => (
            u.to_owned(),
            frag.strip_prefix("sha256=").map(str::to_owned),
        ),
        None => (url.to_owned(), None),
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The attributes of one start tag's inside (`a href="x" data-yanked`), names lower-cased.
fn attributes(tag: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut rest = tag.trim_start();
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..end].to_ascii_lowercase();
        rest = rest[end..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (value, tail) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let close = body.find(q).unwrap_or(body.len());
                    (&body[..close], body.get(close + 1..).unwrap_or(""))
                }
                _ => {
                    let close = after
                        .find(|c: char| c.is_whitespace() || c == '>')
                        .unwrap_or(after.len());
                    (&after[..close], &after[close..])
                }
            };
            rest = tail.trim_start();
            Some(unescape(value))
        } else {
            if name.is_empty() {
                rest = rest.get(1..).unwrap_or("").trim_start();
            }
            None
        };
        if !name.is_empty() {
            out.push((name, value));
        }
    }
    out
}

fn parse_html(text: &str) -> Vec<RawFile> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(open) = lower[at..].find("<a").map(|i| at + i) {
        let after = open + 2;
        if !lower[after..].starts_with(|c: char| c.is_whitespace()) {
            at = after;
            continue;
        }
        let Some(tag_end) = lower[after..].find('>').map(|i| after + i) else {
            break;
        };
        let close = lower[tag_end..]
            .find("</a")
            .map_or(text.len(), |i| tag_end + i);
        let attrs = attributes(&text[after..tag_end]);
        let get = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        at = close;
        let Some(Some(href)) = get("href") else {
            continue;
        };
        let (url, sha) = split_fragment(&href);
        let anchor = unescape(text[tag_end + 1..close].trim());
        let filename = if anchor.is_empty() || anchor.contains('<') {
            url.rsplit('/').next().unwrap_or("").to_owned()
        } else {
            anchor
        };
        let requires_python = get("data-requires-python").flatten();
        let yanked = get("data-yanked").map(Option::unwrap_or_default);
        out.push(RawFile {
            filename,
            url,
            sha256: sha,
            requires_python,
            yanked,
            size: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_json_page() {
        let body = br##"{"meta":{"api-version":"1.1"},"name":"demo","files":[
          {"filename":"demo-1.0.tar.gz","url":"../../packages/demo-1.0.tar.gz","hashes":{"sha256":"AB12"},"size":7},
          {"filename":"demo-1.1-py3-none-any.whl","url":"https://files.example/demo-1.1-py3-none-any.whl#sha256=cd34",
           "hashes":{},"requires-python":">=3.8","yanked":"broken"},
          {"filename":"demo-0.9.zip","url":"x","hashes":{}},
          {"filename":"other-1.0.tar.gz","url":"y","hashes":{}}]}"##;
        let p = parse_project("Demo", body).unwrap();
        assert_eq!(p.files.len(), 2);
        assert_eq!(p.files[0].sha256.as_deref(), Some("ab12"));
        assert_eq!(p.files[0].kind, DistKind::Sdist);
        assert_eq!(p.files[0].size, Some(7));
        assert_eq!(p.files[1].version, "1.1");
        assert_eq!(p.files[1].sha256.as_deref(), Some("cd34"));
        assert_eq!(
            p.files[1].url,
            "https://files.example/demo-1.1-py3-none-any.whl"
        );
        assert_eq!(p.files[1].yanked.as_deref(), Some("broken"));
        assert_eq!(p.files[1].requires_python.as_deref(), Some(">=3.8"));
        assert!(p.file("1.1.0", "demo-1.1-py3-none-any.whl").is_some());
        assert!(p.file("1.2", "demo-1.1-py3-none-any.whl").is_none());
    }

    #[test]
    fn reads_an_html_page() {
        let body = br#"<!DOCTYPE html><html><body><h1>Links for demo</h1>
          <a href="../../packages/demo-1.0.tar.gz#sha256=ab12">demo-1.0.tar.gz</a><br>
          <A HREF='/p/Demo-2.0rc1-py3-none-any.whl' data-requires-python="&gt;=3.9" data-yanked>
            Demo-2.0rc1-py3-none-any.whl</A>
          <a name="x">no href</a><abbr>not a link</abbr>
          <a href="demo-3.0.exe">demo-3.0.exe</a>
        </body></html>"#;
        let p = parse_project("demo", body).unwrap();
        assert_eq!(p.files.len(), 2, "{p:?}");
        assert_eq!(p.files[0].url, "../../packages/demo-1.0.tar.gz");
        assert_eq!(p.files[0].sha256.as_deref(), Some("ab12"));
        assert_eq!(p.files[0].yanked, None);
        assert_eq!(p.files[1].filename, "Demo-2.0rc1-py3-none-any.whl");
        assert_eq!(p.files[1].version, "2.0rc1");
        assert_eq!(p.files[1].requires_python.as_deref(), Some(">=3.9"));
        assert_eq!(p.files[1].yanked.as_deref(), Some(""));
        assert_eq!(p.files[1].sha256, None);
    }

    #[test]
    fn refuses_malformed_json() {
        assert!(parse_project("demo", b"{\"files\": 3}").is_err());
        assert!(parse_project("demo", &[0xff, 0xfe]).is_err());
    }
}
