package dev.dialtone.store;

import static dev.dialtone.store.TestCalls.newCall;
import static dev.dialtone.store.TestOutbox.change;
import static dev.dialtone.store.TestOutbox.notification;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract on PostgreSQL, with two committers (the default is one: two also cover committers
 * that must not deadlock each other), and what only PostgreSQL does: several nodes claiming from
 * one database.
 */
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
    StoreConfig config = postgres.newDatabase().withWriters(2);
    return () -> JdbcStore.open(config);
  }

  @Test
  void claimersOnSeveralNodesGetEachNotificationExactlyOnce() throws Exception {
    StoreConfig config = postgres.newDatabase();
    List<CallStore> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        nodes.add(JdbcStore.open(config));
      }
      List<Call> calls = IntStream.range(0, 2_000).mapToObj(i -> newCall()).toList();
      concurrently(
          calls,
          64,
          call ->
              nodes
                  .get(Math.floorMod(call.id().hashCode(), nodes.size()))
                  .apply(change(call, List.of(notification(call.id(), 1)), List.of())));

      Map<String, Integer> claims = claimConcurrently(nodes, 8, calls.size());

      assertThat(claims).hasSize(calls.size()).allSatisfy((id, times) -> assertThat(times).isOne());
    } finally {
      nodes.forEach(CallStore::close);
    }
  }
}
