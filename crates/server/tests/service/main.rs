//! The service's integration tests, as one test binary: each file below was its own binary
//! once, and linking 28 copies of the server (debug info and all) took minutes and gigabytes.
//! Run one file's tests with `cargo test -p wharf-server --test service FILE::`.

mod common;
mod support {
    //! Helpers shared by several test files: the store each test runs on, the IAM test
    //! service, the permission matrix, and promotion fixtures.
    pub mod db;
    pub mod iam;
    pub mod matrix;
    pub mod promotions;
}

mod admin_api;
mod all_operations;
mod api_audit;
mod api_auth;
mod api_copy;
mod api_external;
mod api_failures;
mod api_groups;
mod api_limits;
mod api_packages;
mod api_promotions;
mod api_publish;
mod api_resources;
mod api_tags;
mod api_versions;
mod demo;
mod hot_reads;
mod iam_auth;
mod iam_matrix;
mod iam_npm;
mod iam_policies;
mod iam_props;
mod iam_pypi;
mod metrics;
mod one_reading;
mod store_conformance;
mod store_races;
mod store_secrets;
mod version_pages;
