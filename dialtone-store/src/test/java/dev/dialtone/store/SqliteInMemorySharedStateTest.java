package dev.dialtone.store;

import java.util.function.Supplier;

class SqliteInMemorySharedStateTest extends SharedStateContract {

  @Override
  protected Supplier<JdbcStore> newDatabase() {
    StoreConfig config = StoreConfig.sqliteInMemory();
    return () -> JdbcStore.open(config);
  }

  @Override
  protected boolean keepsDataAcrossReopen() {
    return false;
  }
}
