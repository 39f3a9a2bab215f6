//! A promotion's plan (or applied result): the verdict, the counts, one group of rows per
//! package (per version: action, revisions, "added as a dependency", error), the dist-tag
//! moves, the dependency closure (unsatisfied ranges with what requires them, dependencies
//! added) and the diffs of conflicting versions.

use crate::components::{DiffView, revision};
use crate::promote::PromoteVerdict;
use crate::state::DiffEntry;
use wharf_core::api::{
    DependencyKind, PromotedPackage, PromotionAction, PromotionResult, UnsatisfiedReason,
};
use yew::prelude::*;

/// Properties of [`PromotionPlanView`].
#[derive(Properties, PartialEq)]
pub struct PromotionPlanProps {
    /// The dry run's (or the run's) result.
    pub result: PromotionResult,
    /// What it means for Run (none for an applied result).
    #[prop_or_default]
    pub verdict: Option<PromoteVerdict>,
    /// The id prefix of the tables (`promote-plan`, `promote-outcome`).
    #[prop_or(AttrValue::Static("promote-plan"))]
    pub id: AttrValue,
}

/// `@scope/name` for npm, `namespace/name` for others, the name alone without a namespace.
pub fn package_name(p: &PromotedPackage) -> String {
    let format = p.format.as_str();
    match &p.namespace {
        Some(ns) if format == "npm" => format!("@{ns}/{}", p.package),
        Some(ns) => format!("{ns}/{}", p.package),
        None => p.package.clone(),
    }
}

fn action_badge(a: PromotionAction) -> Html {
    let (class, text) = match a {
        PromotionAction::Copy => ("act-copy", "COPY"),
        PromotionAction::Overwrite => ("act-overwrite", "OVERWRITE"),
        PromotionAction::Noop => ("act-noop", "NO-OP"),
        PromotionAction::Fail => ("act-fail", "FAIL"),
        PromotionAction::Skipped => ("act-noop", "SKIPPED"),
    };
    html! { <span class={classes!("badge", class)}>{ text }</span> }
}

