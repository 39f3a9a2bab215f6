-- Package groups (spec groups-connections-tags.md §1). The root group `/*` of a domain has a
-- row only once it has been changed; until then the store reports its defaults (ALLOW ×3).
CREATE TABLE package_groups (
    id INTEGER PRIMARY KEY,
    domain_id INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    pattern TEXT NOT NULL,
    contact_info TEXT,
    description TEXT,
    created_time REAL NOT NULL,
    -- Each ALLOW, BLOCK, ALLOW_SPECIFIC_REPOSITORIES or INHERIT.
    publish TEXT NOT NULL,
    external_upstream TEXT NOT NULL,
    internal_upstream TEXT NOT NULL,
    UNIQUE (domain_id, pattern)
);

-- Allowed-repository lists; deleting a repository or a group removes its entries.
CREATE TABLE package_group_allowed_repositories (
    group_id INTEGER NOT NULL REFERENCES package_groups(id) ON DELETE CASCADE,
    restriction_type TEXT NOT NULL,
    repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, restriction_type, repository_id)
);
