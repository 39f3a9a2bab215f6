//! Criterion benchmarks of the core's hot paths: validating a 100-version request, planning a
//! 100-version copy against a destination of 10,000 versions, diffing two versions of
//! 10,000 assets, and planning a promotion of 1,000 versions over 200 packages (with the npm
//! dependency closure). `scripts/bench-core` runs these and the same diff in WebAssembly.
#![expect(
    missing_docs,
    reason = "criterion_group! generates undocumented functions"
)]

use criterion::{BatchSize, Criterion, black_box, criterion_group, criterion_main};
use std::collections::BTreeMap;
use wharf_core::api::{
    AssetSummary, CopyPackageVersionsRequest, CopyPreviewInput, NpmDependencies, PackageSelection,
    PackageVersionSummary, PackageView, PromotionPackageView, PromotionPreviewInput,
    PromotionRequest,
};
use wharf_core::copy::{
    CopyRequest, PlanOptions, RepositoryPackage, VersionRecord, plan_copy, preview,
};
use wharf_core::names::{PackageVersion, PackageVersionStatus, RepositoryName, Revision};
use wharf_core::revision::{SHA256, VersionContent, diff_versions};

fn request(n: usize) -> CopyPackageVersionsRequest {
    CopyPackageVersionsRequest {
        domain: Some("my-domain".into()),
        source_repository: Some("staging".into()),
        destination_repository: Some("release".into()),
        format: Some("npm".into()),
        namespace: Some("acme".into()),
        package: Some("widget".into()),
        versions: Some((0..n).map(|i| format!("1.{}.{}", i / 10, i % 10)).collect()),
        ..CopyPackageVersionsRequest::default()
    }
}

fn repository(name: &str, versions: impl Iterator<Item = String>, rev: &str) -> RepositoryPackage {
    let mut r = RepositoryPackage::absent(RepositoryName::parse(name).unwrap());
    r.exists = true;
    for v in versions {
        let version = PackageVersion::parse(&v).unwrap();
        let record = VersionRecord {
            version: version.clone(),
            revision: Revision::parse(&format!("{rev}{v}")).unwrap(),
            status: PackageVersionStatus::Published,
            origin: None,
        };
        r.versions.insert(version, record);
    }
    r
}

/// A version of `n` assets; `salt` changes every tenth asset's hash.
pub fn content(n: usize, salt: u8) -> VersionContent {
    let assets = (0..n)
        .map(|i| AssetSummary {
            name: format!("lib/file-{i:05}.js"),
            size: Some(1000 + i as u64),
            hashes: BTreeMap::from([(
                SHA256.to_owned(),
                format!(
                    "{:064x}",
                    i * 31 + if i % 10 == 0 { salt as usize } else { 0 }
                ),
            )]),
        })
        .collect();
    VersionContent {
        assets,
        metadata: Default::default(),
    }
}

fn benches(c: &mut Criterion) {
    let raw = request(100);
    c.bench_function("validate_100_versions", |b| {
        b.iter(|| CopyRequest::try_from(black_box(&raw)).unwrap())
    });

    let req = CopyRequest::try_from(&raw).unwrap();
    // Source holds the 100 requested versions; destination holds 10,000 others plus half of them.
    let src = repository(
        "staging",
        (0..100).map(|i| format!("1.{}.{}", i / 10, i % 10)),
        "s",
    );
    let dst_versions = (0..10_000)
        .map(|i| format!("0.{}.{}", i / 100, i % 100))
        .chain((0..50).map(|i| format!("1.{}.{}", i / 10, i % 10)));
    let dst = repository("release", dst_versions, "s");
    c.bench_function("plan_100_into_10000", |b| {
        b.iter(|| {
            plan_copy(
                black_box(&req),
                std::slice::from_ref(&src),
                &dst,
                PlanOptions::default(),
            )
            .unwrap()
        })
    });

    // The same plan from JSON-shaped views, validated first: what `planCopy` does in wasm.
    let view = |r: &RepositoryPackage| PackageView {
        repository: r.repository.to_string(),
        exists: true,
        versions: r
            .versions
            .values()
            .map(|v| PackageVersionSummary {
                version: v.version.to_string(),
                revision: Some(v.revision.to_string()),
                status: v.status,
                origin: None,
            })
            .collect(),
        ..PackageView::default()
    };
    let input = CopyPreviewInput {
        request: raw.clone(),
        source: vec![view(&src)],
        destination: view(&dst),
    };
    c.bench_function("preview_100_into_10000", |b| {
        b.iter(|| preview(black_box(&input), PlanOptions::default()).unwrap())
    });

    let (a, b2) = (content(10_000, 0), content(10_000, 1));
    c.bench_function("diff_10000_assets", |b| {
        b.iter_batched(
            || (),
            |_| diff_versions(black_box(&a), black_box(&b2)),
            BatchSize::SmallInput,
        )
    });
}

