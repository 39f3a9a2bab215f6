//! Support code for Wharf's end-to-end tests: fixtures that start the real binaries on
//! loopback ports chosen at run time and the paths of the external clients they drive.
//!
//! - [`ServerFixture`] runs `wharf serve` with a fresh data directory and random root keys
//!   (build the binary first: `cargo build -p wharf-server --bin wharf`, or set `WHARF_BIN`).
//! - [`Aws`] runs the real `aws` CLI and boto3 from the tools venv against it.
//! - [`GenericPackage`] and the seeding and snapshot helpers work with generic packages.
//! - [`http`] is a tiny HTTP client for the calls no AWS client makes (health, bearer tokens).

mod aws;
mod generic;
pub mod http;
mod server;

pub use aws::{Aws, Cli, CliOutput, venv};
pub use generic::{
    GenericPackage, Listed, create_domain, domain_state, seed_domain, seed_versions, sha256_hex,
};
pub use server::{ACCOUNT_ID, REGION, ServerFixture, wharf_binary};
