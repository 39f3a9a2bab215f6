-- Wharf's metadata. Asset bytes live in the object store, addressed by SHA-256; rows here only
-- reference them, so a copy never duplicates bytes.
CREATE TABLE domains (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    owner TEXT NOT NULL,
    created_time REAL NOT NULL,
    UNIQUE (owner, name)
);

CREATE TABLE repositories (
    id INTEGER PRIMARY KEY,
    domain_id INTEGER NOT NULL REFERENCES domains(id),
    name TEXT NOT NULL,
    description TEXT,
    created_time REAL NOT NULL,
    UNIQUE (domain_id, name)
);

-- Upstreams in priority order (position 0 first).
CREATE TABLE upstreams (
    repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    upstream_id INTEGER NOT NULL REFERENCES repositories(id),
    PRIMARY KEY (repository_id, position)
);

CREATE TABLE packages (
    id INTEGER PRIMARY KEY,
    repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    format TEXT NOT NULL,
    namespace TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    origin_publish TEXT NOT NULL DEFAULT 'ALLOW',
    origin_upstream TEXT NOT NULL DEFAULT 'ALLOW',
    UNIQUE (repository_id, format, namespace, name)
);

CREATE TABLE package_versions (
    id INTEGER PRIMARY KEY,
    package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
    version TEXT NOT NULL,
    revision TEXT NOT NULL,
    status TEXT NOT NULL,
    origin_type TEXT NOT NULL,
    entry_repository TEXT,
    published_time REAL NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    UNIQUE (package_id, version)
);
CREATE INDEX package_versions_by_time ON package_versions (package_id, published_time, version);

CREATE TABLE assets (
    version_id INTEGER NOT NULL REFERENCES package_versions(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    size INTEGER NOT NULL,
    md5 TEXT NOT NULL,
    sha1 TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    sha512 TEXT NOT NULL,
    PRIMARY KEY (version_id, name)
);

CREATE TABLE dist_tags (
    package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    version TEXT NOT NULL,
    PRIMARY KEY (package_id, tag)
);
