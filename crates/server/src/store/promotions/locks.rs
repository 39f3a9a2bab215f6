//! The locks of a promotion or a revert: one advisory lock per package it reads or writes, in
//! the source domain and in the destination domain, instead of the deployment-wide lock.
//!
//! A promotion learns its packages only by reading (a prefix's listing, the npm dependency
//! closure), so on PostgreSQL it plans once without locks to name them, takes their locks
//! (deployment key shared, then package keys sorted, like every package write) and plans again
//! inside the locked transaction. If that plan reads a package it holds no lock of (one that a
//! concurrent write added since), it rolls back and plans again holding that one too; after
//! [`MAX_REPLANS`] tries, or beyond [`MAX_PACKAGE_LOCKS`] keys, it takes the deployment-wide
//! lock. The plan that is applied has therefore read only packages whose locks it holds, so
//! overlapping promotions, reverts and copies stay serial, and disjoint ones run at once.

use super::super::WriteScope;
use std::collections::BTreeSet;
use wharf_core::names::PackageCoordinate;

/// Beyond this many package keys a promotion takes the deployment-wide lock instead: every
/// advisory lock takes a slot of PostgreSQL's shared lock table (`max_locks_per_transaction`
/// × `max_connections`, 6,400 by default), which a prefix promotion of thousands of packages
/// would exhaust.
pub(super) const MAX_PACKAGE_LOCKS: usize = 256;

/// How many times a promotion plans under package locks that turn out too few before it takes
/// the deployment-wide lock.
pub(super) const MAX_REPLANS: usize = 3;

/// The scope that locks `packages` in each of `domains`; the whole deployment when
/// `packages` is empty (nothing known yet, or SQLite) or too many.
pub(super) fn scope_of(
    owner: &str,
    domains: &[&str],
    packages: &BTreeSet<PackageCoordinate>,
) -> WriteScope {
    let mut scope = WriteScope::deployment();
    for c in packages {
        for d in domains {
            scope = scope.and_package(owner, d, c);
        }
    }
    if scope.package_count() > MAX_PACKAGE_LOCKS {
        return WriteScope::deployment();
    }
    scope
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coord(name: &str) -> PackageCoordinate {
        PackageCoordinate::parse("generic", Some("ns"), name).unwrap()
    }

    #[test]
    fn every_package_in_every_domain_and_the_deployment_beyond_the_limit() {
        let two: BTreeSet<_> = [coord("a"), coord("b")].into();
        assert_eq!(scope_of("1", &["src", "dst"], &two).package_count(), 4);
        assert_eq!(scope_of("1", &["d", "d"], &two).package_count(), 2);
        assert!(scope_of("1", &["d"], &BTreeSet::new()).is_deployment());
        let many: BTreeSet<_> = (0..=MAX_PACKAGE_LOCKS)
            .map(|i| coord(&format!("p{i}")))
            .collect();
        assert!(scope_of("1", &["d"], &many).is_deployment());
    }

    #[test]
    fn the_order_packages_are_named_in_does_not_change_the_lock_order() {
        let ab: BTreeSet<_> = [coord("a"), coord("b")].into();
        let ba: BTreeSet<_> = [coord("b"), coord("a")].into();
        let one = WriteScope::package("1", "d", &coord("b")).and_package("1", "d", &coord("a"));
        assert_eq!(scope_of("1", &["d"], &ab), scope_of("1", &["d"], &ba));
        assert_eq!(scope_of("1", &["d"], &ab), one);
    }
}
