package dev.dialtone.store;

import static dev.dialtone.store.TestCalls.inTenant;
import static dev.dialtone.store.TestCalls.newCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;
import dev.dialtone.engine.call.Call;
import dev.dialtone.store.GroupCommitter.Pending;
import java.sql.SQLException;
import java.util.List;
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
      Pending refusedWrite = store.committer().submit(new Write.Insert(refused, json(refused)));
      List<Pending> goodWrites =
          good.stream().map(c -> store.committer().submit(new Write.Insert(c, json(c)))).toList();

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
      assertThat(store.commitStats()).isEqualTo(new GroupCommitter.Stats(1, 6));
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
          batch.stream().map(c -> store.committer().submit(new Write.Insert(c, json(c)))).toList();

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

  private static String json(Call call) {
    return CallRows.json(call);
  }
}
