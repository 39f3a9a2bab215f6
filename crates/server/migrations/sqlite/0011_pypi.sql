-- The PyPI protocol's own state, per file and keyed by the file's SHA-256 (as npm_manifests
-- is): copies and versions retained from upstreams share the asset row's bytes, so they find
-- the same row without one of their own.
--
-- upload_time: when the file was first uploaded or ingested (PEP 700 `upload-time`).
-- core_metadata / core_metadata_sha256: a wheel's `*.dist-info/METADATA`, byte-exact, served
-- at the file's URL + `.metadata` (PEP 658); NULL for sdists.
CREATE TABLE pypi_files (
    sha256 TEXT PRIMARY KEY,
    upload_time REAL NOT NULL,
    core_metadata TEXT,
    core_metadata_sha256 TEXT
);
