-- The directory (tenants, applications, users, ...) shared by every node on the database, so that
-- a change made through the admin API on one node reaches all and survives restarts. Same rules as
-- V1: only TEXT, BIGINT and INTEGER, timestamps as epoch milliseconds.
--
-- One row (id = 1). document is the directory as JSON, in the directory file's model. version
-- grows by one at every change; writers compare and set on it (UPDATE ... WHERE version = ?), and
-- nodes poll it by primary key to learn that the document changed. seed_sha256 is the SHA-256 of
-- the directory file (or built-in demo directory) the document was last seeded from: a node
-- started with a different file replaces the document with that file's.
CREATE TABLE directory (
    id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    version     BIGINT  NOT NULL CHECK (version >= 1),
    document    TEXT    NOT NULL,
    seed_sha256 TEXT    NOT NULL,
    updated_at  BIGINT  NOT NULL
);
