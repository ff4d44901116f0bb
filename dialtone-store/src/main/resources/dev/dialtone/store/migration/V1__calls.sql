-- One schema for SQLite and PostgreSQL: only TEXT, BIGINT and INTEGER, timestamps as epoch
-- milliseconds, the call's Graph JSON as TEXT. Later migrations (outbox, timers) follow as V2, V3...

CREATE TABLE calls (
    id         TEXT   NOT NULL PRIMARY KEY,
    tenant_id  TEXT   NOT NULL,
    app_id     TEXT   NOT NULL,
    state      TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL CHECK (version >= 1),
    resource   TEXT   NOT NULL
);

-- The questions asked by state within a tenant: a tenant's live calls (limits, the directory
-- API), and after a restart the calls that are not terminated yet (state <> 'terminated' within
-- each tenant). Lookups by id use the primary key.
CREATE INDEX calls_tenant_state ON calls (tenant_id, state);
