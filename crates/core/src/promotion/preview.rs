//! A promotion planned from client-side data: what the console's dry run and the widget's
//! `planPromotion` compute. It drives the same [`PromotionPlanner`] loop as the server, with
//! every package's data taken from the input (absent where the input has none).

use super::{PackageData, PackageKey, PromotionPlanner, PromotionSpec};
use crate::api::{PackageView, PromotionPackageView, PromotionPreviewInput, PromotionResult};
use crate::copy::{PlanOptions, RepositoryPackage};
use crate::error::{Collector, FieldError, ValidationErrors};
use crate::names::{PackageCoordinate, PackageVersion};
use std::collections::BTreeMap;

fn prefixed(errors: ValidationErrors, prefix: &str) -> impl Iterator<Item = FieldError> + '_ {
    errors.errors.into_iter().map(move |e| FieldError {
        field: format!("{prefix}.{}", e.field),
        message: e.message,
    })
}

/// A map keyed by version string, with every key checked (`None` if any is invalid).
fn by_version<T: Clone>(map: &BTreeMap<String, T>) -> Option<BTreeMap<PackageVersion, T>> {
    map.iter()
        .map(|(k, v)| PackageVersion::parse(k).ok().map(|k| (k, v.clone())))
        .collect()
}

fn view_data(
    c: &mut Collector,
    v: &PromotionPackageView,
    prefix: &str,
) -> Option<(PackageKey, PackageData)> {
    let key = match PackageCoordinate::parse(&v.format, v.namespace.as_deref(), &v.package) {
        Ok(k) => Some(k),
        Err(errors) => {
            prefixed(ValidationErrors { errors }, prefix).for_each(|e| c.push(e));
            None
        }
    };
    let mut repo = |view: &PackageView, field: &str| match RepositoryPackage::try_from(view) {
        Ok(r) => Some(r),
        Err(e) => {
            prefixed(e, &format!("{prefix}.{field}")).for_each(|e| c.push(e));
            None
        }
    };
    let source: Option<Vec<_>> = v.source.iter().map(|s| repo(s, "source")).collect();
    let destination = repo(&v.destination, "destination");
    let upstreams: Option<Vec<_>> = v
        .destination_upstreams
        .iter()
        .map(|s| repo(s, "destinationUpstreams"))
        .collect();
    let mut keyed = |field: &str, ok: bool| {
        if !ok {
            c.push(FieldError::rule(
                &format!("{prefix}.{field}"),
                format!("Every key of {field} must be a valid version"),
            ));
        }
    };
    let dependencies = by_version(&v.dependencies);
    keyed("dependencies", dependencies.is_some());
    let source_content = by_version(&v.source_content);
    keyed("sourceContent", source_content.is_some());
    let destination_content = by_version(&v.destination_content);
    keyed("destinationContent", destination_content.is_some());
    Some((
        key?,
        PackageData {
            source: source?,
            destination: destination?,
            destination_upstreams: upstreams?,
            dependencies: dependencies?,
            source_content: source_content?,
            destination_content: destination_content?,
        },
    ))
}

/// Validates the request and the views, then plans the promotion as a dry run (`PLANNED` or
/// `FAILED`).
pub fn preview(
    input: &PromotionPreviewInput,
    options: PlanOptions,
) -> Result<PromotionResult, ValidationErrors> {
    let spec = PromotionSpec::try_from(&input.request)?;
    let mut c = Collector::default();
    let mut known = BTreeMap::new();
    for (i, v) in input.packages.iter().enumerate() {
        if let Some((key, data)) = view_data(&mut c, v, &format!("packages.{}", i + 1)) {
            if data.source.first().map(|s| &s.repository) != Some(&spec.source) {
                c.push(FieldError::rule(
                    &format!("packages.{}.source", i + 1),
                    format!(
                        "The first source view must be the source repository {}",
                        spec.source
                    ),
                ));
            }
            if data.destination.repository != spec.destination {
                c.push(FieldError::rule(
                    &format!("packages.{}.destination", i + 1),
                    format!(
                        "The destination view must be the destination repository {}",
                        spec.destination
                    ),
                ));
            }
            known.insert(key, data);
        }
    }
    c.check()?;
    let mut planner = PromotionPlanner::with_options(spec, options);
    if planner.listing_wanted().is_some() {
        planner.provide_listing(known.keys().cloned().collect())?;
    }
    loop {
        let wanted = planner.wanted();
        if wanted.is_empty() {
            break;
        }
        for key in wanted {
            let data = known
                .remove(&key)
                .unwrap_or_else(|| PackageData::absent(planner.spec()));
            planner.provide(key, data);
        }
    }
    Ok(planner.finish()?.result(true))
}
