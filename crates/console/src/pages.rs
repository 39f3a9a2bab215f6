//! One component per view of [`crate::route::Route`].

mod activity;
mod browse;
mod copy;
mod groups;
mod promote;
mod promotions;
mod signin;
mod verify;

pub use activity::ActivityPage;
pub use browse::{DomainsPage, PackagesPage, RepositoriesPage, VersionPage, VersionsPage};
pub use copy::CopyPage;
pub use groups::PackageGroupsPage;
pub use promote::PromotePage;
pub use promotions::{PromotionPage, PromotionsPage};
pub use signin::SignInPage;
pub use verify::VerifyPage;
