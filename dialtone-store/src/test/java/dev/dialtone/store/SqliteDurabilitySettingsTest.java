package dev.dialtone.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store's durability rests on two settings a kill -9 test cannot see (the page cache
 * survives a killed process): every connection fsyncs the WAL at commit, and the file is in WAL
 * mode. A power loss would lose commits without them, so they are checked here.
 */
class SqliteDurabilitySettingsTest {
  @TempDir Path dataDir;

  private static String pragma(Connection connection, String name) throws Exception {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("PRAGMA " + name)) {
      rows.next();
      return rows.getString(1);
    }
  }

  @Test
  void writerConnections_syncFully_andTheFileIsInWalMode() throws Exception {
    StoreConfig config = StoreConfig.sqliteFile(dataDir);
    DataSource writer = Engine.SQLITE.dataSource(config, "dialtone-write");
    try (JdbcStore store = JdbcStore.open(config);
        Connection connection = writer.getConnection()) {
      assertThat(store.isReady()).isTrue();
      assertThat(pragma(connection, "synchronous")).as("2 is FULL").isEqualTo("2");
      assertThat(pragma(connection, "journal_mode")).isEqualTo("wal");
    }
  }

  @Test
  void deliveryBookkeepingCommitsWithoutTheFlush_andEveryChangeWithItAgain() throws Exception {
    StoreConfig config = StoreConfig.sqliteFile(dataDir);
    DataSource writer = Engine.SQLITE.dataSource(config, "dialtone-write");
    try (JdbcStore store = JdbcStore.open(config);
        Connection connection = writer.getConnection()) {
      assertThat(store.isReady()).isTrue();
      // As in the write pool: the driver keeps a transaction open between commits.
      connection.setAutoCommit(false);

      Engine.SQLITE.durability(connection, false);
      assertThat(pragma(connection, "synchronous")).as("1 is NORMAL").isEqualTo("1");
      connection.commit();
      Engine.SQLITE.durability(connection, true);
      assertThat(pragma(connection, "synchronous")).as("2 is FULL").isEqualTo("2");
      connection.commit();
    }
  }
}
