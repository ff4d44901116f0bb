package dev.dialtone.store;

import static dev.dialtone.store.TestCalls.inTenant;
import static dev.dialtone.store.TestCalls.newCall;
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
import dev.dialtone.engine.call.Delivery;
import dev.dialtone.engine.call.Notification;
import dev.dialtone.engine.call.Timer;
import dev.dialtone.engine.call.TimerKind;
import dev.dialtone.store.GroupCommitter.Pending;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * How the group committer behaves when the database fails one write or a whole commit. Each
 * database makes the failures happen its own way (triggers), on a store whose writes are queued
 * before the committer starts, so they all land in one batch.
 */
abstract class CommitFailureContract {

  /** A new, empty database for a store with a single committer. */
  abstract StoreConfig newDatabase();

  /**
   * From now on the database refuses, with a constraint error, every insert into {@code tenant}.
   */
  abstract void refuseInsertsInto(StoreConfig config, String tenant) throws SQLException;

  /** From now on every commit that inserted a call into {@code tenant} fails. */
  abstract void failCommitsInserting(StoreConfig config, String tenant) throws SQLException;

  @Test
  void aWriteTheDatabaseRefusesFailsAloneAndTheRestOfItsBatchCommits() throws SQLException {
    StoreConfig config = newDatabase();
    try (JdbcStore store = JdbcStore.openPaused(config)) {
      refuseInsertsInto(config, "refused-tenant");
      List<Call> good = IntStream.range(0, 5).mapToObj(i -> newCall()).toList();
      Call refused = inTenant(newCall(), "refused-tenant");
      Pending refusedWrite = store.committer().submit(changing(refused));
      List<Pending> goodWrites =
          good.stream().map(c -> store.committer().submit(changing(c))).toList();

      store.committer().start();

      goodWrites.forEach(GroupCommitter::await);
      assertThatThrownBy(() -> GroupCommitter.await(refusedWrite))
          .isInstanceOfSatisfying(
              EngineException.class,
              e -> {
                assertThat(e.failure()).isEqualTo(Failure.UNAVAILABLE);
                assertThat(e).hasMessageContaining(refused.id()).hasMessageContaining("not stored");
                assertThat(e.getCause()).isInstanceOf(SQLException.class);
              });
      assertThat(store.commitStats()).isEqualTo(new GroupCommitter.Stats(1, 6, 0));
      for (Call call : good) {
        assertThat(store.find(call.id())).contains(call);
      }
      assertThat(store.find(refused.id())).isEmpty();
    }
  }

  @Test
  void aFailedCommitFailsItsWholeBatchAndTheNextWritesCommit() throws SQLException {
    StoreConfig config = newDatabase();
    try (JdbcStore store = JdbcStore.openPaused(config)) {
      failCommitsInserting(config, "doomed-tenant");
      List<Call> batch =
          List.of(newCall(), newCall(), inTenant(newCall(), "doomed-tenant"), newCall());
      List<Pending> writes =
          batch.stream().map(c -> store.committer().submit(changing(c))).toList();

      store.committer().start();

      for (int i = 0; i < batch.size(); i++) {
        Pending write = writes.get(i);
        String id = batch.get(i).id();
        assertThatThrownBy(() -> GroupCommitter.await(write))
            .isInstanceOfSatisfying(
                EngineException.class,
                e -> {
                  assertThat(e.failure()).isEqualTo(Failure.UNAVAILABLE);
                  assertThat(e.code()).isEqualTo("serviceNotAvailable");
                  assertThat(e)
                      .hasMessageContaining(id)
                      .hasMessageContaining("may or may not be stored")
                      .hasMessageContaining("retrying may help");
                  assertThat(e.getCause()).isInstanceOf(SQLException.class);
                });
      }
      assertThat(store.count()).isZero();

      Call later = newCall();
      store.insert(later);

      assertThat(store.find(later.id())).contains(later);
      assertThat(store.isReady()).isTrue();
    }
  }

  @Test
  void aChangeWhoseNotificationTheDatabaseRefusesWritesNothingAndTheRestOfItsBatchCommits() {
    StoreConfig config = newDatabase();
    try (JdbcStore store = JdbcStore.openPaused(config)) {
      // Batches are sorted by call id: a's change comes first and takes the notification id.
      Call a = newCall("a-" + UUID.randomUUID());
      Call b = newCall("b-" + UUID.randomUUID());
      Call c = newCall("c-" + UUID.randomUUID());
      Notification taken = notification(a.id(), 1);
      Notification clash =
          new Notification(
              taken.id(),
              b.id(),
              1,
              taken.applicationId(),
              taken.tenantId(),
              taken.target(),
              taken.chainId(),
              taken.body(),
              taken.createdAt());
      Timer bRinging = timer(b.id(), TimerKind.RINGING_TIMEOUT, T0);
      Timer cRinging = timer(c.id(), TimerKind.RINGING_TIMEOUT, T0.plusSeconds(1));
      Pending refused =
          store.committer().submit(Write.Change.of(change(b, List.of(clash), List.of(bRinging))));
      Pending first =
          store.committer().submit(Write.Change.of(change(a, List.of(taken), List.of())));
      Pending last =
          store
              .committer()
              .submit(
                  Write.Change.of(change(c, List.of(notification(c.id(), 1)), List.of(cRinging))));

      store.committer().start();

      GroupCommitter.await(first);
      GroupCommitter.await(last);
      assertThatThrownBy(() -> GroupCommitter.await(refused))
          .isInstanceOfSatisfying(
              EngineException.class,
              e -> {
                assertThat(e.failure()).isEqualTo(Failure.UNAVAILABLE);
                assertThat(e)
                    .hasMessageContaining("the change to call " + b.id())
                    .hasMessageContaining("not stored");
                assertThat(e.getCause()).isInstanceOf(SQLException.class);
              });
      assertThat(store.commitStats()).isEqualTo(new GroupCommitter.Stats(1, 3, 0));
      assertThat(store.find(b.id())).isEmpty();
      assertThat(store.deliveries(b.id())).isEmpty();
      assertThat(store.deliveries(a.id()))
          .extracting(Delivery.Record::notification)
          .containsExactly(taken);
      assertThat(store.find(c.id())).isPresent();
      assertThat(store.deliveries(c.id())).hasSize(1);
      assertThat(store.claimTimers("x", T0.plusSeconds(5), Duration.ofMinutes(1), 10))
          .containsExactly(cRinging);
    }
  }

  private static Write changing(Call call) {
    return Write.Change.of(CallChange.of(call));
  }
}
