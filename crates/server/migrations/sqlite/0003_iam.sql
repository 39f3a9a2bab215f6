-- Principals and permissions (issue 6): IAM users with access key pairs and identity policies,
-- and the resource policies of domains and repositories. The root key pair is not stored here
-- (it comes from WHARF_ROOT_* or the data directory's root-credentials file).
CREATE TABLE iam_users (
    name TEXT PRIMARY KEY,
    created_time REAL NOT NULL
);

-- A revoked key stays (revoked_time set) so that `wharf admin user list` shows it; SigV4 and
-- bearer tokens issued with it are refused from then on.
CREATE TABLE iam_access_keys (
    id TEXT PRIMARY KEY,
    secret TEXT NOT NULL,
    user_name TEXT NOT NULL REFERENCES iam_users(name) ON DELETE CASCADE,
    created_time REAL NOT NULL,
    revoked_time REAL
);

-- Identity policies attached to a user ("inline" policies, by name).
CREATE TABLE iam_user_policies (
    user_name TEXT NOT NULL REFERENCES iam_users(name) ON DELETE CASCADE,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    revision TEXT NOT NULL,
    PRIMARY KEY (user_name, name)
);

-- Put/Get/DeleteDomainPermissionsPolicy; removed with the domain.
CREATE TABLE domain_policies (
    domain_id INTEGER PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
    document TEXT NOT NULL,
    revision TEXT NOT NULL
);

-- Put/Get/DeleteRepositoryPermissionsPolicy; removed with the repository.
CREATE TABLE repository_policies (
    repository_id INTEGER PRIMARY KEY REFERENCES repositories(id) ON DELETE CASCADE,
    document TEXT NOT NULL,
    revision TEXT NOT NULL
);
