//! Tests of the promotion planner: request rules, lockfiles, the closure, the plan's report
//! and revert (table tests), and property tests over random repositories.

use super::*;
use crate::api::{self, PromotionAction as Action, PromotionErrorCode as Code};
use crate::copy::VersionRecord;
use crate::names::{PackageVersionStatus as Status, RepositoryName, Revision};

mod closure_cases;
mod lockfile_cases;
mod props;
mod request_cases;
mod revert_cases;

/// An npm package key from its npm name (`@scope/name`).
fn key(name: &str) -> PackageKey {
    closure::npm_key(name).expect("test names are valid")
}

fn v(s: &str) -> PackageVersion {
    PackageVersion::parse(s).unwrap()
}

/// A repository holding `versions` as `(version, revision)`, all Published.
fn repo(name: &str, versions: &[(&str, &str)]) -> RepositoryPackage {
    let mut r = RepositoryPackage::absent(RepositoryName::parse(name).unwrap());
    r.exists = !versions.is_empty();
    for (ver, rev) in versions {
        r.versions.insert(
            v(ver),
            VersionRecord {
                version: v(ver),
                revision: Revision::parse(rev).unwrap(),
                status: Status::Published,
                origin: None,
            },
        );
    }
    r
}

/// npm dependencies `{name: range}`.
fn deps(list: &[(&str, &str)]) -> api::NpmDependencies {
    api::NpmDependencies {
        dependencies: list
            .iter()
            .map(|(n, r)| (n.to_string(), r.to_string()))
            .collect(),
        ..Default::default()
    }
}

/// Source, destination and destination-upstream contents per package, and npm dependencies.
#[derive(Debug, Default, Clone)]
struct World {
    source: BTreeMap<PackageKey, RepositoryPackage>,
    destination: BTreeMap<PackageKey, RepositoryPackage>,
    upstream: BTreeMap<PackageKey, RepositoryPackage>,
    deps: BTreeMap<PackageKey, BTreeMap<PackageVersion, api::NpmDependencies>>,
}

impl World {
    fn src(mut self, name: &str, versions: &[(&str, &str)]) -> Self {
        self.source.insert(key(name), repo("staging", versions));
        self
    }
    fn dst(mut self, name: &str, versions: &[(&str, &str)]) -> Self {
        self.destination
            .insert(key(name), repo("release", versions));
        self
    }
    fn up(mut self, name: &str, versions: &[(&str, &str)]) -> Self {
        self.upstream.insert(key(name), repo("npm-store", versions));
        self
    }
    fn dep(mut self, name: &str, version: &str, list: &[(&str, &str)]) -> Self {
        self.deps
            .entry(key(name))
            .or_default()
            .insert(v(version), deps(list));
        self
    }

    fn data(&self, k: &PackageKey) -> PackageData {
        let or_absent = |m: &BTreeMap<PackageKey, RepositoryPackage>, name: &str| {
            m.get(k)
                .cloned()
                .unwrap_or_else(|| RepositoryPackage::absent(RepositoryName::parse(name).unwrap()))
        };
        PackageData {
            source: vec![or_absent(&self.source, "staging")],
            destination: or_absent(&self.destination, "release"),
            destination_upstreams: vec![or_absent(&self.upstream, "npm-store")],
            dependencies: self.deps.get(k).cloned().unwrap_or_default(),
            source_content: BTreeMap::new(),
            destination_content: BTreeMap::new(),
        }
    }

    /// Drives the planner loop as the server does.
    fn plan(&self, request: &api::PromotionRequest) -> PromotionPlan {
        let spec = PromotionSpec::try_from(request).expect("valid test request");
        let mut p = PromotionPlanner::new(spec);
        if p.listing_wanted().is_some() {
            p.provide_listing(self.source.keys().cloned().collect())
                .unwrap();
        }
        for _ in 0..100 {
            let wanted = p.wanted();
            if wanted.is_empty() {
                return p.finish().unwrap();
            }
            for k in wanted {
                let d = self.data(&k);
                p.provide(k, d);
            }
        }
        panic!("the planner loop did not end");
    }
}

/// A request promoting npm `packages` (`(name, versions)`) from staging to release.
fn request(packages: &[(&str, &[&str])]) -> api::PromotionRequest {
    api::PromotionRequest {
        domain: Some("my-domain".into()),
        source_repository: Some("staging".into()),
        destination_repository: Some("release".into()),
        packages: Some(
            packages
                .iter()
                .map(|(name, versions)| {
                    let k = key(name);
                    api::PackageSelection {
                        format: Some("npm".into()),
                        namespace: k.namespace.map(|n| n.to_string()),
                        package: Some(k.name.to_string()),
                        versions: Some(versions.iter().map(|s| s.to_string()).collect()),
                        version_revisions: None,
                    }
                })
                .collect(),
        ),
        ..Default::default()
    }
}

/// `(package, version, action, error code)` of every version of a result.
fn actions(r: &api::PromotionResult) -> Vec<(String, String, Action, Option<Code>)> {
    r.packages
        .iter()
        .flat_map(|p| {
            let name = key_name(p);
            p.versions
                .iter()
                .map(move |v| (name.clone(), v.version.clone(), v.action, v.error_code))
        })
        .collect()
}

fn key_name(p: &api::PromotedPackage) -> String {
    match &p.namespace {
        Some(ns) => format!("@{ns}/{}", p.package),
        None => p.package.clone(),
    }
}

