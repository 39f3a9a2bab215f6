-- The npm registry protocol's own state.
--
-- A version's manifest (package.json as published, without `dist`) is keyed by the SHA-256 of
-- its `package.tgz`: copies and versions retained from upstreams share the asset row's bytes,
-- and so find the same manifest without a row of their own.
CREATE TABLE npm_manifests (
    sha256 TEXT COLLATE "C" PRIMARY KEY,
    manifest TEXT COLLATE "C" NOT NULL
);

-- `npm deprecate`: per stored version (a deprecation is registry state, not part of the
-- revision).
CREATE TABLE npm_deprecations (
    version_id BIGINT PRIMARY KEY REFERENCES package_versions(id) ON DELETE CASCADE,
    message TEXT COLLATE "C" NOT NULL
);
