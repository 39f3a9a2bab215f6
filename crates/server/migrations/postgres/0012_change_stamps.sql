-- A per-package change stamp: a fresh random number on every write that changes what a read
-- of the package returns (its versions, their assets, deprecations and dist-tags, its origin
-- controls). Readers that cache something derived from a package (the npm packument) key the
-- cache by the stamps they read, so a cached copy is never served after a write, from any
-- process. Random rather than counted, so that restoring a backup never brings back a stamp
-- that already named other contents. Triggers keep it, so no write path can forget it; they
-- run once per statement (transition tables), so a copy's multi-row INSERT … SELECT stamps
-- each package once.
CREATE FUNCTION wharf_new_stamp() RETURNS BIGINT LANGUAGE SQL VOLATILE AS
$$ SELECT floor(random() * 9007199254740991)::BIGINT $$;

ALTER TABLE packages ADD COLUMN change_stamp BIGINT NOT NULL DEFAULT wharf_new_stamp();

CREATE FUNCTION wharf_stamp_origin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_stamp := wharf_new_stamp();
    RETURN NEW;
END $$;
CREATE TRIGGER packages_stamp_origin BEFORE UPDATE ON packages FOR EACH ROW
    WHEN (OLD.origin_publish IS DISTINCT FROM NEW.origin_publish
          OR OLD.origin_upstream IS DISTINCT FROM NEW.origin_upstream)
    EXECUTE FUNCTION wharf_stamp_origin();

-- Rows that carry package_id (package_versions, dist_tags).
CREATE FUNCTION wharf_stamp_by_package() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN
        UPDATE packages SET change_stamp = wharf_new_stamp()
        WHERE id IN (SELECT package_id FROM new_rows);
    END IF;
    IF TG_OP = 'DELETE' OR TG_OP = 'UPDATE' THEN
        UPDATE packages SET change_stamp = wharf_new_stamp()
        WHERE id IN (SELECT package_id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;

-- Rows that carry version_id (assets, npm_deprecations).
CREATE FUNCTION wharf_stamp_by_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN
        UPDATE packages SET change_stamp = wharf_new_stamp()
        WHERE id IN (SELECT v.package_id FROM package_versions v
                     WHERE v.id IN (SELECT version_id FROM new_rows));
    END IF;
    IF TG_OP = 'DELETE' OR TG_OP = 'UPDATE' THEN
        UPDATE packages SET change_stamp = wharf_new_stamp()
        WHERE id IN (SELECT v.package_id FROM package_versions v
                     WHERE v.id IN (SELECT version_id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER package_versions_stamp_insert AFTER INSERT ON package_versions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION wharf_stamp_by_package();
CREATE TRIGGER package_versions_stamp_update AFTER UPDATE ON package_versions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION wharf_stamp_by_package();
CREATE TRIGGER package_versions_stamp_delete AFTER DELETE ON package_versions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION wharf_stamp_by_package();

CREATE TRIGGER dist_tags_stamp_insert AFTER INSERT ON dist_tags
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION wharf_stamp_by_package();
CREATE TRIGGER dist_tags_stamp_update AFTER UPDATE ON dist_tags
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION wharf_stamp_by_package();
CREATE TRIGGER dist_tags_stamp_delete AFTER DELETE ON dist_tags
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION wharf_stamp_by_package();

CREATE TRIGGER assets_stamp_insert AFTER INSERT ON assets
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION wharf_stamp_by_version();
CREATE TRIGGER assets_stamp_update AFTER UPDATE ON assets
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION wharf_stamp_by_version();
CREATE TRIGGER assets_stamp_delete AFTER DELETE ON assets
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION wharf_stamp_by_version();

CREATE TRIGGER npm_deprecations_stamp_insert AFTER INSERT ON npm_deprecations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION wharf_stamp_by_version();
CREATE TRIGGER npm_deprecations_stamp_update AFTER UPDATE ON npm_deprecations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION wharf_stamp_by_version();
CREATE TRIGGER npm_deprecations_stamp_delete AFTER DELETE ON npm_deprecations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION wharf_stamp_by_version();

-- ListPackageVersions pages by (published_time, version) within a package: this index covers
-- every column the page reads, so a page is one index range scan without heap lookups.
CREATE INDEX package_versions_page ON package_versions (package_id, published_time, version)
    INCLUDE (revision, status, origin_type, entry_repository, id);