#[test]
fn identical_new_and_differing_versions_follow_copy_rules() {
    let world = World::default()
        .src("a", &[("1.0.0", "r1"), ("1.1.0", "r2")])
        .dst("a", &[("1.0.0", "r1")])
        .src("@s/b", &[("2.0.0", "b2")])
        .dst("@s/b", &[("2.0.0", "other")]);
    let r = world
        .plan(&request(&[
            ("a", &["1.0.0", "1.1.0"]),
            ("@s/b", &["2.0.0"]),
        ]))
        .result(true);
    assert_eq!(r.status, api::PromotionStatus::Failed);
    assert_eq!(
        actions(&r),
        vec![
            ("a".into(), "1.0.0".into(), Action::Noop, None),
            (
                "a".into(),
                "1.1.0".into(),
                Action::Skipped,
                Some(Code::Skipped)
            ),
            (
                "@s/b".into(),
                "2.0.0".into(),
                Action::Fail,
                Some(Code::AlreadyExists)
            ),
        ]
    );
    assert_eq!(r.summary.skipped, 1);
    assert_eq!(r.summary.failed, 1);

    let mut overwrite = request(&[("a", &["1.0.0", "1.1.0"]), ("@s/b", &["2.0.0"])]);
    overwrite.allow_overwrite = Some(true);
    let plan = world.plan(&overwrite);
    let r = plan.result(false);
    assert_eq!(r.status, api::PromotionStatus::Applied);
    let got: Vec<_> = actions(&r).into_iter().map(|a| a.2).collect();
    assert_eq!(got, vec![Action::Noop, Action::Copy, Action::Overwrite]);
    assert_eq!(
        r.packages[1].versions[0].destination_revision.as_deref(),
        Some("other")
    );
    let writes = plan.writes();
    assert_eq!(writes.versions.len(), 2);
    assert_eq!(
        writes.versions[1].before.as_ref().unwrap().revision,
        "other"
    );
    assert!(writes.versions[0].before.is_none());
}

#[test]
fn a_missing_package_or_version_is_not_found_and_fails_everything() {
    let world = World::default().src("a", &[("1.0.0", "r1")]);
    let r = world
        .plan(&request(&[
            ("a", &["1.0.0", "9.9.9"]),
            ("ghost", &["1.0.0"]),
        ]))
        .result(true);
    assert_eq!(
        actions(&r)
            .into_iter()
            .map(|a| (a.2, a.3))
            .collect::<Vec<_>>(),
        vec![
            (Action::Skipped, Some(Code::Skipped)),
            (Action::Fail, Some(Code::NotFound)),
            (Action::Fail, Some(Code::NotFound)),
        ]
    );
    assert!(r.packages.iter().all(|p| p.dist_tags.is_empty()));
}

#[test]
fn dist_tags_move_with_a_successful_plan_only() {
    let mut world = World::default()
        .src("a", &[("1.0.0", "r1"), ("2.0.0", "r2")])
        .dst("a", &[("1.0.0", "r1")]);
    let src = world.source.get_mut(&key("a")).unwrap();
    src.dist_tags.insert("latest".into(), v("2.0.0"));
    world
        .destination
        .get_mut(&key("a"))
        .unwrap()
        .dist_tags
        .insert("latest".into(), v("1.0.0"));
    let plan = world.plan(&request(&[("a", &["2.0.0"])]));
    let r = plan.result(true);
    assert_eq!(r.status, api::PromotionStatus::Planned);
    assert_eq!(
        r.packages[0].dist_tags,
        vec![api::DistTagChange {
            tag: "latest".into(),
            from: Some("1.0.0".into()),
            to: "2.0.0".into()
        }]
    );
    assert_eq!(plan.writes().dist_tags[0].before.as_deref(), Some("1.0.0"));
}

#[test]
fn conflicts_carry_the_diff_when_content_is_given() {
    use crate::revision::VersionContent;
    let world = World::default()
        .src("a", &[("1.0.0", "new")])
        .dst("a", &[("1.0.0", "old")]);
    let spec = PromotionSpec::try_from(&request(&[("a", &["1.0.0"])])).unwrap();
    let mut p = PromotionPlanner::new(spec);
    let mut data = world.data(&key("a"));
    let content = |summary: &str| VersionContent {
        assets: vec![],
        metadata: crate::revision::VersionMetadata {
            summary: Some(summary.into()),
            ..Default::default()
        },
    };
    data.source_content.insert(v("1.0.0"), content("after"));
    data.destination_content
        .insert(v("1.0.0"), content("before"));
    assert_eq!(p.wanted(), vec![key("a")]);
    p.provide(key("a"), data);
    assert!(p.wanted().is_empty());
    let r = p.finish().unwrap().result(true);
    let diff = r.packages[0].versions[0].diff.as_ref().expect("a diff");
    assert_eq!(diff.metadata_changed[0].field, "summary");
    assert_eq!(diff.metadata_changed[0].after.as_deref(), Some("after"));
}

#[test]
fn select_takes_matching_packages_and_status() {
    let mut world = World::default()
        .src("app-one", &[("1.0.0", "r1"), ("1.1.0", "r2")])
        .src("app-two", &[("3.0.0", "r3")])
        .src("other", &[("1.0.0", "r4")]);
    world
        .source
        .get_mut(&key("app-one"))
        .unwrap()
        .versions
        .get_mut(&v("1.1.0"))
        .unwrap()
        .status = Status::Archived;
    let mut req = request(&[]);
    req.packages = None;
    req.select = Some(api::PromotionSelect {
        format: Some("npm".into()),
        package_prefix: Some("app-".into()),
        ..Default::default()
    });
    let r = world.plan(&req).result(true);
    assert_eq!(
        actions(&r)
            .into_iter()
            .map(|a| (a.0, a.1, a.2))
            .collect::<Vec<_>>(),
        vec![
            ("app-one".into(), "1.0.0".into(), Action::Copy),
            ("app-two".into(), "3.0.0".into(), Action::Copy),
        ]
    );
}
