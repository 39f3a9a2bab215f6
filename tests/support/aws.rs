//! The clients the tests drive: the real `aws` CLI and boto3, both from the project's tools
//! venv (`$WHARF_VENV`, default `~/.cache/wharf-tools/venv`, made by `scripts/setup`).
//!
//! Each run gets a clean environment: the fixture's root keys and region, no config or
//! credentials files, and no retries (a retry would hide a failed first attempt).

use crate::server::{REGION, ServerFixture};
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The tools venv.
pub fn venv() -> PathBuf {
    let venv = std::env::var_os("WHARF_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            home.join(".cache/wharf-tools/venv")
        });
    assert!(
        venv.join("bin/aws").is_file() && venv.join("bin/python").is_file(),
        "{} lacks bin/aws or bin/python: run scripts/setup (or set WHARF_VENV)",
        venv.display()
    );
    venv
}

/// Python lines every boto3 script starts with: `client()` (a new session's CodeArtifact
/// client, so threads may each make one), `ARGS` (the JSON the test passed on stdin), `sha256(bytes)`
/// and `emit(value)` (prints the JSON the test reads back).
const PRELUDE: &str = r#"
import hashlib, json, os, sys, threading, time
from concurrent.futures import ThreadPoolExecutor
import boto3, botocore.config, botocore.exceptions
ENDPOINT = os.environ["WHARF_ENDPOINT"]
ARGS = json.loads(sys.stdin.read())
def client():
    return boto3.session.Session().client(
        "codeartifact", endpoint_url=ENDPOINT,
        config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 1},
                                      max_pool_connections=64))
def sha256(data):
    return hashlib.sha256(data).hexdigest()
def emit(value):
    print(json.dumps(value), flush=True)
"#;

/// A client configuration for one service: endpoint, keys and region, plus overrides.
#[derive(Debug, Clone)]
pub struct Aws {
    endpoint: String,
    env: Vec<(String, String)>,
}

impl ServerFixture {
    /// Clients signing with the root keys against the current endpoint (take a new one after
    /// a restart: the port changes).
    pub fn aws(&self) -> Aws {
        Aws {
            endpoint: self.endpoint().to_owned(),
            env: vec![
                ("AWS_ACCESS_KEY_ID".into(), self.access_key_id().into()),
                ("AWS_SECRET_ACCESS_KEY".into(), self.secret().into()),
                ("AWS_DEFAULT_REGION".into(), REGION.into()),
            ],
        }
    }
}

impl Aws {
    /// The same client with one environment variable replaced (e.g. a wrong secret).
    pub fn with_env(&self, name: &str, value: &str) -> Aws {
        let mut aws = self.clone();
        aws.env.retain(|(n, _)| n != name);
        aws.env.push((name.into(), value.into()));
        aws
    }

    /// The endpoint the clients talk to.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn command(&self, program: PathBuf) -> Command {
        let mut cmd = Command::new(program);
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("AWS_") {
                cmd.env_remove(name);
            }
        }
        cmd.env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_RETRY_MODE", "standard")
            .env("AWS_MAX_ATTEMPTS", "1")
            .env("WHARF_ENDPOINT", &self.endpoint)
            .envs(self.env.iter().map(|(n, v)| (n, v)))
            .stdin(Stdio::null());
        cmd
    }

    /// `aws codeartifact OPERATION …`, built up with [`Cli::arg`] and run with [`Cli::run`].
    pub fn cli(&self, operation: &str) -> Cli<'_> {
        Cli {
            aws: self,
            args: vec![operation.to_owned()],
        }
    }

    /// Runs a boto3 script (after [`PRELUDE`]) with `args` as `ARGS` and returns the JSON it
    /// emitted (`null` if none). Panics if the script fails.
    pub fn boto3(&self, script: &str, args: &Value) -> Value {
        let out = self
            .boto3_spawn(script, args, Stdio::piped())
            .wait_with_output()
            .expect("python runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "the boto3 script failed ({}):\n{}\nstdout: {stdout}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        if stdout.trim().is_empty() {
            return Value::Null;
        }
        serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("the boto3 script emitted no JSON ({e}): {stdout}"))
    }

    /// Starts a boto3 script without waiting: stdout is piped (for scripts that report as they
    /// go), stderr goes to `stderr`. `args` reach it on stdin (they may exceed what one
    /// environment variable or argument can hold).
    pub fn boto3_spawn(&self, script: &str, args: &Value, stderr: Stdio) -> Child {
        let mut child = self
            .command(venv().join("bin/python"))
            .args(["-c", &format!("{PRELUDE}\n{script}")])
            .env("PYTHONUNBUFFERED", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("the venv's python starts");
        let mut stdin = child.stdin.take().expect("piped stdin");
        stdin
            .write_all(args.to_string().as_bytes())
            .expect("the script reads its arguments");
        child
    }
}