fn code_name<T: serde::Serialize>(c: &T) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn package_rows(p: &PromotedPackage) -> Html {
    let name = package_name(p);
    let tags = p
        .dist_tags
        .iter()
        .map(|t| {
            format!(
                "{}: {} → {}",
                t.tag,
                t.from.clone().unwrap_or_else(|| "(none)".to_owned()),
                t.to
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    html! {
        <tbody data-package={name.clone()}>
            <tr class="group">
                <th colspan="6" scope="rowgroup">
                    <code>{ &name }</code><span class="muted">{ format!(" · {} · {} version(s)", p.format.as_str(), p.versions.len()) }</span>
                    if !tags.is_empty() { <span class="muted">{ format!(" · dist-tags {tags}") }</span> }
                </th>
            </tr>
            { for p.versions.iter().map(|v| html! {
                <tr data-package={name.clone()} data-version={v.version.clone()}>
                    <td data-label="Version"><code>{ &v.version }</code></td>
                    <td data-label="Action">{ action_badge(v.action) }
                        if v.added_as_dependency { <span class="muted">{ " added as a dependency" }</span> }</td>
                    <td data-label="Source revision">{ revision(v.revision.as_deref()) }</td>
                    <td data-label="Destination revision">{ revision(v.destination_revision.as_deref()) }</td>
                    <td class="prose" data-label="Error" colspan="2">
                        if let Some(code) = &v.error_code {
                            <strong>{ code_name(code) }</strong>{ " " }{ v.error_message.clone().unwrap_or_default() }
                        }
                    </td>
                </tr>
            }) }
        </tbody>
    }
}

/// The plan of a promotion, grouped by package.
#[function_component(PromotionPlanView)]
pub fn promotion_plan_view(props: &PromotionPlanProps) -> Html {
    let r = &props.result;
    let s = &r.summary;
    let id = props.id.as_str();
    let diffs: Vec<DiffEntry> = r
        .packages
        .iter()
        .flat_map(|p| {
            let name = package_name(p);
            p.versions.iter().filter_map(move |v| {
                v.diff.clone().map(|d| DiffEntry {
                    version: format!("{name}@{}", v.version),
                    diff: Ok(d),
                    // The service's diff names what changed; the hash values need both
                    // versions' assets, which a promotion's answer does not carry.
                    hashes: Vec::new(),
                })
            })
        })
        .collect();
    let into = format!("{}/{}", r.destination.domain, r.destination.repository);
    let from = format!("{}/{}", r.source.domain, r.source.repository);
    html! {
        <section class="plan" aria-label="Promotion plan">
            if let Some(v) = &props.verdict {
                <p class={classes!("plan-verdict", (!v.passes).then_some("error-text"))} id="promote-verdict">{ &v.headline }</p>
            }
            <p class="summary">
                <span class="badge act-copy">{ format!("{} copy", s.copied) }</span>
                <span class="badge act-overwrite">{ format!("{} overwrite", s.overwritten) }</span>
                <span class="badge act-noop">{ format!("{} no-op", s.noop) }</span>
                <span class="badge act-fail">{ format!("{} fail", s.failed) }</span>
                <span class="badge act-noop">{ format!("{} skipped", s.skipped) }</span>
                <span class="muted">{ format!("{} version(s) of {} package(s), {from} → {into}", s.versions, s.packages) }</span>
            </p>
            if !r.closure.unsatisfied.is_empty() || !r.closure.added.is_empty() {
                <h3>{ "Dependencies" }</h3>
            }
            if !r.closure.unsatisfied.is_empty() {
                <div class="table-wrap"><table id={format!("{id}-unsatisfied")} class="stack">
                    <caption>{ format!("Dependency ranges {into} would not satisfy") }</caption>
                    <thead><tr><th scope="col">{ "Package" }</th><th scope="col">{ "Range" }</th>
                        <th scope="col">{ "Required by" }</th><th scope="col">{ "Declared in" }</th><th scope="col">{ "Why" }</th></tr></thead>
                    <tbody>{ for r.closure.unsatisfied.iter().map(|u| html! { <tr>
                        <td data-label="Package"><code>{ &u.package }</code></td>
                        <td data-label="Range"><code>{ &u.range }</code></td>
                        <td data-label="Required by"><code>{ &u.required_by }</code></td>
                        <td data-label="Declared in">{ match u.kind { DependencyKind::Dependencies => "dependencies", DependencyKind::PeerDependencies => "peerDependencies" } }</td>
                        <td data-label="Why">{ match u.reason {
                            UnsatisfiedReason::NoMatchingVersion => "no version there (or among what is promoted) matches",
                            UnsatisfiedReason::NotARegistryRange => "not a registry range (git, file, link, alias)",
                        } }</td>
                    </tr> }) }</tbody>
                </table></div>
            }
            if !r.closure.added.is_empty() {
                <ul class="plain" id={format!("{id}-added")} aria-label="Added as dependencies">
                    { for r.closure.added.iter().map(|a| html! {
                        <li><code>{ format!("{}@{}", a.package, a.version) }</code>{ " added, required by " }<code>{ &a.required_by }</code></li>
                    }) }
                </ul>
            }
            <h3>{ "Packages" }</h3>
            <div class="table-wrap">
                <table id={format!("{id}-table")} class="stack">
                    <caption class="sr-only">{ format!("What the promotion into {into} does, per package and version") }</caption>
                    <thead><tr>
                        <th scope="col">{ "Version" }</th><th scope="col">{ "Action" }</th>
                        <th scope="col">{ "Source revision" }</th><th scope="col">{ "Destination revision" }</th>
                        <th scope="col" colspan="2">{ "Error" }</th>
                    </tr></thead>
                    { for r.packages.iter().map(package_rows) }
                </table>
            </div>
            <DiffView diffs={diffs} source={from} destination={into} />
        </section>
    }
}
