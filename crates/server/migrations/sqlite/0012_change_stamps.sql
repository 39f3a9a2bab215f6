-- A per-package change stamp: a fresh random number on every write that changes what a read
-- of the package returns (its versions, their assets, deprecations and dist-tags, its origin
-- controls). Readers that cache something derived from a package (the npm packument) key the
-- cache by the stamps they read, so a cached copy is never served after a write, from any
-- process. Random rather than counted, so a package deleted and created again (SQLite may
-- reuse its id) never repeats an old stamp. Triggers keep it, so no write path can forget it.
ALTER TABLE packages ADD COLUMN change_stamp INTEGER NOT NULL DEFAULT 0;
UPDATE packages SET change_stamp = random();

CREATE TRIGGER packages_stamp_insert AFTER INSERT ON packages BEGIN
    UPDATE packages SET change_stamp = random() WHERE id = NEW.id;
END;
CREATE TRIGGER packages_stamp_origin AFTER UPDATE OF origin_publish, origin_upstream ON packages BEGIN
    UPDATE packages SET change_stamp = random() WHERE id = NEW.id;
END;

CREATE TRIGGER package_versions_stamp_insert AFTER INSERT ON package_versions BEGIN
    UPDATE packages SET change_stamp = random() WHERE id = NEW.package_id;
END;
CREATE TRIGGER package_versions_stamp_update AFTER UPDATE ON package_versions BEGIN
    UPDATE packages SET change_stamp = random() WHERE id IN (OLD.package_id, NEW.package_id);
END;
CREATE TRIGGER package_versions_stamp_delete AFTER DELETE ON package_versions BEGIN
    UPDATE packages SET change_stamp = random() WHERE id = OLD.package_id;
END;

CREATE TRIGGER assets_stamp_insert AFTER INSERT ON assets BEGIN
    UPDATE packages SET change_stamp = random()
    WHERE id = (SELECT package_id FROM package_versions WHERE id = NEW.version_id);
END;
CREATE TRIGGER assets_stamp_update AFTER UPDATE ON assets BEGIN
    UPDATE packages SET change_stamp = random()
    WHERE id IN (SELECT package_id FROM package_versions WHERE id IN (OLD.version_id, NEW.version_id));
END;
CREATE TRIGGER assets_stamp_delete AFTER DELETE ON assets BEGIN
    UPDATE packages SET change_stamp = random()
    WHERE id = (SELECT package_id FROM package_versions WHERE id = OLD.version_id);
END;

CREATE TRIGGER npm_deprecations_stamp_insert AFTER INSERT ON npm_deprecations BEGIN
    UPDATE packages SET change_stamp = random()
    WHERE id = (SELECT package_id FROM package_versions WHERE id = NEW.version_id);
END;
CREATE TRIGGER npm_deprecations_stamp_update AFTER UPDATE ON npm_deprecations BEGIN
    UPDATE packages SET change_stamp = random()
    WHERE id IN (SELECT package_id FROM package_versions WHERE id IN (OLD.version_id, NEW.version_id));
END;
CREATE TRIGGER npm_deprecations_stamp_delete AFTER DELETE ON npm_deprecations BEGIN
    UPDATE packages SET change_stamp = random()
    WHERE id = (SELECT package_id FROM package_versions WHERE id = OLD.version_id);
END;

CREATE TRIGGER dist_tags_stamp_insert AFTER INSERT ON dist_tags BEGIN
    UPDATE packages SET change_stamp = random() WHERE id = NEW.package_id;
END;
CREATE TRIGGER dist_tags_stamp_update AFTER UPDATE ON dist_tags BEGIN
    UPDATE packages SET change_stamp = random() WHERE id IN (OLD.package_id, NEW.package_id);
END;
CREATE TRIGGER dist_tags_stamp_delete AFTER DELETE ON dist_tags BEGIN
    UPDATE packages SET change_stamp = random() WHERE id = OLD.package_id;
END;

-- ListPackageVersions pages by (published_time, version) within a package: this index covers
-- every column the page reads, so a page is one range scan of the index with no table lookups.
CREATE INDEX package_versions_page ON package_versions
    (package_id, published_time, version, id, revision, status, origin_type, entry_repository);
