/**
 * The engine's {@link dev.dialtone.engine.call.CallStore} on JDBC.
 *
 * <p>The public surface is {@link dev.dialtone.store.StoreConfig} (where the data lives: a SQLite
 * file in the data directory by default, SQLite in memory for tests and throwaway runs, or
 * PostgreSQL at any JDBC URL) and {@link dev.dialtone.store.JdbcStore} (open, use, check {@code
 * isReady()}, close). One schema and one set of SQL serve both databases; Flyway applies the
 * versioned migrations under {@code dev/dialtone/store/migration} when a store opens.
 *
 * <p>Writes go through a group committer that shares one transaction, and one fsync, between
 * concurrent callers; each caller returns once its own change is durable.
 */
package dev.dialtone.store;
