//! The readable tables `wharf promote` and `wharf promotions` print to standard error on a
//! terminal, read from the JSON the service answered (so they show exactly what it said).

use serde_json::Value;

/// Columns aligned on their widest cell (in characters), separated by two spaces; the last
/// column is not padded.
pub fn columns(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut out = String::new();
        for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            if i == last {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<width$}  "));
            }
        }
        out.trim_end().to_owned() + "\n"
    };
    let mut out = line(headers.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// A package as users write it: `@scope/name` for npm, `namespace/name` otherwise.
fn display_name(p: &Value) -> String {
    let name = p["package"].as_str().unwrap_or("?");
    match (p["format"].as_str(), p["namespace"].as_str()) {
        (Some("npm"), Some(ns)) if !ns.is_empty() => format!("@{ns}/{name}"),
        (_, Some(ns)) if !ns.is_empty() => format!("{ns}/{name}"),
        _ => name.to_owned(),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The plan of a `PromotionResult` (or the packages of a `PromotionRecord`): one row per
/// version with its action and error, then dist-tag moves, the closure report and the summary.
pub fn plan(result: &Value) -> String {
    let mut rows = Vec::new();
    let mut tags = Vec::new();
    for p in result["packages"].as_array().into_iter().flatten() {
        let name = display_name(p);
        for v in p["versions"].as_array().into_iter().flatten() {
            let mut action = text(&v["action"]);
            if v["addedAsDependency"].as_bool() == Some(true) {
                action.push_str(" (dependency)");
            }
            let error = match (v["errorCode"].as_str(), v["errorMessage"].as_str()) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code.to_owned(),
                (None, _) => String::new(),
            };
            rows.push(vec![name.clone(), text(&v["version"]), action, error]);
        }
        for t in p["distTags"].as_array().into_iter().flatten() {
            let from = t["from"].as_str().unwrap_or("(none)");
            tags.push(format!(
                "dist-tag {} of {name}: {from} -> {}",
                text(&t["tag"]),
                text(&t["to"])
            ));
        }
    }
    let mut out = columns(&["PACKAGE", "VERSION", "ACTION", "ERROR"], &rows);
    for t in tags {
        out.push_str(&t);
        out.push('\n');
    }
    let closure = &result["closure"];
    for u in closure["unsatisfied"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "unsatisfied: {} {} required by {} ({})\n",
            text(&u["package"]),
            text(&u["range"]),
            text(&u["requiredBy"]),
            text(&u["kind"]),
        ));
    }
    for a in closure["added"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "added as a dependency: {}@{} required by {}\n",
            text(&a["package"]),
            text(&a["version"]),
            text(&a["requiredBy"]),
        ));
    }
    let s = &result["summary"];
    if s.is_object() {
        let n = |k: &str| s[k].as_u64().unwrap_or(0);
        out.push_str(&format!(
            "{}{}: {} packages, {} versions: {} copied, {} overwritten, {} no-op, {} failed, {} \
             skipped, {} added as dependencies\n",
            text(&result["status"]),
            if result["dryRun"].as_bool() == Some(true) {
                " (dry run)"
            } else {
                ""
            },
            n("packages"),
            n("versions"),
            n("copied"),
            n("overwritten"),
            n("noop"),
            n("failed"),
            n("skipped"),
            n("addedAsDependencies"),
        ));
    }
    if let Some(id) = result["promotionId"].as_str() {
        out.push_str(&format!("promotion {id}\n"));
    }
    out
}

/// A `RevertResult`: one row per version deleted or restored, then the dist-tags put back.
pub fn revert(result: &Value) -> String {
    let rows: Vec<Vec<String>> = result["actions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| vec![display_name(a), text(&a["version"]), text(&a["action"])])
        .collect();
    let mut out = columns(&["PACKAGE", "VERSION", "ACTION"], &rows);
    for t in result["distTags"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "dist-tag {} of {}: {} -> {}\n",
            text(&t["tag"]),
            text(&t["package"]),
            t["from"].as_str().unwrap_or("(none)"),
            t["to"].as_str().unwrap_or("(none)"),
        ));
    }
    out.push_str(&format!(
        "{}{} revert of {}\n",
        text(&result["status"]),
        if result["dryRun"].as_bool() == Some(true) {
            " (dry run)"
        } else {
            ""
        },
        text(&result["revertOf"]),
    ));
    out
}

