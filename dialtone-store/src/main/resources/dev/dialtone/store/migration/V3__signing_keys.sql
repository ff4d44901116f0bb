-- The key set that signs access tokens and notification tokens, shared by every node on the
-- database so that a token one node issued verifies on all. Same rules as V1: only TEXT, BIGINT
-- and INTEGER, timestamps as epoch milliseconds.
--
-- One row (id = 1). The first node to start inserts it with INSERT ... ON CONFLICT DO NOTHING and
-- every node reads it back, so nodes starting at the same time converge on one set. jwks is a JWK
-- Set, newest key first, WITH THE PRIVATE KEYS: whoever can read this table can sign tokens.
CREATE TABLE signing_keys (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    jwks       TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);
