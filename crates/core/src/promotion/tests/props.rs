//! Property tests over random packages, destination states and options: a plan is
//! all-or-nothing; applying it and then its revert gives back the starting destination;
//! re-planning after applying is all `NOOP`.

use super::*;
use crate::names::{Namespace, PackageName};
use crate::promotion::revert::{CurrentState, RevertStep, TagRef, VersionRef, plan_revert};
use proptest::prelude::*;

const NAMES: [&str; 5] = ["a", "b", "@s/c", "d", "@t/e"];
const VERSIONS: [&str; 4] = ["1.0.0", "1.1.0", "2.0.0", "3.0.0-rc.1"];
const RANGES: [&str; 4] = ["^1.0.0", "^2.0.0", "*", ">=1.1.0 <3"];

fn key_of(format: crate::names::PackageFormat, ns: &Option<String>, name: &str) -> PackageKey {
    PackageKey {
        format,
        namespace: ns.as_ref().map(|n| Namespace::parse(n).unwrap()),
        name: PackageName::parse(name).unwrap(),
    }
}

/// Applies a successful plan to the world's destination, as the server's store does.
pub(super) fn apply(world: &mut World, plan: &PromotionPlan) {
    for p in &plan.packages {
        let dst = world
            .destination
            .entry(p.key.clone())
            .or_insert_with(|| repo("release", &[]));
        dst.exists = true;
        for pv in &p.versions {
            if let PromotionOutcome::Copy(c) = &pv.outcome {
                dst.versions.insert(pv.version.clone(), c.record.clone());
            }
        }
        for t in &p.dist_tags {
            dst.dist_tags.insert(t.tag.clone(), t.to.clone());
        }
    }
}

/// What the destination holds now of everything `writes` touched.
pub(super) fn current(world: &World, writes: &api::PromotionWrites) -> CurrentState {
    let (versions, tags) = revert::touched(writes);
    let mut state = CurrentState::default();
    for r in versions {
        let k = key_of(r.format, &r.namespace, &r.package);
        if let Some(rec) = world
            .destination
            .get(&k)
            .and_then(|d| d.versions.get(&v(&r.version)))
        {
            let s = api::VersionState {
                revision: rec.revision.to_string(),
                status: rec.status,
                content: None,
            };
            state.versions.insert(r, s);
        }
    }
    for t in tags {
        let k = key_of(t.format, &t.namespace, &t.package);
        if let Some(to) = world
            .destination
            .get(&k)
            .and_then(|d| d.dist_tags.get(&t.tag))
        {
            state.dist_tags.insert(t, to.to_string());
        }
    }
    state
}

/// Applies a revert plan to the world's destination.
pub(super) fn apply_revert(world: &mut World, plan: &revert::RevertPlan) {
    for (r, _, step) in &plan.versions {
        let VersionRef {
            format,
            namespace,
            package,
            version,
        } = r;
        let dst = world
            .destination
            .get_mut(&key_of(*format, namespace, package))
            .unwrap();
        match step {
            RevertStep::Delete => {
                dst.versions.remove(&v(version));
            }
            RevertStep::Restore(s) => {
                let record = VersionRecord {
                    version: v(version),
                    revision: Revision::parse(&s.revision).unwrap(),
                    status: s.status,
                    origin: None,
                };
                dst.versions.insert(v(version), record);
            }
        }
    }
    for (
        TagRef {
            format,
            namespace,
            package,
            tag,
        },
        _,
        to,
    ) in &plan.dist_tags
    {
        let dst = world
            .destination
            .get_mut(&key_of(*format, namespace, package))
            .unwrap();
        match to {
            Some(to) => dst.dist_tags.insert(tag.clone(), v(to)),
            None => dst.dist_tags.remove(tag),
        };
    }
}

/// The destination as a comparable snapshot: (package, version, revision, status) and tags.
pub(super) fn snapshot(world: &World) -> Vec<String> {
    let mut out = Vec::new();
    for (k, d) in &world.destination {
        for r in d.versions.values() {
            out.push(format!(
                "{}@{} {} {}",
                k.display_name(),
                r.version,
                r.revision,
                r.status
            ));
        }
        for (t, to) in &d.dist_tags {
            out.push(format!("{} tag {t}={to}", k.display_name()));
        }
    }
    out
}

#[derive(Debug, Clone)]
struct Case {
    world: World,
    request: api::PromotionRequest,
}

fn package_state() -> impl Strategy<Value = Vec<(usize, usize)>> {
    // (version index, revision index) pairs; duplicates collapse in the map.
    prop::collection::vec((0..VERSIONS.len(), 0..2usize), 0..4)
}

