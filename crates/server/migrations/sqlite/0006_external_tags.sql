-- External connections (one per repository, by name, e.g. 'public:npmjs') and tags on any
-- resource, keyed by its ARN (domains, repositories, package groups).
ALTER TABLE repositories ADD COLUMN external_connection TEXT;

CREATE TABLE resource_tags (
    resource_arn TEXT NOT NULL,
    tag_key TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (resource_arn, tag_key)
);
