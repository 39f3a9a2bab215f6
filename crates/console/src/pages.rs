//! One component per view of [`crate::route::Route`].

mod browse;
mod copy;
mod groups;
mod signin;
mod verify;

pub use browse::{DomainsPage, PackagesPage, RepositoriesPage, VersionPage, VersionsPage};
pub use copy::CopyPage;
pub use groups::PackageGroupsPage;
pub use signin::SignInPage;
pub use verify::VerifyPage;
