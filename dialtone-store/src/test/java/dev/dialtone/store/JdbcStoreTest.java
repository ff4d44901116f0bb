package dev.dialtone.store;

import static dev.dialtone.store.TestCalls.newCall;
import static dev.dialtone.store.TestCalls.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;
import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallState;
import dev.dialtone.store.GroupCommitter.Pending;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the JDBC store does beyond the {@link CallStoreContract}: batching, closing, readiness. */
class JdbcStoreTest {
  @TempDir Path dataDir;

  @Test
  void eachWriteOfABatchGetsItsOwnOutcome() {
    try (JdbcStore store = JdbcStore.openPaused(StoreConfig.sqliteInMemory())) {
      Call a = newCall();
      Call c = newCall();
      Call cEstablished = next(c, CallState.ESTABLISHED);
      Call cRival = next(c, CallState.TERMINATED);
      Call b = newCall();
      Pending insertA = submit(store, new Write.Insert(a, CallRows.json(a)));
      Pending insertAAgain = submit(store, new Write.Insert(a, CallRows.json(a)));
      Pending insertC = submit(store, new Write.Insert(c, CallRows.json(c)));
      Pending updateC = submit(store, new Write.Update(cEstablished, CallRows.json(cEstablished)));
      Pending rivalC = submit(store, new Write.Update(cRival, CallRows.json(cRival)));
      Pending insertB = submit(store, new Write.Insert(b, CallRows.json(b)));

      store.committer().start();

      GroupCommitter.await(insertA);
      GroupCommitter.await(insertC);
      GroupCommitter.await(updateC);
      GroupCommitter.await(insertB);
      assertThatThrownBy(() -> GroupCommitter.await(insertAAgain))
          .isInstanceOfSatisfying(
              EngineException.class,
              e -> {
                assertThat(e.failure()).isEqualTo(Failure.CONFLICT);
                assertThat(e).hasMessage("a call with id '" + a.id() + "' already exists");
              });
      assertThatThrownBy(() -> GroupCommitter.await(rivalC))
          .isInstanceOfSatisfying(
              EngineException.class,
              e -> {
                assertThat(e.failure()).isEqualTo(Failure.CONFLICT);
                assertThat(e)
                    .hasMessage(
                        "call '"
                            + c.id()
                            + "' was changed concurrently: the update expected stored version 1"
                            + " but the store holds version 2; read the call again and retry");
              });
      assertThat(store.commitStats()).isEqualTo(new GroupCommitter.Stats(1, 6));
      assertThat(store.find(a.id())).contains(a);
      assertThat(store.find(b.id())).contains(b);
      assertThat(store.find(c.id())).contains(cEstablished);
    }
  }

  @Test
  void closeReturnsOnlyAfterTheQueuedWritesCommitted() {
    StoreConfig config = StoreConfig.sqliteFile(dataDir);
    List<Call> calls = IntStream.range(0, 20).mapToObj(i -> newCall()).toList();
    List<Pending> writes;
    try (JdbcStore store = JdbcStore.openPaused(config)) {
      writes =
          calls.stream().map(c -> submit(store, new Write.Insert(c, CallRows.json(c)))).toList();
      store.committer().start();
    }

    assertThat(writes)
        .allSatisfy(write -> assertThat(write.outcome()).isCompletedWithValue(Optional.empty()));
    try (JdbcStore reopened = JdbcStore.open(config)) {
      assertThat(reopened.count()).isEqualTo(calls.size());
    }
  }

