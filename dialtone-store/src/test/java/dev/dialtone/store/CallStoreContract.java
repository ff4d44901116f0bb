package dev.dialtone.store;

import static dev.dialtone.store.TestCalls.newCall;
import static dev.dialtone.store.TestCalls.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;
import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallState;
import dev.dialtone.engine.call.CallStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CallStore} promises, whatever database is under it. Extend it once per
 * database; the test-jar lets other modules run it against the store they wire.
 *
 * <p>Test methods are public so that subclasses in other packages inherit them.
 */
public abstract class CallStoreContract {

  /**
   * A new, empty database. Each {@code get()} opens a store on it; a store opened after another was
   * closed sees what that one stored, if {@link #keepsDataAcrossReopen()}.
   */
  protected abstract Supplier<CallStore> newDatabase();

  /** False for stores whose data dies with them (in memory). */
  protected boolean keepsDataAcrossReopen() {
    return true;
  }

  private Supplier<CallStore> database;

  /** The store under test, opened before each test and closed after it. */
  protected CallStore store;

  @BeforeEach
  void openStore() {
    database = newDatabase();
    store = database.get();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  public void insertedCallComesBackWithEveryField() {
    Call call = newCall();

    store.insert(call);

    Call found = store.find(call.id()).orElseThrow();
    assertThat(found).isEqualTo(call);
    assertThat(found.resource().get("myApp.correlation").get("big").asLong())
        .isEqualTo(12345678901234567L);
    assertThat(found.resource().get("subject").asText()).isEqualTo("Zürich ☎ İstanbul — ıi");
    assertThat(found.resource().get("source").get("languageId").isNull()).isTrue();
  }

  @Test
  public void timestampsAreKeptToTheMillisecond() {
    Instant precise = Instant.parse("2026-03-14T09:26:53.589793238Z");
    Call call = newCall();
    Call nanos =
        new Call(
            call.id(),
            call.tenantId(),
            call.applicationId(),
            call.state(),
            precise,
            precise,
            1,
            call.resource());

    store.insert(nanos);

    Call found = store.find(call.id()).orElseThrow();
    assertThat(found.createdAt()).isEqualTo(Instant.parse("2026-03-14T09:26:53.589Z"));
    assertThat(found.updatedAt()).isEqualTo(Instant.parse("2026-03-14T09:26:53.589Z"));
  }

  @Test
  public void findOfAnUnknownIdIsEmpty() {
    assertThat(store.find(UUID.randomUUID().toString())).isEmpty();
  }

  @Test
  public void insertOfAnExistingIdIsAConflictAndSpoilsNoOtherInsert() throws Exception {
    Call existing = newCall();
    store.insert(existing);
    List<Call> fresh = IntStream.range(0, 100).mapToObj(i -> newCall()).toList();
    List<Call> all = new ArrayList<>(fresh);
    all.add(50, newCall(existing.id()));

    List<Optional<EngineException>> outcomes = concurrently(all, store::insert);

    EngineException conflict = outcomes.get(50).orElseThrow();
    assertThat(conflict.failure()).isEqualTo(Failure.CONFLICT);
    assertThat(conflict.code()).isEqualTo("conflict");
    assertThat(conflict).hasMessageContaining(existing.id());
    assertThat(outcomes.stream().filter(Optional::isPresent)).hasSize(1);
    for (Call call : fresh) {
      assertThat(store.find(call.id())).contains(call);
    }
    assertThat(store.count()).isEqualTo(101);
  }

  @Test
  public void concurrentInsertsOfOneIdStoreExactlyOne() throws Exception {
    String id = UUID.randomUUID().toString();
    List<Call> same = IntStream.range(0, 16).mapToObj(i -> newCall(id)).toList();

    List<Optional<EngineException>> outcomes = concurrently(same, store::insert);

    assertThat(outcomes.stream().filter(Optional::isEmpty)).hasSize(1);
    assertThat(outcomes.stream().flatMap(Optional::stream))
        .hasSize(15)
        .allSatisfy(e -> assertThat(e.failure()).isEqualTo(Failure.CONFLICT));
    assertThat(store.count()).isEqualTo(1);
  }

  @Test
  public void updateWithTheNextVersionReplacesTheCall() {
    Call call = newCall();
    store.insert(call);
    Call established = next(call, CallState.ESTABLISHED);

    store.update(established);

    assertThat(store.find(call.id())).contains(established);
    Call terminated = next(established, CallState.TERMINATED);
    store.update(terminated);
    assertThat(store.find(call.id())).contains(terminated);
  }

  @Test
  public void updateWithAStaleVersionIsAConflictNamingBothVersions() {
    Call call = newCall();
    store.insert(call);
    Call established = next(call, CallState.ESTABLISHED);
    store.update(established);

    Call stale = next(call, CallState.TERMINATING);

    assertThatThrownBy(() -> store.update(stale))
        .isInstanceOfSatisfying(
            EngineException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.CONFLICT);
              assertThat(e.code()).isEqualTo("conflict");
              assertThat(e)
                  .hasMessageContaining(call.id())
                  .hasMessageContaining("expected stored version 1")
                  .hasMessageContaining("holds version 2");
            });
    assertThat(store.find(call.id())).contains(established);
  }

  @Test
  public void updateOfAMissingCallIsAConflict() {
    Call never = next(newCall(), CallState.ESTABLISHED);

    assertThatThrownBy(() -> store.update(never))
        .isInstanceOfSatisfying(
            EngineException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.CONFLICT);
              assertThat(e).hasMessageContaining(never.id()).hasMessageContaining("does not exist");
            });
    assertThat(store.find(never.id())).isEmpty();
  }

  @Test
  public void concurrentUpdatesOfOneVersionLetExactlyOneWin() throws Exception {
    Call call = newCall();
    store.insert(call);
    List<Call> rivals =
        IntStream.range(0, 16)
            .mapToObj(i -> next(TestCalls.inTenant(call, "tenant-" + i), CallState.ESTABLISHED))
            .toList();

    List<Optional<EngineException>> outcomes = concurrently(rivals, store::update);

    List<Call> winners =
        IntStream.range(0, rivals.size())
            .filter(i -> outcomes.get(i).isEmpty())
            .mapToObj(rivals::get)
            .toList();
    assertThat(winners).hasSize(1);
    assertThat(store.find(call.id())).contains(winners.getFirst());
  }

  @Test
  public void countCountsCallsInEveryState() {
    assertThat(store.count()).isZero();
    Call live = newCall();
    Call ended = newCall();
    store.insert(live);
    store.insert(ended);
    store.update(next(ended, CallState.TERMINATED));

    assertThat(store.count()).isEqualTo(2);
  }

  @Test
  public void storedCallsSurviveCloseAndReopen() {
    assumeTrue(keepsDataAcrossReopen(), "this store keeps nothing once closed");
    Call call = newCall();
    store.insert(call);
    Call updated = next(call, CallState.ESTABLISHED);
    store.update(updated);
    Call other = newCall();
    store.insert(other);

    store.close();
    store = database.get();

    assertThat(store.find(call.id())).contains(updated);
    assertThat(store.find(other.id())).contains(other);
    assertThat(store.count()).isEqualTo(2);
  }

  @Test
  public void insertsFrom64VirtualThreadsAreAllVisibleAfterwards() throws Exception {
    List<Call> calls = IntStream.range(0, 64 * 16).mapToObj(i -> newCall()).toList();

    List<Optional<EngineException>> outcomes = concurrently(calls, 64, store::insert);

    assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome).isEmpty());
    assertThat(store.count()).isEqualTo(calls.size());
    for (Call call : calls) {
      assertThat(store.find(call.id())).contains(call);
    }
  }

  /** What one write does with one call. */
  @FunctionalInterface
  protected interface Action {
    void apply(Call call);
  }

  /**
   * Applies the action to every call, each on its own virtual thread, all released at once, and
   * returns each call's {@link EngineException} (empty if it succeeded) in the order of {@code
   * calls}.
   */
  protected static List<Optional<EngineException>> concurrently(List<Call> calls, Action action)
      throws InterruptedException, ExecutionException {
    return concurrently(calls, calls.size(), action);
  }

  /**
   * Like {@link #concurrently(List, Action)} with {@code threads} virtual threads sharing the
   * calls.
   */
  protected static List<Optional<EngineException>> concurrently(
      List<Call> calls, int threads, Action action)
      throws InterruptedException, ExecutionException {
    CountDownLatch start = new CountDownLatch(1);
    List<Optional<EngineException>> outcomes = new ArrayList<>(calls.size());
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<List<Optional<EngineException>>>> futures = new ArrayList<>();
      int perThread = (calls.size() + threads - 1) / threads;
      for (int from = 0; from < calls.size(); from += perThread) {
        List<Call> share = calls.subList(from, Math.min(calls.size(), from + perThread));
        Callable<List<Optional<EngineException>>> task =
            () -> {
              start.await();
              List<Optional<EngineException>> mine = new ArrayList<>();
              for (Call call : share) {
                try {
                  action.apply(call);
                  mine.add(Optional.empty());
                } catch (EngineException e) {
                  mine.add(Optional.of(e));
                }
              }
              return mine;
            };
        futures.add(executor.submit(task));
      }
      start.countDown();
      for (Future<List<Optional<EngineException>>> future : futures) {
        outcomes.addAll(future.get());
      }
    }
    return outcomes;
  }
}
