-- The transactional outbox and the durable timers, written in the same transaction as the call
-- change that causes them. Same rules as V1: one SQL for SQLite and PostgreSQL, timestamps as
-- epoch milliseconds, JSON as TEXT.

-- One row per notification a bot is owed. Per call, only the lowest-sequence pending row (the head
-- of the line) may be claimed; a lease (owner, until) marks a row a dispatcher is delivering.
CREATE TABLE notifications (
    id              TEXT    NOT NULL PRIMARY KEY,
    call_id         TEXT    NOT NULL,
    sequence        BIGINT  NOT NULL,
    app_id          TEXT    NOT NULL,
    tenant_id       TEXT    NOT NULL,
    target          TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'gave_up')),
    next_attempt_at BIGINT  NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    lease_owner     TEXT,
    lease_until     BIGINT,
    UNIQUE (call_id, sequence)
);

-- The claim walks the due pending rows in next_attempt_at order, and for each asks whether an
-- earlier pending row of its call exists. Both indexes are partial (WHERE state = 'pending'): the
-- delivered and given-up rows, nearly all of them once the server has run a while, never enter
-- them, so they stay as small as the backlog. The claim's predicates repeat the literal
-- state = 'pending' so that both planners can use them. deliveries(callId) uses the UNIQUE index.
CREATE INDEX notifications_pending_due ON notifications (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notifications_pending_line ON notifications (call_id, sequence) WHERE state = 'pending';

-- Every attempt to POST a notification, kept for /dialtone/calls/{id}/notifications.
CREATE TABLE delivery_attempts (
    notification_id TEXT    NOT NULL REFERENCES notifications (id),
    number          INTEGER NOT NULL CHECK (number >= 1),
    at              BIGINT  NOT NULL,
    status          INTEGER,
    latency_ms      BIGINT  NOT NULL,
    error           TEXT,
    PRIMARY KEY (notification_id, number)
);

-- Timers waiting to fire; a claimed one is leased like a notification.
CREATE TABLE timers (
    id          TEXT   NOT NULL PRIMARY KEY,
    call_id     TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    due_at      BIGINT NOT NULL,
    data        TEXT   NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT
);

-- The claim and nextDue() read timers in due_at order; cancelAllTimers deletes by call.
CREATE INDEX timers_due ON timers (due_at);
CREATE INDEX timers_call ON timers (call_id);
