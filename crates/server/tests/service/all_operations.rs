//! Every operation of botocore's CodeArtifact model reaches a handler: sent with its method and
//! path (and no members, as root), none answers `UnknownOperationException`. The model comes
//! from botocore in the tools venv (`$WHARF_VENV`, default `~/.cache/wharf-tools/venv`) or
//! `python3`, as `tests/wire_model.rs` finds it.

use crate::common;

use common::TestApp;
use std::path::PathBuf;
use std::process::Command;

/// Prints `name method uri` for every operation of the model.
const LIST_OPERATIONS: &str = "import botocore.session\n\
m = botocore.session.get_session().get_service_model('codeartifact')\n\
for n in m.operation_names:\n    o = m.operation_model(n)\n    print(n, o.http['method'], o.http['requestUri'])";

fn model_operations() -> Vec<(String, String, String)> {
    let venv = std::env::var_os("WHARF_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            home.join(".cache/wharf-tools/venv")
        });
    let pythons = [venv.join("bin/python"), PathBuf::from("python3")];
    let out = pythons
        .iter()
        .filter_map(|py| Command::new(py).args(["-c", LIST_OPERATIONS]).output().ok())
        .find(|o| o.status.success())
        .unwrap_or_else(|| panic!("botocore not found: tried {pythons:?}; run scripts/setup"));
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(|l| {
            let mut parts = l.split_whitespace().map(str::to_owned);
            let mut next = || parts.next().expect("name method uri");
            (next(), next(), next())
        })
        .collect()
}

#[tokio::test]
async fn every_model_operation_is_served() {
    let ops = model_operations();
    assert!(ops.len() >= 48, "the model lists {} operations", ops.len());
    let app = TestApp::new().await;
    let mut missing = Vec::new();
    for (name, method, uri) in &ops {
        let reply = app.call(method, uri, "", None).await;
        if reply.error_type() == Some("UnknownOperationException") {
            missing.push(format!("{name} ({method} {uri})"));
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {} operations answer UnknownOperationException: {}",
        missing.len(),
        ops.len(),
        missing.join(", ")
    );
}
