-- Release promotions (issue 12): one row per applied promotion or revert, every version and
-- dist-tag it wrote with what the destination held before, so that a revert can put the
-- destination back exactly. Repositories are named, not referenced: a record outlives them.
CREATE TABLE promotions (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    created_time REAL NOT NULL,
    principal TEXT NOT NULL,
    source_domain TEXT NOT NULL,
    source_repository TEXT NOT NULL,
    destination_domain TEXT NOT NULL,
    destination_repository TEXT NOT NULL,
    reason TEXT,
    status TEXT NOT NULL,
    revert_of TEXT,
    reverted_by TEXT,
    version_count INTEGER NOT NULL,
    report TEXT NOT NULL
);
CREATE INDEX promotions_by_destination
    ON promotions (owner, destination_domain, destination_repository, seq);

-- A version a promotion wrote. `after_*` is NULL when the write removed the version (a revert);
-- `before_*` is NULL when the destination did not hold it. `before_assets` is the JSON list of
-- the asset rows (names, sizes, hashes: the content-addressed blobs stay in the object store).
CREATE TABLE promotion_versions (
    promotion_seq INTEGER NOT NULL REFERENCES promotions(seq) ON DELETE CASCADE,
    format TEXT NOT NULL,
    namespace TEXT NOT NULL,
    package TEXT NOT NULL,
    version TEXT NOT NULL,
    after_revision TEXT,
    after_status TEXT,
    before_revision TEXT,
    before_status TEXT,
    before_origin_type TEXT,
    before_entry_repository TEXT,
    before_published_time REAL,
    before_metadata TEXT,
    before_assets TEXT,
    before_deprecated TEXT,
    PRIMARY KEY (promotion_seq, format, namespace, package, version)
);

-- A dist-tag a promotion moved (NULL: the tag did not exist / was removed).
CREATE TABLE promotion_dist_tags (
    promotion_seq INTEGER NOT NULL REFERENCES promotions(seq) ON DELETE CASCADE,
    format TEXT NOT NULL,
    namespace TEXT NOT NULL,
    package TEXT NOT NULL,
    tag TEXT NOT NULL,
    before_version TEXT,
    after_version TEXT,
    PRIMARY KEY (promotion_seq, format, namespace, package, tag)
);

-- A destination package record a promotion created (a revert removes it again when empty).
CREATE TABLE promotion_packages (
    promotion_seq INTEGER NOT NULL REFERENCES promotions(seq) ON DELETE CASCADE,
    format TEXT NOT NULL,
    namespace TEXT NOT NULL,
    package TEXT NOT NULL,
    PRIMARY KEY (promotion_seq, format, namespace, package)
);
