package dev.dialtone.store;

import dev.dialtone.engine.call.CallStore;
import java.util.function.Supplier;

class SqliteInMemoryStoreTest extends CallStoreContract {

  @Override
  protected Supplier<CallStore> newDatabase() {
    StoreConfig config = StoreConfig.sqliteInMemory();
    return () -> JdbcStore.open(config);
  }

  @Override
  protected boolean keepsDataAcrossReopen() {
    return false;
  }
}
