//! # wharf-fuzz
//!
//! The driver behind the fuzz targets of Wharf's network-facing parsers (SigV4 headers and
//! canonical requests, policy documents, npm publish bodies and tarballs, names and versions).
//! It runs on stable Rust under `cargo test`: each target is a proptest property whose inputs
//! are **seeds mutated** (a seed corpus kept beside the target, then a few byte- or
//! JSON-level mutations, see [`mutated_bytes`] and [`mutated_json`]) or generated from scratch.
//! proptest shrinks a failing input and records its seed in a `*.proptest-regressions` file,
//! which is replayed first on every later run.
//!
//! Each target runs a bounded number of cases ([`config`]); `WHARF_FUZZ_CASES=N` runs every
//! target for `N` cases instead, to fuzz longer by hand:
//!
//! ```text
//! WHARF_FUZZ_CASES=200000 cargo test --release -p wharf-npm --test fuzz
//! ```
//!
//! Only test code depends on this crate.

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use serde_json::{Map, Value};
use std::path::Path;

/// The environment variable that sets the number of cases of every fuzz target.
pub const CASES_VAR: &str = "WHARF_FUZZ_CASES";

/// The number of cases to run: `$WHARF_FUZZ_CASES` if it is set to a number, else `default`.
pub fn cases(default: u32) -> u32 {
    std::env::var(CASES_VAR)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// The proptest configuration of a target that runs `default_cases` cases in CI
/// ([`cases`] decides). Shrinking is bounded so that a failure is reported quickly; failures
/// are kept in `<target>.proptest-regressions` beside the target's source file.
pub fn config(default_cases: u32) -> Config {
    Config {
        cases: cases(default_cases),
        max_shrink_iters: 4096,
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..Config::default()
    }
}

/// Every file directly in `dir`, sorted by name: a target's seed corpus.
///
/// Panics if the directory cannot be read or is empty (a target without seeds is a bug).
pub fn corpus(dir: impl AsRef<Path>) -> Vec<Vec<u8>> {
    let dir = dir.as_ref();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("seed corpus {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "seed corpus {} is empty", dir.display());
    paths
        .iter()
        .map(|p| std::fs::read(p).expect("seed file"))
        .collect()
}

/// The lines of `file`, each a seed (for corpora of short text inputs such as names and
/// headers). Lines starting with `# ` are comments; `\\xHH` escapes put any byte in a line.
///
/// Panics if the file cannot be read or holds no seed.
pub fn corpus_lines(file: impl AsRef<Path>) -> Vec<Vec<u8>> {
    let file = file.as_ref();
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("seed corpus {}: {e}", file.display()));
    let seeds: Vec<Vec<u8>> = text
        .lines()
        .filter(|l| !l.starts_with("# "))
        .map(unescape)
        .collect();
    assert!(!seeds.is_empty(), "seed corpus {} is empty", file.display());
    seeds
}

/// Decodes `\\xHH` escapes; anything else is kept as is.
fn unescape(line: &str) -> Vec<u8> {
    let b = line.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 2..i + 4)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit));
        if b[i] == b'\\'
            && b.get(i + 1) == Some(&b'x')
            && let Some(hex) = hex
        {
            let hex = std::str::from_utf8(hex).expect("ASCII");
            out.push(u8::from_str_radix(hex, 16).expect("hex digits"));
            i += 4;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// Bytes that often matter to parsers: delimiters, quotes, escapes, controls, UTF-8 lead bytes.
const INTERESTING: &[u8] =
    b"\x00\x01\x7f\x80\xbf\xc0\xe2\xef\xf0\xff \t\r\n\"'\\/{}[]:,;=%&?#@+-.*0189aAzZ";

/// One edit of a byte string. Positions are taken modulo the length, so they fit any input.
#[derive(Debug, Clone)]
pub enum ByteEdit {
    /// Flips one bit of one byte.
    FlipBit(usize, u8),
    /// Overwrites one byte with an [`INTERESTING`] one or any byte.
    Set(usize, u8),
    /// Inserts bytes.
    Insert(usize, Vec<u8>),
    /// Inserts a token of the target's dictionary.
    Token(usize, usize),
    /// Removes up to `n` bytes.
    Remove(usize, usize),
    /// Copies a range to another place.
    Duplicate(usize, usize, usize),
    /// Cuts the input short.
    Truncate(usize),
}

fn byte_edit() -> impl Strategy<Value = ByteEdit> {
    let byte = prop_oneof![proptest::sample::select(INTERESTING.to_vec()), any::<u8>()];
    prop_oneof![
        1 => (any::<usize>(), 0u8..8).prop_map(|(i, b)| ByteEdit::FlipBit(i, b)),
        1 => (any::<usize>(), byte.clone()).prop_map(|(i, b)| ByteEdit::Set(i, b)),
        1 => (any::<usize>(), proptest::collection::vec(byte, 1..16))
            .prop_map(|(i, b)| ByteEdit::Insert(i, b)),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(i, t)| ByteEdit::Token(i, t)),
        1 => (any::<usize>(), 1usize..64).prop_map(|(i, n)| ByteEdit::Remove(i, n)),
        1 => (any::<usize>(), any::<usize>(), 1usize..64)
            .prop_map(|(f, t, n)| ByteEdit::Duplicate(f, t, n)),
        1 => any::<usize>().prop_map(ByteEdit::Truncate),
    ]
}

