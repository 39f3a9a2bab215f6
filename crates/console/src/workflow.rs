//! The copy workflow's I/O: the dry run (fetch what the repositories hold, plan with
//! `wharf_core::copy::preview`, diff the versions that differ) and the run (one
//! CopyPackageVersions call per 100 versions, cancellable between calls).

use crate::api::{ApiClient, ClientError};
use crate::diff::hash_changes;
use crate::form::CopyForm;
use crate::large_copy;
use crate::plan::{
    Holding, diff_candidates, fill_revisions, merge_reports, preview_input, upstream_order,
    version_content, with_dist_tags,
};
use crate::state::{Action, AppState, DiffEntry, Permission, PlanView};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;
use wharf_core::api::{
    DescribePackageVersionQuery, DescribeRepositoryQuery, ListPackageVersionAssetsQuery,
    ListPackageVersionsQuery,
};
use wharf_core::copy::{MAX_REPOSITORIES_SEARCHED, PlanOptions, PreviewError, preview};
use wharf_core::revision::diff_versions;
use yew::UseReducerDispatcher;

/// The package the form names, as plain strings.
struct Target {
    domain: String,
    format: String,
    namespace: Option<String>,
    package: String,
}

impl Target {
    fn of(form: &CopyForm) -> Target {
        let ns = form.namespace.trim();
        Target {
            domain: form.domain.trim().to_owned(),
            format: form.format.trim().to_owned(),
            namespace: (!ns.is_empty()).then(|| ns.to_owned()),
            package: form.package.trim().to_owned(),
        }
    }

