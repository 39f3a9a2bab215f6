//! Criterion benchmarks of the core's hot paths: validating a 100-version request, planning a
//! 100-version copy against a destination of 10,000 versions, and diffing two versions of
//! 10,000 assets. `scripts/bench-core` runs these and the same diff in WebAssembly.
#![expect(
    missing_docs,
    reason = "criterion_group! generates undocumented functions"
)]

use criterion::{BatchSize, Criterion, black_box, criterion_group, criterion_main};
use std::collections::BTreeMap;
use wharf_core::api::{
    AssetSummary, CopyPackageVersionsRequest, CopyPreviewInput, PackageVersionSummary, PackageView,
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

criterion_group!(core, benches);
criterion_main!(core);