/// Applies `edit` to `data`; `tokens` is the dictionary [`ByteEdit::Token`] draws from.
pub fn apply_byte_edit(data: &mut Vec<u8>, edit: &ByteEdit, tokens: &[&[u8]]) {
    let at = |i: &usize, len: usize| i % (len + 1);
    match edit {
        ByteEdit::FlipBit(i, b) if !data.is_empty() => {
            let i = i % data.len();
            data[i] ^= 1 << b;
        }
        ByteEdit::Set(i, b) if !data.is_empty() => {
            let i = i % data.len();
            data[i] = *b;
        }
        ByteEdit::Insert(i, bytes) => {
            let i = at(i, data.len());
            data.splice(i..i, bytes.iter().copied());
        }
        ByteEdit::Token(i, t) if !tokens.is_empty() => {
            let i = at(i, data.len());
            let token = tokens[t % tokens.len()];
            data.splice(i..i, token.iter().copied());
        }
        ByteEdit::Remove(i, n) if !data.is_empty() => {
            let i = i % data.len();
            let end = (i + n).min(data.len());
            data.drain(i..end);
        }
        ByteEdit::Duplicate(from, to, n) if !data.is_empty() => {
            let from = from % data.len();
            let end = (from + n).min(data.len());
            let chunk = data[from..end].to_vec();
            let to = at(to, data.len());
            data.splice(to..to, chunk);
        }
        ByteEdit::Truncate(i) => {
            let i = at(i, data.len());
            data.truncate(i);
        }
        _ => {}
    }
}

/// A seed from `seeds` with 0 to 7 [`ByteEdit`]s applied (tokens from `tokens`), or, one time
/// in eight, up to 256 random bytes.
pub fn mutated_bytes(
    seeds: Vec<Vec<u8>>,
    tokens: &'static [&'static [u8]],
) -> impl Strategy<Value = Vec<u8>> {
    assert!(!seeds.is_empty(), "no seeds");
    prop_oneof![
        7 => (
            proptest::sample::select(seeds),
            proptest::collection::vec(byte_edit(), 0..8)
        )
            .prop_map(move |(mut data, edits)| {
                for edit in &edits {
                    apply_byte_edit(&mut data, edit, tokens);
                }
                data
            }),
        1 => proptest::collection::vec(any::<u8>(), 0..256),
    ]
}

