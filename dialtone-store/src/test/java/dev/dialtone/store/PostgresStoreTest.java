package dev.dialtone.store;

import dev.dialtone.engine.call.CallStore;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The contract on PostgreSQL, with the default two committers. */
class PostgresStoreTest extends CallStoreContract {
  private static TestPostgres postgres;

  @BeforeAll
  static void startPostgres() {
    postgres = TestPostgres.start();
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
  }

  @Override
  protected Supplier<CallStore> newDatabase() {
    StoreConfig config = postgres.newDatabase();
    return () -> JdbcStore.open(config);
  }
}