fn case() -> impl Strategy<Value = Case> {
    let per_package = (
        package_state(),
        package_state(),
        prop::collection::vec((0..VERSIONS.len(), 0..NAMES.len(), 0..RANGES.len()), 0..3),
        prop::collection::vec(0..VERSIONS.len(), 0..3),
        prop::option::of(0..VERSIONS.len()),
        prop::option::of(0..VERSIONS.len()),
    );
    (
        prop::collection::vec(per_package, NAMES.len()),
        any::<(bool, bool, bool)>(),
    )
        .prop_map(|(packages, (overwrite, with_deps, allow_unsatisfied))| {
            let mut world = World::default();
            let mut requested: Vec<(&str, Vec<&str>)> = Vec::new();
            let revs = ["r1", "r2"];
            for (i, (src, dst, dependencies, wanted, src_tag, dst_tag)) in
                packages.into_iter().enumerate()
            {
                let name = NAMES[i];
                let pick = |s: &[(usize, usize)]| -> Vec<(&str, &str)> {
                    let m: BTreeMap<usize, usize> = s.iter().copied().collect();
                    m.into_iter().map(|(v, r)| (VERSIONS[v], revs[r])).collect()
                };
                world = world.src(name, &pick(&src)).dst(name, &pick(&dst));
                for (ver, dep, range) in dependencies {
                    if NAMES[dep] != name {
                        let mut list = world
                            .deps
                            .get(&key(name))
                            .and_then(|m| m.get(&v(VERSIONS[ver])))
                            .cloned()
                            .unwrap_or_default();
                        list.dependencies
                            .insert(NAMES[dep].into(), RANGES[range].into());
                        world
                            .deps
                            .entry(key(name))
                            .or_default()
                            .insert(v(VERSIONS[ver]), list);
                    }
                }
                if let Some(t) = src_tag {
                    world
                        .source
                        .get_mut(&key(name))
                        .unwrap()
                        .dist_tags
                        .insert("latest".into(), v(VERSIONS[t]));
                }
                if let Some(t) = dst_tag {
                    world
                        .destination
                        .get_mut(&key(name))
                        .unwrap()
                        .dist_tags
                        .insert("latest".into(), v(VERSIONS[t]));
                }
                let mut ws: Vec<&str> = wanted.into_iter().map(|w| VERSIONS[w]).collect();
                ws.sort();
                ws.dedup();
                if !ws.is_empty() {
                    requested.push((name, ws));
                }
            }
            if requested.is_empty() {
                requested.push((NAMES[0], vec![VERSIONS[0]]));
            }
            let list: Vec<(&str, &[&str])> = requested
                .iter()
                .map(|(n, vs)| (*n, vs.as_slice()))
                .collect();
            let mut request = request(&list);
            request.allow_overwrite = Some(overwrite);
            request.with_dependencies = Some(with_deps);
            request.allow_unsatisfied = Some(allow_unsatisfied);
            Case { world, request }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn plans_are_all_or_nothing_and_revert_restores(case in case()) {
        let Case { world, request } = case;
        let plan = world.plan(&request);
        let result = plan.result(true);
        let writes = plan.writes();
        if plan.succeeds() {
            prop_assert_eq!(result.status, api::PromotionStatus::Planned);
            prop_assert!(result.packages.iter().flat_map(|p| &p.versions)
                .all(|v| matches!(v.action, Action::Copy | Action::Overwrite | Action::Noop)));
        } else {
            prop_assert_eq!(result.status, api::PromotionStatus::Failed);
            prop_assert!(result.packages.iter().flat_map(|p| &p.versions)
                .all(|v| !matches!(v.action, Action::Copy | Action::Overwrite)));
            prop_assert!(result.packages.iter().all(|p| p.dist_tags.is_empty()));
            prop_assert_eq!(&writes, &api::PromotionWrites::default());
            return Ok(());
        }

        apply_and_revert(&world, &request, &plan)?;
    }

    #[test]
    fn lenient_plans_always_apply_and_revert(case in case()) {
        // With overwrite and unsatisfied ranges allowed, and only versions the source holds,
        // nothing can fail: the apply/revert round trip always runs.
        let Case { world, mut request } = case;
        request.allow_overwrite = Some(true);
        request.allow_unsatisfied = Some(true);
        for p in request.packages.as_mut().unwrap() {
            let k = closure::npm_key(&key_name_of(p)).unwrap();
            let held = world.source.get(&k).map(|r| r.versions.clone()).unwrap_or_default();
            p.versions.as_mut().unwrap().retain(|x| held.contains_key(&v(x)));
        }
        request.packages.as_mut().unwrap().retain(|p| !p.versions.as_ref().unwrap().is_empty());
        prop_assume!(!request.packages.as_ref().unwrap().is_empty());
        let plan = world.plan(&request);
        prop_assert!(plan.succeeds(), "{:?}", plan.result(true));
        apply_and_revert(&world, &request, &plan)?;
    }
}

fn key_name_of(p: &api::PackageSelection) -> String {
    match &p.namespace {
        Some(ns) => format!("@{ns}/{}", p.package.as_deref().unwrap()),
        None => p.package.clone().unwrap(),
    }
}

/// Applies a successful plan, re-plans (all `NOOP`), reverts (the starting destination) and
/// reverts the revert (the promoted destination).
fn apply_and_revert(
    world: &World,
    request: &api::PromotionRequest,
    plan: &PromotionPlan,
) -> Result<(), TestCaseError> {
    let writes = plan.writes();
    let before = snapshot(&world);
    let mut applied = world.clone();
    apply(&mut applied, plan);

    // Re-planning the same request against the result writes nothing.
    let again = applied.plan(request);
    prop_assert!(again.succeeds());
    let again = again.result(true);
    prop_assert!(
        again
            .packages
            .iter()
            .flat_map(|p| &p.versions)
            .all(|v| v.action == Action::Noop),
        "re-plan: {:?}",
        again
    );
    prop_assert!(again.packages.iter().all(|p| p.dist_tags.is_empty()));

    // Reverting gives back the starting destination.
    let revert = plan_revert(&writes, &current(&applied, &writes));
    let revert = revert.map_err(|c| TestCaseError::fail(format!("{c:?}")))?;
    let mut reverted = applied.clone();
    apply_revert(&mut reverted, &revert);
    prop_assert_eq!(snapshot(&reverted), before);

    // The revert's own writes revert it in turn, back to the promoted state.
    let undo = revert.writes(&writes);
    let redo = plan_revert(&undo, &current(&reverted, &undo))
        .map_err(|c| TestCaseError::fail(format!("{c:?}")))?;
    apply_revert(&mut reverted, &redo);
    prop_assert_eq!(snapshot(&reverted), snapshot(&applied));
    Ok(())
}