/// One `aws codeartifact` command line being built.
#[derive(Debug)]
pub struct Cli<'a> {
    aws: &'a Aws,
    args: Vec<String>,
}

impl Cli<'_> {
    /// Appends one argument.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends arguments.
    pub fn args<S: Into<String>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Runs the command with `--endpoint-url` and `--output json`.
    pub fn run(self) -> CliOutput {
        let out = self
            .aws
            .command(venv().join("bin/aws"))
            .arg("codeartifact")
            .args(&self.args)
            .args(["--endpoint-url", &self.aws.endpoint, "--output", "json"])
            .output()
            .expect("the venv's aws runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let json = if stdout.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&stdout).unwrap_or_else(|e| {
                panic!(
                    "aws {:?} printed something that is not JSON ({e}): {stdout}",
                    self.args
                )
            })
        };
        CliOutput {
            command: self.args.join(" "),
            code: out.status.code().unwrap_or(-1),
            json,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs the command, which must succeed, and returns its JSON output.
    pub fn ok(self) -> Value {
        self.run().expect_ok()
    }
}

/// What one `aws` run produced.
#[derive(Debug, Clone)]
pub struct CliOutput {
    /// The command line after `aws codeartifact`, for messages.
    pub command: String,
    /// The exit code (255 for service errors in CLI v1).
    pub code: i32,
    /// Standard output as JSON (`null` when empty).
    pub json: Value,
    /// Standard error.
    pub stderr: String,
}

impl CliOutput {
    /// The exception the CLI printed: `X` in `An error occurred (X) when calling …`.
    pub fn error_code(&self) -> Option<&str> {
        let rest = self.stderr.split("An error occurred (").nth(1)?;
        rest.split(')').next()
    }

    /// The message after the operation name: `…operation: MESSAGE`, or with retries
    /// configured `…operation (reached max retries: 0): MESSAGE`.
    pub fn error_message(&self) -> &str {
        let Some((_, rest)) = self.stderr.split_once(" operation") else {
            return "";
        };
        let rest = match rest.strip_prefix(" (") {
            Some(retries) => retries.split_once("): ").map_or("", |(_, m)| m),
            None => rest.strip_prefix(": ").unwrap_or(""),
        };
        rest.trim()
    }

    /// Asserts success and returns the JSON.
    pub fn expect_ok(self) -> Value {
        assert_eq!(
            self.code, 0,
            "aws codeartifact {} failed:\n{}",
            self.command, self.stderr
        );
        self.json
    }

    /// Asserts that the service refused the call with `code` (exit 255) and returns the
    /// message it printed.
    pub fn expect_error(&self, code: &str) -> &str {
        assert_eq!(
            (self.code, self.error_code()),
            (255, Some(code)),
            "aws codeartifact {}: expected exit 255 with {code}; stdout {} stderr:\n{}",
            self.command,
            self.json,
            self.stderr
        );
        self.error_message()
    }
}
