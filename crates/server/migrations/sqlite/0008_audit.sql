-- The audit trail (issue 16): one row per recorded request, append-only (rows are only ever
-- inserted, completed by the request that inserted them, and pruned past the retention).
-- `id` orders records (newest first when listed); `event_id` is the record's GUID, which a
-- request that commits several transactions upserts.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    event_time REAL NOT NULL,
    event_name TEXT NOT NULL,
    event_source TEXT NOT NULL,
    request_id TEXT NOT NULL,
    read_only INTEGER NOT NULL,
    principal_arn TEXT NOT NULL,
    access_key_id TEXT NOT NULL,
    source_ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    domain TEXT NOT NULL DEFAULT '',
    repository TEXT NOT NULL DEFAULT '',
    package TEXT NOT NULL DEFAULT '',
    request_parameters TEXT NOT NULL,
    response_elements TEXT,
    error_code TEXT,
    error_message TEXT
);
CREATE INDEX audit_events_by_time ON audit_events (event_time);
CREATE INDEX audit_events_by_principal ON audit_events (principal_arn, id);
CREATE INDEX audit_events_by_package ON audit_events (domain, repository, package, id);
