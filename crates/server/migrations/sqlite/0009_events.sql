-- Package-version events and webhooks (issue 16). `outbox_events` is the transactional outbox:
-- an event row is inserted in the transaction of the change it describes, with one
-- `webhook_deliveries` row per webhook whose filter it matches, so a rolled-back change leaves
-- neither. The delivery worker sends each webhook's deliveries in `id` order.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    filter TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_time REAL NOT NULL
);

CREATE TABLE outbox_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    created_time REAL NOT NULL,
    body TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id TEXT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_seq INTEGER NOT NULL REFERENCES outbox_events(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    first_attempt_time REAL,
    next_attempt_time REAL NOT NULL,
    lease_until REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    delivered_time REAL
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (status, webhook_id, id);