/// A `ListPromotionsResult`: one row per promotion, newest first as the service sent them.
pub fn list(result: &Value) -> String {
    let place = |v: &Value| format!("{}/{}", text(&v["domain"]), text(&v["repository"]));
    let rows: Vec<Vec<String>> = result["promotions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            vec![
                text(&p["promotionId"]),
                text(&p["createdTime"]),
                text(&p["status"]),
                place(&p["source"]),
                place(&p["destination"]),
                text(&p["versionCount"]),
                text(&p["reason"]),
            ]
        })
        .collect();
    columns(
        &[
            "ID",
            "CREATED",
            "STATUS",
            "SOURCE",
            "DESTINATION",
            "VERSIONS",
            "REASON",
        ],
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn columns_align_on_the_widest_cell() {
        let t = columns(
            &["A", "LONG HEADER", "C"],
            &[
                vec!["wide cell".into(), "x".into(), "last".into()],
                vec!["é".into(), "".into(), "".into()],
            ],
        );
        assert_eq!(
            t,
            "A          LONG HEADER  C\n\
             wide cell  x            last\n\
             é\n"
        );
    }

    #[test]
    fn a_failed_plan_shows_every_version_its_error_tags_and_closure() {
        let result = json!({
            "status": "FAILED", "dryRun": true,
            "packages": [
                {"format": "npm", "namespace": "acme", "package": "ui", "distTags": [
                    {"tag": "latest", "from": "1.0.0", "to": "1.1.0"}],
                 "versions": [
                    {"version": "1.1.0", "action": "FAIL", "errorCode": "ALREADY_EXISTS",
                     "errorMessage": "differs", "addedAsDependency": false}]},
                {"format": "npm", "package": "left-pad", "distTags": [{"tag": "latest", "to": "1.3.0"}],
                 "versions": [
                    {"version": "1.3.0", "action": "SKIPPED", "errorCode": "SKIPPED",
                     "addedAsDependency": true}]}
            ],
            "closure": {
                "unsatisfied": [{"package": "lodash", "range": "^4", "requiredBy": "@acme/ui@1.1.0",
                                 "kind": "dependencies"}],
                "added": []},
            "summary": {"packages": 2, "versions": 2, "copied": 0, "overwritten": 0, "noop": 0,
                        "failed": 1, "skipped": 1, "addedAsDependencies": 1}
        });
        let t = plan(&result);
        assert_eq!(
            t,
            "PACKAGE   VERSION  ACTION                ERROR\n\
             @acme/ui  1.1.0    FAIL                  ALREADY_EXISTS: differs\n\
             left-pad  1.3.0    SKIPPED (dependency)  SKIPPED\n\
             dist-tag latest of @acme/ui: 1.0.0 -> 1.1.0\n\
             dist-tag latest of left-pad: (none) -> 1.3.0\n\
             unsatisfied: lodash ^4 required by @acme/ui@1.1.0 (dependencies)\n\
             FAILED (dry run): 2 packages, 2 versions: 0 copied, 0 overwritten, 0 no-op, 1 \
             failed, 1 skipped, 1 added as dependencies\n"
        );
    }

    #[test]
    fn an_applied_plan_names_its_promotion_and_generic_namespaces() {
        let result = json!({
            "promotionId": "p-1", "status": "APPLIED", "dryRun": false,
            "packages": [{"format": "generic", "namespace": "tools", "package": "cli",
                          "versions": [{"version": "2", "action": "COPY"}]}],
            "closure": {"unsatisfied": [], "added": [
                {"package": "cli", "version": "2", "requiredBy": "app@1"}]},
            "summary": {"packages": 1, "versions": 1, "copied": 1}
        });
        let t = plan(&result);
        assert!(t.contains("tools/cli  2        COPY\n"), "{t}");
        assert!(
            t.contains("added as a dependency: cli@2 required by app@1\n"),
            "{t}"
        );
        assert!(
            t.contains("APPLIED: 1 packages, 1 versions: 1 copied, 0 overwritten"),
            "{t}"
        );
        assert!(t.ends_with("promotion p-1\n"), "{t}");
    }

    #[test]
    fn reverts_and_lists_read_their_members() {
        let r = json!({"promotionId": "r-2", "revertOf": "p-1", "dryRun": true, "status": "PLANNED",
                       "actions": [{"format": "npm", "namespace": "acme", "package": "ui",
                                    "version": "1.1.0", "action": "DELETE"}],
                       "distTags": [{"package": "@acme/ui", "tag": "latest", "from": "1.1.0", "to": "1.0.0"}]});
        assert_eq!(
            revert(&r),
            "PACKAGE   VERSION  ACTION\n\
             @acme/ui  1.1.0    DELETE\n\
             dist-tag latest of @acme/ui: 1.1.0 -> 1.0.0\n\
             PLANNED (dry run) revert of p-1\n"
        );
        let l = json!({"promotions": [{"promotionId": "p-1", "createdTime": 1700000000,
            "status": "APPLIED", "source": {"domain": "d", "repository": "staging"},
            "destination": {"domain": "d", "repository": "release"}, "versionCount": 40,
            "reason": "release 2.3"}]});
        assert_eq!(
            list(&l),
            "ID   CREATED     STATUS   SOURCE     DESTINATION  VERSIONS  REASON\n\
             p-1  1700000000  APPLIED  d/staging  d/release    40        release 2.3\n"
        );
    }
}
