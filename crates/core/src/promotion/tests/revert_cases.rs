//! Revert: deletes what the promotion added, restores what it overwrote and the tags it moved;
//! refuses, naming every change, when something it touched changed since.

use super::props::{apply, apply_revert, current, snapshot};
use super::*;
use crate::promotion::revert::{RevertStep, plan_revert};

fn promoted() -> (World, World, api::PromotionWrites) {
    let mut world = World::default()
        .src("a", &[("1.0.0", "new1"), ("2.0.0", "new2")])
        .dst("a", &[("1.0.0", "old1")]);
    world
        .source
        .get_mut(&key("a"))
        .unwrap()
        .dist_tags
        .insert("latest".into(), v("2.0.0"));
    world
        .destination
        .get_mut(&key("a"))
        .unwrap()
        .dist_tags
        .insert("latest".into(), v("1.0.0"));
    let mut req = request(&[("a", &["1.0.0", "2.0.0"])]);
    req.allow_overwrite = Some(true);
    let plan = world.plan(&req);
    assert!(plan.succeeds());
    let mut applied = world.clone();
    apply(&mut applied, &plan);
    (world, applied, plan.writes())
}

#[test]
fn a_revert_deletes_restores_and_moves_tags_back() {
    let (before, applied, writes) = promoted();
    let plan = plan_revert(&writes, &current(&applied, &writes)).unwrap();
    let steps: Vec<_> = plan
        .versions
        .iter()
        .map(|(r, now, step)| {
            (
                r.version.as_str(),
                now.as_ref().unwrap().revision.as_str(),
                step.clone(),
            )
        })
        .collect();
    assert_eq!(steps[0].0, "1.0.0");
    assert_eq!(steps[0].1, "new1");
    assert!(matches!(&steps[0].2, RevertStep::Restore(s) if s.revision == "old1"));
    assert_eq!(steps[1], ("2.0.0", "new2", RevertStep::Delete));
    let result = plan.result("p-1", true, None);
    assert_eq!(result.status, api::PromotionStatus::Planned);
    assert_eq!(result.actions[1].action, api::RevertActionKind::Delete);
    assert_eq!(result.dist_tags[0].to.as_deref(), Some("1.0.0"));
    assert_eq!(result.dist_tags[0].package, "a");
    let mut reverted = applied.clone();
    apply_revert(&mut reverted, &plan);
    assert_eq!(snapshot(&reverted), snapshot(&before));
}

#[test]
fn every_change_since_is_a_conflict_and_nothing_is_planned() {
    let (_, mut applied, writes) = promoted();
    let dst = applied.destination.get_mut(&key("a")).unwrap();
    dst.versions.get_mut(&v("1.0.0")).unwrap().revision = Revision::parse("later").unwrap();
    dst.versions.remove(&v("2.0.0"));
    dst.dist_tags.insert("latest".into(), v("1.0.0"));
    let conflicts = plan_revert(&writes, &current(&applied, &writes)).unwrap_err();
    let text: Vec<String> = conflicts.iter().map(|c| c.to_string()).collect();
    assert_eq!(text.len(), 3, "{text:?}");
    assert!(
        text[0].starts_with("a@1.0.0 changed since the promotion"),
        "{}",
        text[0]
    );
    assert!(text[0].contains("revision later"), "{}", text[0]);
    assert!(
        text[1].contains("a@2.0.0") && text[1].ends_with("holds nothing"),
        "{}",
        text[1]
    );
    assert!(text[2].starts_with("dist-tag 'latest' of a"), "{}", text[2]);
}

#[test]
fn a_status_change_is_a_conflict() {
    let (_, mut applied, writes) = promoted();
    let dst = applied.destination.get_mut(&key("a")).unwrap();
    dst.versions.get_mut(&v("2.0.0")).unwrap().status = Status::Archived;
    let conflicts = plan_revert(&writes, &current(&applied, &writes)).unwrap_err();
    assert_eq!(conflicts.len(), 1);
    assert!(
        conflicts[0].to_string().contains("(Archived)"),
        "{}",
        conflicts[0]
    );
}
