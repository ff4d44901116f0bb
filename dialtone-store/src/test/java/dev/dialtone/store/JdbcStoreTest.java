package dev.dialtone.store;

import static dev.dialtone.store.TestCalls.newCall;
import static dev.dialtone.store.TestCalls.next;
import static dev.dialtone.store.TestOutbox.T0;
import static dev.dialtone.store.TestOutbox.change;
import static dev.dialtone.store.TestOutbox.notification;
import static dev.dialtone.store.TestOutbox.timer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;
import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallChange;
import dev.dialtone.engine.call.CallState;
import dev.dialtone.engine.call.Delivery;
import dev.dialtone.engine.call.Notification;
import dev.dialtone.engine.call.Timer;
import dev.dialtone.engine.call.TimerKind;
import dev.dialtone.store.GroupCommitter.Pending;
import java.nio.file.Path;
import java.time.Duration;
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
      Pending insertA = submit(store, changing(a));
      Pending insertAAgain = submit(store, changing(a));
      Pending insertC = submit(store, changing(c));
      Pending updateC = submit(store, changing(cEstablished));
      Pending rivalC = submit(store, changing(cRival));
      Pending insertB = submit(store, changing(b));

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
      assertThat(store.commitStats()).isEqualTo(new GroupCommitter.Stats(1, 6, 0));
      assertThat(store.find(a.id())).contains(a);
      assertThat(store.find(b.id())).contains(b);
      assertThat(store.find(c.id())).contains(cEstablished);
    }
  }

  @Test
  void twoChangesOfOneCallInOneBatchApplyInQueueOrder() {
    try (JdbcStore store = JdbcStore.openPaused(StoreConfig.sqliteInMemory())) {
      Call call = newCall();
      Call established = next(call, CallState.ESTABLISHED);
      Notification first = notification(call.id(), 1);
      Notification second = notification(call.id(), 2);
      Timer ringing = timer(call.id(), TimerKind.RINGING_TIMEOUT, T0);
      Timer keepAlive = timer(call.id(), TimerKind.KEEP_ALIVE_EXPIRY, T0.plusSeconds(60));
      Pending create =
          submit(store, Write.Change.of(change(call, List.of(first), List.of(ringing))));
      Pending answer =
          submit(
              store,
              Write.Change.of(
                  new CallChange(
                      Optional.of(established),
                      List.of(second),
                      List.of(keepAlive),
                      List.of(ringing.id()),
                      false)));

      store.committer().start();

      GroupCommitter.await(create);
      GroupCommitter.await(answer);
      assertThat(store.commitStats()).isEqualTo(new GroupCommitter.Stats(1, 2, 0));
      assertThat(store.find(call.id())).contains(established);
      assertThat(store.deliveries(call.id()))
          .extracting(Delivery.Record::notification)
          .containsExactly(first, second);
      assertThat(store.nextDue()).contains(keepAlive.dueAt());
    }
  }

  @Test
  void claimsCommitBeforeTheChangesOfTheirBatch_withoutWaitingForTheDisk_andSeeOnlyEarlierBatches() {
    try (JdbcStore store = JdbcStore.openPaused(StoreConfig.sqliteFile(dataDir))) {
      Call call = newCall();
      Notification created = notification(call.id(), 1);
      Timer ringing = timer(call.id(), TimerKind.RINGING_TIMEOUT, T0);
      Write.ClaimNotifications claimNotifications =
          new Write.ClaimNotifications("x", T0, T0.plusSeconds(60), 10);
      Write.ClaimTimers claimTimers = new Write.ClaimTimers("x", T0, T0.plusSeconds(60), 10);
      List<Pending> writes =
          List.of(
              submit(store, Write.Change.of(change(call, List.of(created), List.of(ringing)))),
              submit(store, claimNotifications),
              submit(store, claimTimers));

      store.committer().start();

      writes.forEach(GroupCommitter::await);
      // One batch, two transactions: the claims' first (not flushed), then the change (flushed).
      assertThat(store.commitStats()).isEqualTo(new GroupCommitter.Stats(2, 3, 1));
      assertThat(claimNotifications.claimed().get()).isEmpty();
      assertThat(claimTimers.claimed().get()).isEmpty();
      assertThat(store.claimNotifications("x", T0, Duration.ofSeconds(60), 10))
          .extracting(TestOutbox::notification)
          .containsExactly(created);
      assertThat(store.claimTimers("x", T0, Duration.ofSeconds(60), 10)).containsExactly(ringing);
      assertThat(store.commitStats()).isEqualTo(new GroupCommitter.Stats(4, 5, 3));
    }
  }

  @Test
  void closeReturnsOnlyAfterTheQueuedWritesCommitted() {
    StoreConfig config = StoreConfig.sqliteFile(dataDir);
    List<Call> calls = IntStream.range(0, 20).mapToObj(i -> newCall()).toList();
    List<Pending> writes;
    try (JdbcStore store = JdbcStore.openPaused(config)) {
      writes = calls.stream().map(c -> submit(store, changing(c))).toList();
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
      write = submit(store, changing(call));
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
      submit(store, changing(newCall()));
      submit(store, changing(newCall()));
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
      Pending write = submit(store, changing(call));
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
  void aChangeWithNotificationsButNoCallIsRejected() {
    try (JdbcStore store = JdbcStore.open(StoreConfig.sqliteInMemory())) {
      Call call = newCall();
      Notification notification = notification(call.id(), 1);
      CallChange orphan =
          new CallChange(Optional.empty(), List.of(notification), List.of(), List.of(), false);

      assertThatThrownBy(() -> store.apply(orphan))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "a change without a call only touches timers, but this one adds notifications"
                  + " (the first for call "
                  + call.id()
                  + ")");
      assertThat(store.deliveries(call.id())).isEmpty();
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

  private static Write changing(Call call) {
    return Write.Change.of(CallChange.of(call));
  }
}
