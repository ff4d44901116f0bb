package dev.dialtone.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;

class SqliteCommitFailureTest extends CommitFailureContract {
  @TempDir Path dataDir;

  @Override
  StoreConfig newDatabase() {
    return StoreConfig.sqliteFile(dataDir);
  }

  @Override
  void refuseInsertsInto(StoreConfig config, String tenant) throws SQLException {
    execute(
        config,
        "CREATE TRIGGER refuse_tenant BEFORE INSERT ON calls WHEN NEW.tenant_id = '"
            + tenant
            + "' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  }

  @Override
  void failCommitsInserting(StoreConfig config, String tenant) throws SQLException {
    // A deferred foreign key is checked at COMMIT; the store's connections enforce foreign keys.
    execute(
        config,
        "CREATE TABLE test_parent (id TEXT PRIMARY KEY)",
        "CREATE TABLE test_child (call_id TEXT REFERENCES test_parent (id)"
            + " DEFERRABLE INITIALLY DEFERRED)",
        "CREATE TRIGGER orphan_child AFTER INSERT ON calls WHEN NEW.tenant_id = '"
            + tenant
            + "' BEGIN INSERT INTO test_child VALUES (NEW.id); END");
  }

  private static void execute(StoreConfig config, String... statements) throws SQLException {
    try (Connection connection = DriverManager.getConnection(config.jdbcUrl());
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
