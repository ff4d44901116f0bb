/**
 * The engine's {@link dev.dialtone.engine.call.CallStore} on JDBC.
 *
 * <p>The public surface is {@link dev.dialtone.store.StoreConfig} (where the data lives: a SQLite
 * file in the data directory by default, SQLite in memory for tests and throwaway runs, or
 * PostgreSQL at any JDBC URL), {@link dev.dialtone.store.JdbcStore} (open, use, check {@code
 * isReady()}, close) and {@link dev.dialtone.store.SharedState} (what the nodes on one database
 * share besides the calls: the token signing keys and the directory). One schema and one set of SQL serve both databases; Flyway applies the
 * versioned migrations under {@code dev/dialtone/store/migration} when a store opens.
 *
 * <p>Besides the calls, the store keeps the transactional outbox (notifications, written with the
 * change that causes them, and every delivery attempt) and the durable timers. Claims lease rows,
 * head of line first for notifications, with {@code FOR UPDATE SKIP LOCKED} on PostgreSQL so that
 * several nodes can share one database.
 *
 * <p>Writes, claims included, go through a group committer that shares one transaction, and one
 * fsync, between concurrent callers; each caller returns once its own write is durable.
 */
package dev.dialtone.store;