/// 200 npm packages of 5 versions each, every version depending on the next package's `^1.0.0`;
/// the destination already holds the first version of every other package (a no-op).
pub fn promotion_input() -> PromotionPreviewInput {
    let versions: Vec<String> = (0..5).map(|i| format!("1.0.{i}")).collect();
    let summary = |v: &String, p: usize| PackageVersionSummary {
        version: v.clone(),
        revision: Some(format!("r{p}-{v}")),
        status: PackageVersionStatus::Published,
        origin: None,
    };
    let packages = (0..200)
        .map(|p| PromotionPackageView {
            format: "npm".into(),
            namespace: (p % 2 == 0).then(|| "acme".into()),
            package: format!("pkg-{p:03}"),
            source: vec![PackageView {
                repository: "staging".into(),
                exists: true,
                versions: versions.iter().map(|v| summary(v, p)).collect(),
                dist_tags: BTreeMap::from([("latest".into(), "1.0.4".into())]),
                ..PackageView::default()
            }],
            destination: PackageView {
                repository: "release".into(),
                exists: p % 2 == 0,
                versions: if p % 2 == 0 {
                    vec![summary(&versions[0], p)]
                } else {
                    vec![]
                },
                ..PackageView::default()
            },
            dependencies: versions
                .iter()
                .map(|v| {
                    let next = (p + 1) % 200;
                    let name = if next % 2 == 0 {
                        format!("@acme/pkg-{next:03}")
                    } else {
                        format!("pkg-{next:03}")
                    };
                    let deps = NpmDependencies {
                        dependencies: BTreeMap::from([(name, "^1.0.0".into())]),
                        ..NpmDependencies::default()
                    };
                    (v.clone(), deps)
                })
                .collect(),
            ..PromotionPackageView::default()
        })
        .collect::<Vec<_>>();
    let selections = packages
        .iter()
        .map(|p| PackageSelection {
            format: Some("npm".into()),
            namespace: p.namespace.clone(),
            package: Some(p.package.clone()),
            versions: Some(versions.clone()),
            version_revisions: None,
        })
        .collect();
    PromotionPreviewInput {
        request: PromotionRequest {
            domain: Some("my-domain".into()),
            source_repository: Some("staging".into()),
            destination_repository: Some("release".into()),
            packages: Some(selections),
            with_dependencies: Some(true),
            ..PromotionRequest::default()
        },
        packages,
    }
}

fn promotion(c: &mut Criterion) {
    let input = promotion_input();
    let result = wharf_core::promotion::preview(&input, PlanOptions::default()).unwrap();
    assert_eq!(result.summary.versions, 1000);
    assert_eq!(result.summary.noop, 100);
    c.bench_function("promotion_1000_over_200", |b| {
        b.iter(|| {
            wharf_core::promotion::preview(black_box(&input), PlanOptions::default()).unwrap()
        })
    });
}

criterion_group!(core, benches, promotion);
criterion_main!(core);
