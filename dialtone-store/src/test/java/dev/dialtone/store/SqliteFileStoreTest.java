package dev.dialtone.store;

import dev.dialtone.engine.call.CallStore;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.io.TempDir;

class SqliteFileStoreTest extends CallStoreContract {
  @TempDir Path dataDir;

  @Override
  protected Supplier<CallStore> newDatabase() {
    StoreConfig config = StoreConfig.sqliteFile(dataDir.resolve("data"));
    return () -> JdbcStore.open(config);
  }

  @Override
  protected boolean releasesLeasesOnOpen() {
    return true;
  }
}
