-- Principals and permissions (issue 6): IAM users with access key pairs and identity policies,
-- and the resource policies of domains and repositories. The root key pair is not stored here
-- (it comes from WHARF_ROOT_* or the data directory's root-credentials file).
CREATE TABLE iam_users (
    name TEXT COLLATE "C" PRIMARY KEY,
    created_time DOUBLE PRECISION NOT NULL
);

-- A revoked key stays (revoked_time set) so that `wharf admin user list` shows it; SigV4 and
-- bearer tokens issued with it are refused from then on.
CREATE TABLE iam_access_keys (
    id TEXT COLLATE "C" PRIMARY KEY,
    secret TEXT COLLATE "C" NOT NULL,
    user_name TEXT COLLATE "C" NOT NULL REFERENCES iam_users(name) ON DELETE CASCADE,
    created_time DOUBLE PRECISION NOT NULL,
    revoked_time DOUBLE PRECISION
);

-- Identity policies attached to a user ("inline" policies, by name).
CREATE TABLE iam_user_policies (
    user_name TEXT COLLATE "C" NOT NULL REFERENCES iam_users(name) ON DELETE CASCADE,
    name TEXT COLLATE "C" NOT NULL,
    document TEXT COLLATE "C" NOT NULL,
    revision TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (user_name, name)
);

-- Put/Get/DeleteDomainPermissionsPolicy; removed with the domain.
CREATE TABLE domain_policies (
    domain_id BIGINT PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
    document TEXT COLLATE "C" NOT NULL,
    revision TEXT COLLATE "C" NOT NULL
);

-- Put/Get/DeleteRepositoryPermissionsPolicy; removed with the repository.
CREATE TABLE repository_policies (
    repository_id BIGINT PRIMARY KEY REFERENCES repositories(id) ON DELETE CASCADE,
    document TEXT COLLATE "C" NOT NULL,
    revision TEXT COLLATE "C" NOT NULL
);