  @Test
  void closingAStoreThatNeverStartedRefusesWhatWasQueued() {
    Call call = newCall();
    Pending write;
    try (JdbcStore store = JdbcStore.openPaused(StoreConfig.sqliteInMemory())) {
      write = submit(store, new Write.Insert(call, CallRows.json(call)));
    }

    assertThatThrownBy(() -> GroupCommitter.await(write))
        .isInstanceOfSatisfying(
            EngineException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.UNAVAILABLE);
              assertThat(e).hasMessageContaining(call.id()).hasMessageContaining("not stored");
            });
  }

  @Test
  void writesAfterCloseAreUnavailable() {
    JdbcStore store = JdbcStore.open(StoreConfig.sqliteInMemory());
    store.close();
    Call call = newCall();

    assertThatThrownBy(() -> store.insert(call))
        .isInstanceOfSatisfying(
            EngineException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.UNAVAILABLE);
              assertThat(e).hasMessageContaining("closed").hasMessageContaining(call.id());
            });
  }

  @Test
  void aFullQueueRefusesAtOnce() {
    try (JdbcStore store =
        JdbcStore.openPaused(StoreConfig.sqliteInMemory().withQueueCapacity(2))) {
      submit(store, new Write.Insert(newCall(), "{}"));
      submit(store, new Write.Insert(newCall(), "{}"));
      Call third = newCall();

      assertThatThrownBy(() -> store.insert(third))
          .isInstanceOfSatisfying(
              EngineException.class,
              e -> {
                assertThat(e.failure()).isEqualTo(Failure.UNAVAILABLE);
                assertThat(e)
                    .hasMessageContaining("queue is full (2 changes waiting")
                    .hasMessageContaining(third.id())
                    .hasMessageContaining("retrying may help");
              });
    }
  }

  @Test
  void anInterruptedCallerGivesUpWaitingAndKeepsItsInterruptFlag() {
    try (JdbcStore store = JdbcStore.openPaused(StoreConfig.sqliteInMemory())) {
      Call call = newCall();
      Pending write = submit(store, new Write.Insert(call, CallRows.json(call)));
      Thread.currentThread().interrupt();

      try {
        assertThatThrownBy(() -> GroupCommitter.await(write))
            .isInstanceOfSatisfying(
                EngineException.class,
                e -> {
                  assertThat(e.failure()).isEqualTo(Failure.UNAVAILABLE);
                  assertThat(e).hasMessageContaining("may or may not be stored");
                });
      } finally {
        assertThat(Thread.interrupted()).isTrue();
      }
    }
  }

  @Test
  void insertTakesOnlyNewCallsAndUpdateOnlyChangedOnes() {
    try (JdbcStore store = JdbcStore.open(StoreConfig.sqliteInMemory())) {
      Call call = newCall();
      Call second = next(call, CallState.ESTABLISHED);

      assertThatThrownBy(() -> store.insert(second))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("insert takes a new call at version 1, got version 2 for call " + call.id());
      assertThatThrownBy(() -> store.update(call))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("version 2 or more, got version 1 for call " + call.id());
    }
  }

  @Test
  void isReadyWhileOpenAndNotOnceClosed() {
    JdbcStore store = JdbcStore.open(StoreConfig.sqliteFile(dataDir));
    assertThat(store.isReady()).isTrue();

    store.close();

    assertThat(store.isReady()).isFalse();
  }

  @Test
  void isNotReadyWhenTheDatabaseLacksAMigrationThisBuildShips() throws SQLException {
    StoreConfig config = StoreConfig.sqliteFile(dataDir);
    try (JdbcStore store = JdbcStore.open(config)) {
      try (Connection connection = DriverManager.getConnection(config.jdbcUrl());
          Statement statement = connection.createStatement()) {
        statement.execute("DELETE FROM flyway_schema_history");
      }

      assertThat(store.isReady()).isFalse();
    }
  }

  @Test
  void theFileIsCreatedInTheDataDirectoryMadeOnOpen() {
    Path nested = dataDir.resolve("a/b");

    try (JdbcStore store = JdbcStore.open(StoreConfig.sqliteFile(nested))) {
      store.insert(newCall());
    }

    assertThat(nested.resolve(StoreConfig.SQLITE_FILE_NAME)).isRegularFile();
  }

  @Test
  void inMemoryStoresDoNotShareCalls() {
    try (JdbcStore one = JdbcStore.open(StoreConfig.sqliteInMemory());
        JdbcStore other = JdbcStore.open(StoreConfig.sqliteInMemory())) {
      one.insert(newCall());

      assertThat(one.count()).isEqualTo(1);
      assertThat(other.count()).isZero();
    }
  }

  @Test
  void anUnreachableDatabaseFailsOpenWithoutShowingThePassword() {
    StoreConfig config =
        StoreConfig.postgres(
            "jdbc:postgresql://127.0.0.1:1/dialtone?password=hunter2&connectTimeout=5",
            "dialtone",
            "hunter2");

    assertThatThrownBy(() -> JdbcStore.open(config))
        .isInstanceOfSatisfying(
            EngineException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.UNAVAILABLE);
              assertThat(e)
                  .hasMessageStartingWith(
                      "could not open the store at"
                          + " jdbc:postgresql://127.0.0.1:1/dialtone?password=***&connectTimeout=5:"
                          + " ")
                  .hasMessageNotContaining("hunter2");
            });
  }

  private static Pending submit(JdbcStore store, Write write) {
    return store.committer().submit(write);
  }
}
