//! [`ServerFixture`]: the real `wharf` binary on a loopback port picked at run time, with a
//! fresh data directory and random root keys of its own.
//!
//! The binary is `$WHARF_BIN` when set, else `wharf` next to the test executable's `deps/`
//! directory, i.e. in the same target directory: run `cargo build -p wharf-server --bin wharf`
//! before the tests (`scripts/test` does).

use crate::http;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// How long the binary may take to print its address and answer `/health`.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The account and region the fixture starts the service with (the binary's defaults).
pub const ACCOUNT_ID: &str = "000000000000";
/// The region clients sign for.
pub const REGION: &str = "us-east-1";

/// The path of the `wharf` binary under test.
pub fn wharf_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("WHARF_BIN") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().expect("the test executable's path");
    // target/<profile>/deps/<test> → target/<profile>/wharf
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test executable lives in <target>/<profile>/deps");
    let bin = profile_dir.join("wharf");
    assert!(
        bin.is_file(),
        "{} does not exist: run `cargo build -p wharf-server --bin wharf` (same target \
         directory and profile as the tests) or set WHARF_BIN",
        bin.display()
    );
    bin
}

/// A random string of `n` characters from `alphabet`, seeded from the OS's hasher keys.
fn random_string(alphabet: &[u8], n: usize) -> String {
    use std::hash::{BuildHasher, RandomState};
    let state = RandomState::new();
    (0..n)
        .map(|i| {
            let h = state.hash_one((i, std::process::id(), Instant::now()));
            alphabet[(h % alphabet.len() as u64) as usize] as char
        })
        .collect()
}

/// One running `wharf serve` and the temporary directory that holds its data and its log.
///
/// Dropping it kills the process and deletes the directory. When the test is failing, the
/// service's log (its stderr) is printed first.
pub struct ServerFixture {
    dir: TempDir,
    child: Option<Child>,
    endpoint: String,
    access_key_id: String,
    secret: String,
    starts: usize,
}

impl ServerFixture {
    /// Starts the service with a fresh data directory and random root keys.
    pub fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("wharf-e2e-")
            .tempdir()
            .expect("a temporary directory");
        let mut fixture = ServerFixture {
            dir,
            child: None,
            endpoint: String::new(),
            access_key_id: format!(
                "AKIA{}",
                random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
            ),
            secret: random_string(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                40,
            ),
            starts: 0,
        };
        fixture.spawn();
        fixture
    }

    /// `http://127.0.0.1:PORT`, as printed by the running process.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The root access key id.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The root secret access key.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The service's data directory (kept across restarts).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A directory private to this fixture for the test's own files (assets to publish,
    /// downloads, scripts).
    pub fn scratch_dir(&self) -> PathBuf {
        let d = self.dir.path().join("scratch");
        std::fs::create_dir_all(&d).expect("the scratch directory");
        d
    }

    /// Everything the service wrote to stderr so far, over all its runs.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("wharf.stderr.log")
    }

    /// Whether the process is running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.as_mut().map(Child::try_wait), Some(Ok(None)))
    }

    /// Stops the process gracefully (SIGTERM, then SIGKILL after 20 s) and starts it again on
    /// the same data directory (on a new port).
    pub fn restart(&mut self) {
        self.stop_gracefully();
        self.spawn();
    }

    /// Kills the process with SIGKILL (what `Child::kill` sends on unix) and waits for it.
    /// [`ServerFixture::start_again`] brings it back.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the process again on the same data directory after [`ServerFixture::kill9`].
    pub fn start_again(&mut self) {
        assert!(self.child.is_none(), "the service is still running");
        self.spawn();
    }

    fn stop_gracefully(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        // std has no way to send SIGTERM; `kill` from the system does, to our own child only.
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    fn spawn(&mut self) {
        self.starts += 1;
        let log = File::options()
            .create(true)
            .append(true)
            .open(self.log_path())
            .expect("the log file");
        let mut child = Command::new(wharf_binary())
            .arg("serve")
            .arg("--data-dir")
            .arg(self.data_dir())
            .args(["--listen", "127.0.0.1:0"])
            .env("WHARF_ROOT_ACCESS_KEY_ID", &self.access_key_id)
            .env("WHARF_ROOT_SECRET_ACCESS_KEY", &self.secret)
            .env_remove("WHARF_DATA_DIR")
            .env_remove("WHARF_LISTEN")
            .env_remove("WHARF_ACCOUNT_ID")
            .env_remove("WHARF_REGION")
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", wharf_binary().display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        // Reads the address line, then keeps draining stdout so the process never blocks on it.
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = line.strip_prefix("wharf listening on ")
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(addr.trim().to_owned());
                }
            }
        });
        self.child = Some(child);
        match rx.recv_timeout(START_TIMEOUT) {
            Ok(endpoint) => self.endpoint = endpoint,
            Err(_) => {
                let running = self.is_running();
                panic!(
                    "wharf (start #{}) printed no `wharf listening on` line within \
                     {START_TIMEOUT:?}; running: {running}; log:\n{}",
                    self.starts,
                    self.log()
                )
            }
        }
        self.wait_healthy();
    }

    fn wait_healthy(&mut self) {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            match http::request(&self.endpoint, "GET", "/health", &[], b"") {
                Ok(r) if r.status == 200 => return,
                Ok(_) | Err(_) if Instant::now() < deadline && self.is_running() => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                other => panic!(
                    "GET {}/health never answered 200 (last: {other:?}); log:\n{}",
                    self.endpoint,
                    self.log()
                ),
            }
        }
    }
}

impl Drop for ServerFixture {
    fn drop(&mut self) {
        self.kill9();
        if std::thread::panicking() {
            eprintln!(
                "---- wharf log ({}) ----\n{}---- end of wharf log ----",
                self.log_path().display(),
                self.log()
            );
        }
    }
}
