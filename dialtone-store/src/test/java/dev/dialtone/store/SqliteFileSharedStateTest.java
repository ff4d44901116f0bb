package dev.dialtone.store;

import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;

class SqliteFileSharedStateTest extends SharedStateContract {
  @TempDir Path dataDir;

  @Override
  protected Supplier<JdbcStore> newDatabase() {
    StoreConfig config = StoreConfig.sqliteFile(dataDir.resolve("data"));
    return () -> JdbcStore.open(config);
  }
}
