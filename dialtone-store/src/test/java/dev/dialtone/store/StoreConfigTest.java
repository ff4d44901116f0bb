package dev.dialtone.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StoreConfigTest {

  @Test
  void sqliteFileKeepsTheDatabaseInTheDataDirectory() {
    StoreConfig config = StoreConfig.sqliteFile(Path.of("data"));

    assertThat(config.jdbcUrl())
        .isEqualTo("jdbc:sqlite:" + Path.of("data").toAbsolutePath().resolve("dialtone.db"));
    assertThat(config.writers()).isEqualTo(1);
    assertThat(config.maxBatchSize()).isEqualTo(512);
  }

  @Test
  void sqliteInMemoryNamesANewDatabaseEachTime() {
    assertThat(StoreConfig.sqliteInMemory().jdbcUrl())
        .startsWith("jdbc:sqlite:file:/dialtone-")
        .endsWith("?vfs=memdb")
        .isNotEqualTo(StoreConfig.sqliteInMemory().jdbcUrl());
  }

  @Test
  void postgresHasOneCommitterAndEightReadersByDefault() {
    StoreConfig config = StoreConfig.postgres("jdbc:postgresql://db/dialtone", "u", "p");

    assertThat(config.writers()).isEqualTo(1);
    assertThat(config.readPoolSize()).isEqualTo(8);
  }

  @Test
  void anotherDatabaseIsRejected() {
    assertThatThrownBy(() -> StoreConfig.postgres("jdbc:mysql://db/dialtone", "u", "p"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the store runs on SQLite or PostgreSQL: the JDBC URL must start with 'jdbc:sqlite:'"
                + " or 'jdbc:postgresql:', got 'jdbc:mysql://db/dialtone'");
  }

  @Test
  void aPrivateInMemorySqliteUrlIsRejected() {
    assertThatThrownBy(() -> new StoreConfig("jdbc:sqlite::memory:", "", "", 4, 1, 512, 4096))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gives every connection its own private database")
        .hasMessageContaining("StoreConfig.sqliteInMemory()");
  }

  @Test
  void sqliteTakesExactlyOneWriter() {
    assertThatThrownBy(() -> StoreConfig.sqliteInMemory().withWriters(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("SQLite has a single writer: writers must be 1, got 2");
  }

  @Test
  void sizesBelowOneAreRejected() {
    assertThatThrownBy(() -> StoreConfig.sqliteInMemory().withMaxBatchSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBatchSize must be at least 1, got 0");
    assertThatThrownBy(() -> StoreConfig.sqliteInMemory().withQueueCapacity(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("queueCapacity must be at least 1, got -1");
  }

  @Test
  void aDataDirectoryWithAQuestionMarkIsRejected() {
    assertThatThrownBy(() -> StoreConfig.sqliteFile(Path.of("/tmp/what?")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not contain '?'");
  }

  @Test
  void toStringHidesThePassword() {
    StoreConfig config =
        StoreConfig.postgres(
            "jdbc:postgresql://db/dialtone?password=hunter2", "dialtone", "hunter2");

    assertThat(config.toString())
        .doesNotContain("hunter2")
        .contains("jdbc:postgresql://db/dialtone?password=***")
        .contains("user=dialtone");
  }
}
