-- External connections (one per repository, by name, e.g. 'public:npmjs') and tags on any
-- resource, keyed by its ARN (domains, repositories, package groups).
ALTER TABLE repositories ADD COLUMN external_connection TEXT COLLATE "C";

CREATE TABLE resource_tags (
    resource_arn TEXT COLLATE "C" NOT NULL,
    tag_key TEXT COLLATE "C" NOT NULL,
    tag_value TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (resource_arn, tag_key)
);
