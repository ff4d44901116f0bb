package dev.dialtone.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract on PostgreSQL, and what only PostgreSQL does: several nodes, each with a store of
 * its own, sharing one database.
 */
class PostgresSharedStateTest extends SharedStateContract {
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
  protected Supplier<JdbcStore> newDatabase() {
    StoreConfig config = postgres.newDatabase();
    return () -> JdbcStore.open(config);
  }

  @Test
  void aNodeStartingLaterGetsTheKeysOfTheFirst() {
    StoreConfig config = postgres.newDatabase();
    try (JdbcStore first = JdbcStore.open(config);
        JdbcStore second = JdbcStore.open(config)) {
      String stored = first.insertSigningKeysIfAbsent("{\"keys\":[\"first\"]}", T0);

      assertThat(second.signingKeys()).contains(stored);
      assertThat(second.insertSigningKeysIfAbsent("{\"keys\":[\"second\"]}", T0))
          .isEqualTo(stored);
    }
  }

  @Test
  void nodesStartingTogetherOnAnEmptyDatabaseConvergeOnOneKeySet() throws Exception {
    StoreConfig config = postgres.newDatabase();
    List<JdbcStore> nodes = new ArrayList<>();
    try {
      // Each node opens its store (migrating the new database at the same time as the others),
      // then stores its own candidate unless a set is there.
      List<Callable<String>> starts =
          IntStream.range(0, 4)
              .<Callable<String>>mapToObj(
                  i ->
                      () -> {
                        JdbcStore node = JdbcStore.open(config);
                        synchronized (nodes) {
                          nodes.add(node);
                        }
                        return node.insertSigningKeysIfAbsent(
                            "{\"keys\":[\"node-" + i + "\"]}", T0);
                      })
              .toList();

      List<String> keys = concurrently(starts);

      assertThat(keys).containsOnly(keys.getFirst());
      assertThat(nodes).allSatisfy(node -> assertThat(node.signingKeys()).contains(keys.getFirst()));
    } finally {
      nodes.forEach(JdbcStore::close);
    }
  }

  @Test
  void writersOnTwoNodesThatRetryOnConflictLoseNoChange() throws Exception {
    StoreConfig config = postgres.newDatabase();
    try (JdbcStore first = JdbcStore.open(config);
        JdbcStore second = JdbcStore.open(config)) {
      first.insertDirectoryIfAbsent("", "seed-a", T0);
      List<String> marks = IntStream.range(0, 20).mapToObj(i -> "[writer-" + i + "]").toList();

      concurrently(
          IntStream.range(0, marks.size())
              .<Callable<String>>mapToObj(
                  i -> () -> appendWithRetry(i % 2 == 0 ? first : second, marks.get(i)))
              .toList());

      assertThat(second.directoryVersion()).hasValue(1 + marks.size());
      String document = first.directory().orElseThrow().document();
      for (String mark : marks) {
        assertThat(document).containsOnlyOnce(mark);
      }
    }
  }
}