    async fn holding(&self, api: &ApiClient, repository: &str) -> Result<Holding, ClientError> {
        let query = ListPackageVersionsQuery {
            domain: Some(self.domain.clone()),
            repository: Some(repository.to_owned()),
            format: Some(self.format.clone()),
            namespace: self.namespace.clone(),
            package: Some(self.package.clone()),
            ..Default::default()
        };
        match api.list_all_package_versions(&query).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_package_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// npm dist-tags of every repository that holds the package (none for other formats).
    /// A repository whose tags cannot be read counts as having none, unless the token was
    /// refused or may not read them: a plan that guessed the tags would show a wrong
    /// `(none) → X`, so the plan fails with the denial instead.
    async fn dist_tags(
        &self,
        api: &ApiClient,
        sources: &[(String, Holding)],
        destination: &(String, Holding),
    ) -> Result<BTreeMap<String, BTreeMap<String, String>>, ClientError> {
        let mut tags = BTreeMap::new();
        if self.format != "npm" {
            return Ok(tags);
        }
        for (repo, held) in sources.iter().chain([destination]) {
            if held.is_none() {
                continue;
            }
            match api
                .npm_dist_tags(&self.domain, repo, self.namespace.as_deref(), &self.package)
                .await
            {
                Ok(t) => {
                    tags.insert(repo.clone(), t);
                }
                Err(e) if e.is_unauthorized() || matches!(e, ClientError::AccessDenied { .. }) => {
                    return Err(e);
                }
                Err(_) => {}
            }
        }
        Ok(tags)
    }

    async fn content(
        &self,
        api: &ApiClient,
        repository: &str,
        version: &str,
    ) -> Result<wharf_core::revision::VersionContent, ClientError> {
        let assets = api
            .list_all_package_version_assets(&ListPackageVersionAssetsQuery {
                domain: Some(self.domain.clone()),
                repository: Some(repository.to_owned()),
                format: Some(self.format.clone()),
                namespace: self.namespace.clone(),
                package: Some(self.package.clone()),
                package_version: Some(version.to_owned()),
                ..Default::default()
            })
            .await?;
        let description = api
            .describe_package_version(&DescribePackageVersionQuery {
                domain: Some(self.domain.clone()),
                repository: Some(repository.to_owned()),
                format: Some(self.format.clone()),
                namespace: self.namespace.clone(),
                package: Some(self.package.clone()),
                package_version: Some(version.to_owned()),
                ..Default::default()
            })
            .await?;
        Ok(version_content(assets, &description.package_version))
    }
}

/// The source repository and, with `include_from_upstream`, its upstreams in depth-first
/// priority order (from DescribeRepository).
async fn search_order(
    api: &ApiClient,
    domain: &str,
    source: &str,
    upstream: bool,
) -> Result<Vec<String>, ClientError> {
    if !upstream {
        return Ok(vec![source.to_owned()]);
    }
    let mut upstreams: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut queue = vec![source.to_owned()];
    while let Some(repo) = queue.pop() {
        if upstreams.contains_key(&repo) || upstreams.len() >= MAX_REPOSITORIES_SEARCHED {
            continue;
        }
        let described = api
            .describe_repository(&DescribeRepositoryQuery {
                domain: Some(domain.to_owned()),
                repository: Some(repo.clone()),
                ..Default::default()
            })
            .await?;
        let list: Vec<String> = described
            .repository
            .map(|r| {
                r.upstreams
                    .into_iter()
                    .filter_map(|u| u.repository_name)
                    .collect()
            })
            .unwrap_or_default();
        queue.extend(list.iter().rev().cloned());
        upstreams.insert(repo, list);
    }
    Ok(upstream_order(source, &upstreams))
}

fn preview_error(e: PreviewError) -> ClientError {
    match e {
        PreviewError::Invalid(v) => ClientError::Validation {
            message: v
                .errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
            fields: v.errors,
        },
        PreviewError::NotFound(p) => ClientError::NotFound {
            resource_type: Some("package".to_owned()),
            message: p.to_string(),
        },
    }
}

/// Plans the form's copy without writing anything.
pub async fn dry_run(api: &ApiClient, form: &CopyForm) -> Result<PlanView, ClientError> {
    let target = Target::of(form);
    let source = form.source.trim().to_owned();
    let destination = form.destination.trim().to_owned();
    let order = search_order(api, &target.domain, &source, form.upstream).await?;
    let mut sources = Vec::new();
    for repo in order {
        let held = target.holding(api, &repo).await?;
        sources.push((repo, held));
    }
    let dest = (
        destination.clone(),
        target.holding(api, &destination).await?,
    );
    let tags = target.dist_tags(api, &sources, &dest).await?;
    let reports = form
        .requests()
        .iter()
        .map(|r| {
            preview(
                &with_dist_tags(preview_input(r, sources.clone(), dest.clone()), &tags),
                PlanOptions::default(),
            )
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(preview_error)?;
    let mut batches = reports.clone();
    let mut report = merge_reports(reports).ok_or_else(|| ClientError::Validation {
        message: "Name at least one version".to_owned(),
        fields: Vec::new(),
    })?;
    fill_revisions(&mut report, &sources, &dest.1);
    if large_copy::runs_as_promotion(form) {
        // One promotion, all-or-nothing across every version, as the service will run it.
        large_copy::all_or_nothing(&mut report);
        batches = vec![report.clone()];
    }
    let mut diffs = Vec::new();
    for v in diff_candidates(&report) {
        let from = v.from_repository.clone().unwrap_or_else(|| source.clone());
        let diff = async {
            let before = target.content(api, &destination, &v.version).await?;
            let after = target.content(api, &from, &v.version).await?;
            let diff = diff_versions(&before, &after);
            let hashes = hash_changes(&before, &after, &diff);
            Ok::<_, ClientError>((diff, hashes))
        }
        .await;
        if let Err(e) = &diff
            && e.is_unauthorized()
        {
            return Err(e.clone());
        }
        let (diff, hashes) = match diff {
            Ok((d, h)) => (Ok(d), h),
            Err(e) => (Err(e.to_string()), Vec::new()),
        };
        diffs.push(DiffEntry {
            version: v.version.clone(),
            diff,
            hashes,
        });
    }
    let permission = copy_permission(api, form).await?;
    Ok(PlanView {
        form: form.clone(),
        report,
        batches,
        permission,
        diffs,
    })
}

/// Asks the service whether the token may copy into the destination, without writing: a
/// CopyPackageVersions call that names no version. The service authorizes a request before it
/// reads the body, so it answers `AccessDeniedException` when the token may not copy, and
/// otherwise `ValidationException` (no versions) having written nothing.
async fn copy_permission(api: &ApiClient, form: &CopyForm) -> Result<Permission, ClientError> {
    let Some(mut probe) = form.requests().into_iter().next() else {
        return Ok(Permission::Allowed);
    };
    probe.versions = Some(Vec::new());
    probe.version_revisions = None;
    Ok(match api.copy_package_versions(&probe).await {
        Err(ClientError::AccessDenied { message }) => Permission::Denied(message),
        Err(ClientError::Validation { .. }) => Permission::Allowed,
        Err(e) if e.is_unauthorized() => return Err(e),
        Err(e) => Permission::Unknown(e.to_string()),
        // A service that copied "no versions" has allowed it.
        Ok(_) => Permission::Allowed,
    })
}

/// Whether a failed call may have written: only when no answer came (the network, or the
/// service failing inside). An error the service answered means the call changed nothing.
fn outcome_unknown(e: &ClientError) -> bool {
    match e {
        ClientError::Unreachable(_) => true,
        ClientError::Other { code, .. } => {
            code.starts_with("HTTP 5") || code.contains("Internal") || code.contains("Unavailable")
        }
        _ => false,
    }
}

/// Runs the form's copy: one call per 100 versions in version order, reporting each answer
/// to the store and stopping between calls when `cancel` is set or a call fails.
pub async fn run_copy(
    api: ApiClient,
    form: CopyForm,
    store: UseReducerDispatcher<AppState>,
    cancel: Rc<Cell<bool>>,
) {
    if large_copy::runs_as_promotion(&form) {
        return run_as_promotion(api, form, store).await;
    }
    let requests = form.requests();
    let total = requests.len();
    store.dispatch(Action::RunStarted(form.batches()));
    for (i, request) in requests.iter().enumerate() {
        if cancel.get() {
            store.dispatch(Action::RunEnded(Some(format!(
                "cancelled after {i} of {total} calls"
            ))));
            return;
        }
        match api.copy_package_versions(request).await {
            Ok(result) => store.dispatch(Action::BatchDone(result)),
            Err(e) => {
                crate::components::check_session(&store, &e);
                store.dispatch(Action::BatchFailed {
                    message: e.to_string(),
                    unknown: outcome_unknown(&e),
                });
                return;
            }
        }
    }
}

/// Runs a copy of more than 100 versions as one all-or-nothing promotion and reports its
/// answer as the run's single call (with the promotion's record id).
async fn run_as_promotion(api: ApiClient, form: CopyForm, store: UseReducerDispatcher<AppState>) {
    store.dispatch(Action::RunStarted(vec![form.batches().concat()]));
    let failed = |message: String, unknown: bool| Action::BatchFailed { message, unknown };
    match api
        .promote(&large_copy::promotion_request(&form, false))
        .await
    {
        Ok(answer) => match large_copy::copy_result(&answer) {
            Ok(result) => {
                if let Some(id) = answer.promotion_id {
                    store.dispatch(Action::PromotionRecorded(id));
                }
                store.dispatch(Action::BatchDone(result));
            }
            Err(why) => store.dispatch(failed(why, true)),
        },
        Err(e) => {
            crate::components::check_session(&store, &e);
            store.dispatch(failed(e.to_string(), outcome_unknown(&e)));
        }
    }
}