/// [`mutated_bytes`] read as UTF-8, invalid sequences replaced (for parsers that take `&str`).
pub fn mutated_text(
    seeds: Vec<Vec<u8>>,
    tokens: &'static [&'static [u8]],
) -> impl Strategy<Value = String> {
    mutated_bytes(seeds, tokens).prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Strings that break parsers: empty, huge, controls, bidi controls, quotes, escapes, numbers,
/// non-BMP characters, and anything else.
pub fn tricky_string() -> impl Strategy<Value = String> {
    let special = proptest::sample::select(vec![
        "", " ", "\0", "\u{202e}", "\u{2066}", "\u{200f}", "\u{feff}", "\u{85}", "İ", "ß", "🦀",
        "%", "%00", "%2f", "%zz", "/", "//", "..", ".", "@", "#", "?", "&", "=", ";", ",", ":",
        "\"", "\\", "*", "${x}", "-1", "1e999", "0", "null", "true",
    ]);
    prop_oneof![
        3 => proptest::collection::vec(special, 0..6).prop_map(|parts| parts.concat()),
        2 => "\\PC{0,24}",
        1 => any::<String>(),
        1 => (proptest::sample::select(vec!["a", "İ", "\u{202e}", "%"]), 200usize..300)
            .prop_map(|(s, n)| s.repeat(n)),
    ]
}

/// Any JSON value: scalars (including [`tricky_string`]s), arrays and objects up to a few
/// levels deep, with keys drawn from `keys` or generated.
pub fn arbitrary_json(keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        tricky_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, move |inner| {
        let key = prop_oneof![
            3 => proptest::sample::select(keys.to_vec()).prop_map(str::to_owned),
            1 => tricky_string(),
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((key, inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// One edit of a JSON document, at a node chosen by a number taken modulo its node count.
#[derive(Debug, Clone)]
pub enum JsonEdit {
    /// Replaces the node.
    Replace(usize, Value),
    /// Removes the node from its parent (an object member or array element).
    Remove(usize),
    /// Adds a member to an object node, or pushes onto an array node.
    Add(usize, String, Value),
    /// Puts the node in an array (`x` becomes `[x]`).
    Wrap(usize),
    /// Copies another node over this one.
    CopyFrom(usize, usize),
}

/// JSON pointers of every node of `v`, in document order (the root is `""`).
pub fn pointers(v: &Value) -> Vec<String> {
    fn walk(v: &Value, here: String, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                out.push(here.clone());
                for (k, child) in m {
                    let k = k.replace('~', "~0").replace('/', "~1");
                    walk(child, format!("{here}/{k}"), out);
                }
            }
            Value::Array(a) => {
                out.push(here.clone());
                for (i, child) in a.iter().enumerate() {
                    walk(child, format!("{here}/{i}"), out);
                }
            }
            _ => out.push(here),
        }
    }
    let mut out = Vec::new();
    walk(v, String::new(), &mut out);
    out
}

/// Applies `edit` to `doc`.
pub fn apply_json_edit(doc: &mut Value, edit: &JsonEdit) {
    let ptrs = pointers(doc);
    let pick = |i: &usize| ptrs[i % ptrs.len()].clone();
    match edit {
        JsonEdit::Replace(i, v) => {
            if let Some(node) = doc.pointer_mut(&pick(i)) {
                *node = v.clone();
            }
        }
        JsonEdit::Remove(i) => {
            let p = pick(i);
            let Some((parent, last)) = p.rsplit_once('/') else {
                return;
            };
            let last = last.replace("~1", "/").replace("~0", "~");
            match doc.pointer_mut(parent) {
                Some(Value::Object(m)) => {
                    m.remove(&last);
                }
                Some(Value::Array(a)) => {
                    if let Ok(n) = last.parse::<usize>()
                        && n < a.len()
                    {
                        a.remove(n);
                    }
                }
                _ => {}
            }
        }
        JsonEdit::Add(i, k, v) => match doc.pointer_mut(&pick(i)) {
            Some(Value::Object(m)) => {
                m.insert(k.clone(), v.clone());
            }
            Some(Value::Array(a)) => a.push(v.clone()),
            _ => {}
        },
        JsonEdit::Wrap(i) => {
            if let Some(node) = doc.pointer_mut(&pick(i)) {
                *node = Value::Array(vec![node.take()]);
            }
        }
        JsonEdit::CopyFrom(from, to) => {
            let value = doc.pointer(&pick(from)).cloned();
            if let (Some(value), Some(node)) = (value, doc.pointer_mut(&pick(to))) {
                *node = value;
            }
        }
    }
}

fn json_edit(keys: &'static [&'static str]) -> impl Strategy<Value = JsonEdit> {
    let key = prop_oneof![
        3 => proptest::sample::select(keys.to_vec()).prop_map(str::to_owned),
        1 => tricky_string(),
    ];
    prop_oneof![
        3 => (any::<usize>(), arbitrary_json(keys)).prop_map(|(i, v)| JsonEdit::Replace(i, v)),
        2 => any::<usize>().prop_map(JsonEdit::Remove),
        2 => (any::<usize>(), key, arbitrary_json(keys)).prop_map(|(i, k, v)| JsonEdit::Add(i, k, v)),
        1 => any::<usize>().prop_map(JsonEdit::Wrap),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(f, t)| JsonEdit::CopyFrom(f, t)),
    ]
}

/// A seed document from `seeds` with 0 to 5 [`JsonEdit`]s applied; new members and values use
/// the keys in `keys` (the target's vocabulary) three times in four.
pub fn mutated_json(
    seeds: Vec<Value>,
    keys: &'static [&'static str],
) -> impl Strategy<Value = Value> {
    assert!(!seeds.is_empty(), "no seeds");
    (
        proptest::sample::select(seeds),
        proptest::collection::vec(json_edit(keys), 0..6),
    )
        .prop_map(|(mut doc, edits)| {
            for edit in &edits {
                apply_json_edit(&mut doc, edit);
            }
            doc
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn byte_edits_stay_in_bounds_on_empty_and_short_inputs() {
        let edits = [
            ByteEdit::FlipBit(7, 3),
            ByteEdit::Set(3, 0),
            ByteEdit::Insert(9, vec![1, 2]),
            ByteEdit::Token(1, 5),
            ByteEdit::Remove(2, 40),
            ByteEdit::Duplicate(1, 8, 3),
            ByteEdit::Truncate(4),
        ];
        for start in [Vec::new(), vec![b'x'], b"hello".to_vec()] {
            for edit in &edits {
                let mut data = start.clone();
                apply_byte_edit(&mut data, edit, &[b"tok"]);
            }
        }
        let mut data = b"ab".to_vec();
        apply_byte_edit(&mut data, &ByteEdit::Insert(0, vec![b'-']), &[]);
        assert_eq!(data, b"-ab");
    }

    #[test]
    fn corpus_lines_decode_byte_escapes() {
        assert_eq!(unescape("a\\x00b\\xE2\\x80\\xAE"), b"a\x00b\xe2\x80\xae");
        assert_eq!(unescape("\\xZZ\\x4"), b"\\xZZ\\x4");
    }

    #[test]
    fn json_edits_reach_every_node() {
        let doc = json!({"a": [1, {"b/c": 2}], "d": null});
        assert_eq!(
            pointers(&doc),
            ["", "/a", "/a/0", "/a/1", "/a/1/b~1c", "/d"]
        );
        let mut d = doc.clone();
        apply_json_edit(&mut d, &JsonEdit::Remove(4));
        assert_eq!(d, json!({"a": [1, {}], "d": null}));
        let mut d = doc.clone();
        apply_json_edit(&mut d, &JsonEdit::Wrap(5));
        assert_eq!(d["d"], json!([null]));
        let mut d = doc;
        apply_json_edit(&mut d, &JsonEdit::Remove(2));
        assert_eq!(d["a"], json!([{"b/c": 2}]));
    }
}
