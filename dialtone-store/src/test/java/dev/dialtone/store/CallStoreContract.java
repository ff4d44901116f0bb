package dev.dialtone.store;

import static dev.dialtone.store.TestCalls.newCall;
import static dev.dialtone.store.TestCalls.next;
import static dev.dialtone.store.TestOutbox.T0;
import static dev.dialtone.store.TestOutbox.change;
import static dev.dialtone.store.TestOutbox.notification;
import static dev.dialtone.store.TestOutbox.timer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;
import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallChange;
import dev.dialtone.engine.call.CallState;
import dev.dialtone.engine.call.CallStore;
import dev.dialtone.engine.call.Delivery;
import dev.dialtone.engine.call.Notification;
import dev.dialtone.engine.call.Timer;
import dev.dialtone.engine.call.TimerKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
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

  // The outbox and the timers. Time is a parameter: T0 is when the notifications are made.

  private static final Duration LEASE = Duration.ofMinutes(1);

  @Test
  public void applyCommitsTheCallItsNotificationsAndItsTimersTogether() {
    Call call = newCall();
    Notification first = notification(call.id(), 1);
    Notification second = notification(call.id(), 2);
    Timer ringing = timer(call.id(), TimerKind.RINGING_TIMEOUT, T0.plusSeconds(60));

    store.apply(change(call, List.of(first, second), List.of(ringing)));

    assertThat(store.find(call.id())).contains(call);
    assertThat(store.deliveries(call.id()))
        .containsExactly(
            new Delivery.Record(first, Delivery.State.PENDING, Optional.of(T0), List.of()),
            new Delivery.Record(second, Delivery.State.PENDING, Optional.of(T0), List.of()));
    assertThat(store.nextDue()).contains(ringing.dueAt());
    assertThat(store.claimTimers("worker", ringing.dueAt(), LEASE, 10)).containsExactly(ringing);
  }

  @Test
  public void aRefusedChangeWritesNoneOfItsNotificationsOrTimers() {
    Call call = newCall();
    Notification created = notification(call.id(), 1);
    Timer ringing = timer(call.id(), TimerKind.RINGING_TIMEOUT, T0.plusSeconds(60));
    store.apply(change(call, List.of(created), List.of(ringing)));
    Call established = next(call, CallState.ESTABLISHED);
    store.apply(change(established, List.of(), List.of()));

    CallChange stale =
        new CallChange(
            Optional.of(next(call, CallState.TERMINATED)),
            List.of(notification(call.id(), 2)),
            List.of(timer(call.id(), TimerKind.KEEP_ALIVE_EXPIRY, T0.plusSeconds(5))),
            List.of(),
            true);
    CallChange duplicate =
        change(
            newCall(call.id()),
            List.of(notification(call.id(), 3)),
            List.of(timer(call.id(), TimerKind.ANSWER_DEADLINE, T0.plusSeconds(1))));

    for (CallChange refused : List.of(stale, duplicate)) {
      assertThatThrownBy(() -> store.apply(refused))
          .isInstanceOfSatisfying(
              EngineException.class, e -> assertThat(e.failure()).isEqualTo(Failure.CONFLICT));
    }
    assertThat(store.find(call.id())).contains(established);
    assertThat(store.deliveries(call.id()))
        .extracting(Delivery.Record::notification)
        .containsExactly(created);
    assertThat(store.nextDue()).contains(ringing.dueAt());
    assertThat(store.claimTimers("worker", T0.plus(Duration.ofDays(1)), LEASE, 10))
        .containsExactly(ringing);
  }

  @Test
  public void onlyTheHeadOfEachCallsLineIsClaimed() {
    List<Notification> a = notifications(newCall(), 3);
    List<Notification> b = notifications(newCall(), 1);

    List<Notification> claimed = claim("x", T0, 10);

    assertThat(claimed).containsExactlyInAnyOrder(a.get(0), b.get(0));
  }

  @Test
  public void aNotificationIsNotClaimedBeforeItIsMade() {
    List<Notification> a = notifications(newCall(), 1);

    assertThat(claim("x", T0.minusMillis(1), 10)).isEmpty();
    assertThat(claim("x", T0, 10)).containsExactly(a.get(0));
  }

  @Test
  public void aRetryHoldsBackTheRestOfItsCallUntilItsTimeButNoOtherCall() {
    List<Notification> a = notifications(newCall(), 3);
    List<Notification> b = notifications(newCall(), 2);
    assertThat(claim("x", T0, 10))
        .containsExactlyInAnyOrder(a.get(0), b.get(0));
    Instant retry = T0.plusSeconds(30);

    store.recordAttempt("x", attempt(a.get(0), 1, T0, 503), new Delivery.Outcome.RetryAt(retry));
    store.recordAttempt("x", attempt(b.get(0), 1, T0, 202), new Delivery.Outcome.Delivered());

    assertThat(claim("x", T0.plusSeconds(1), 10))
        .containsExactly(b.get(1));
    assertThat(claim("x", retry.minusMillis(1), 10)).isEmpty();
    assertThat(claim("x", retry, 10)).containsExactly(a.get(0));
  }

  @Test
  public void aDeliveredNotificationLetsTheNextOfItsCallGo() {
    List<Notification> a = notifications(newCall(), 3);
    assertThat(claim("x", T0, 10)).containsExactly(a.get(0));

    store.recordAttempt("x", attempt(a.get(0), 1, T0, 200), new Delivery.Outcome.Delivered());

    assertThat(claim("x", T0.plusSeconds(1), 10))
        .containsExactly(a.get(1));
  }

  @Test
  public void aNotificationGivenUpOnLetsTheNextOfItsCallGo() {
    List<Notification> a = notifications(newCall(), 2);
    assertThat(claim("x", T0, 10)).containsExactly(a.get(0));

    store.recordAttempt("x", attempt(a.get(0), 1, T0, 500), new Delivery.Outcome.GaveUp());

    assertThat(claim("x", T0.plusSeconds(1), 10))
        .containsExactly(a.get(1));
    assertThat(store.deliveries(a.get(0).callId()).getFirst())
        .satisfies(
            record -> {
              assertThat(record.state()).isEqualTo(Delivery.State.GAVE_UP);
              assertThat(record.nextAttemptAt()).isEmpty();
            });
  }

  @Test
  public void aLeasedNotificationGoesToNoOtherOwnerUntilTheLeaseExpires() {
    List<Notification> a = notifications(newCall(), 2);
    assertThat(claim("x", T0, 10)).containsExactly(a.get(0));

    Instant expiry = T0.plus(LEASE);
    assertThat(claim("x", T0, 10)).isEmpty();
    assertThat(claim("y", expiry.minusMillis(1), 10)).isEmpty();
    assertThat(claim("y", expiry.plusMillis(1), 10))
        .containsExactly(a.get(0));
    assertThat(claim("x", expiry.plusMillis(2), 10)).isEmpty();
  }

  @Test
  public void aClaimTakesAtMostItsLimitAndTheNextClaimTheOthers() {
    List<Notification> heads =
        IntStream.range(0, 5).mapToObj(i -> notifications(newCall(), 1).getFirst()).toList();

    List<Notification> first = claim("x", T0, 2);
    List<Notification> second = claim("x", T0, 2);
    List<Notification> third = claim("x", T0, 2);

    assertThat(first).hasSize(2);
    assertThat(second).hasSize(2);
    assertThat(third).hasSize(1);
    List<Notification> all = new ArrayList<>(first);
    all.addAll(second);
    all.addAll(third);
    assertThat(all).containsExactlyInAnyOrderElementsOf(heads);
    assertThat(claim("x", T0, 2)).isEmpty();
  }

  @Test
  public void concurrentClaimersGetEachNotificationExactlyOnce() throws Exception {
    List<Call> calls = IntStream.range(0, 2_000).mapToObj(i -> newCall()).toList();
    concurrently(
        calls,
        64,
        call -> store.apply(change(call, List.of(notification(call.id(), 1)), List.of())));

    Map<String, Integer> claims = claimConcurrently(List.of(store), 8, calls.size());

    assertThat(claims).hasSize(calls.size()).allSatisfy((id, times) -> assertThat(times).isOne());
  }

  @Test
  public void deliveriesShowEveryAttemptInOrder() {
    List<Notification> a = notifications(newCall(), 2);
    String callId = a.getFirst().callId();
    Delivery.Attempt refused =
        new Delivery.Attempt(
            a.get(0).id(),
            1,
            T0,
            Optional.of(503),
            Duration.ofMillis(120),
            Optional.of("503 Service Unavailable"));
    Delivery.Attempt timedOut =
        new Delivery.Attempt(
            a.get(0).id(),
            2,
            T0.plusSeconds(10),
            Optional.empty(),
            Duration.ofSeconds(5),
            Optional.of("read timed out"));
    Delivery.Attempt accepted =
        new Delivery.Attempt(
            a.get(0).id(),
            3,
            T0.plusSeconds(40),
            Optional.of(202),
            Duration.ofMillis(7),
            Optional.empty());

    claim("x", T0, 10);
    store.recordAttempt("x", refused, new Delivery.Outcome.RetryAt(T0.plusSeconds(10)));
    assertThat(store.deliveries(callId).getFirst())
        .isEqualTo(
            new Delivery.Record(
                a.get(0),
                Delivery.State.PENDING,
                Optional.of(T0.plusSeconds(10)),
                List.of(refused)));
    claim("x", T0.plusSeconds(10), 10);
    store.recordAttempt("x", timedOut, new Delivery.Outcome.RetryAt(T0.plusSeconds(40)));
    claim("x", T0.plusSeconds(40), 10);
    store.recordAttempt("x", accepted, new Delivery.Outcome.Delivered());

    assertThat(store.deliveries(callId))
        .containsExactly(
            new Delivery.Record(
                a.get(0),
                Delivery.State.DELIVERED,
                Optional.empty(),
                List.of(refused, timedOut, accepted)),
            new Delivery.Record(a.get(1), Delivery.State.PENDING, Optional.of(T0), List.of()));
    assertThat(store.deliveries(newCall().id())).isEmpty();
  }

  @Test
  public void pendingCountCountsWhatIsNotDeliveredOrGivenUpYet() {
    assertThat(store.pendingCount()).isZero();
    List<Notification> a = notifications(newCall(), 3);
    List<Notification> b = notifications(newCall(), 1);
    assertThat(store.pendingCount()).isEqualTo(4);
    claim("x", T0, 10);
    assertThat(store.pendingCount()).isEqualTo(4);

    store.recordAttempt("x", attempt(a.get(0), 1, T0, 200), delivered());
    store.recordAttempt("x", attempt(b.get(0), 1, T0, 410), new Delivery.Outcome.GaveUp());
    assertThat(store.pendingCount()).isEqualTo(2);
    claim("x", T0, 10);
    store.recordAttempt(
        "x", attempt(a.get(1), 1, T0, 503), new Delivery.Outcome.RetryAt(T0.plusSeconds(1)));
    assertThat(store.pendingCount()).isEqualTo(2);
  }

  @Test
  public void aClaimHandsOutTheBodyAsJsonTextOfTheSameObject() {
    List<Notification> a = notifications(newCall(), 1);

    Delivery.Claimed claimed = store.claimNotifications("x", T0, LEASE, 10).getFirst();

    assertThat(TestOutbox.notification(claimed)).isEqualTo(a.get(0));
    assertThat(TestOutbox.data(claimed.body())).isEqualTo(a.get(0).body());
  }

  @Test
  public void aClaimCountsTheAttemptsRecordedSoFar() {
    List<Notification> a = notifications(newCall(), 1);
    assertThat(store.claimNotifications("x", T0, LEASE, 10))
        .extracting(TestOutbox::notification, Delivery.Claimed::attempts)
        .containsExactly(tuple(a.get(0), 0));
    store.recordAttempt(
        "x", attempt(a.get(0), 1, T0, 503), new Delivery.Outcome.RetryAt(T0.plusSeconds(1)));

    Instant second = T0.plusSeconds(1);
    assertThat(store.claimNotifications("x", second, LEASE, 10))
        .extracting(TestOutbox::notification, Delivery.Claimed::attempts)
        .containsExactly(tuple(a.get(0), 1));
    // x dies with attempt 2 unrecorded: the next owner's attempt is number 2 again.
    Instant third = second.plus(LEASE).plusMillis(1);
    assertThat(store.claimNotifications("y", third, LEASE, 10))
        .singleElement()
        .extracting(Delivery.Claimed::nextAttemptNumber)
        .isEqualTo(2);
    store.recordAttempt(
        "y", attempt(a.get(0), 2, third, 503), new Delivery.Outcome.RetryAt(third.plusSeconds(1)));

    assertThat(store.claimNotifications("y", third.plusSeconds(1), LEASE, 10))
        .extracting(TestOutbox::notification, Delivery.Claimed::attempts)
        .containsExactly(tuple(a.get(0), 2));
  }

  @Test
  public void anAttemptIsRecordedOnlyByTheHolderOfTheLease() {
    List<Notification> a = notifications(newCall(), 1);
    assertThat(store.recordAttempt("x", attempt(a.get(0), 1, T0, 200), delivered())).isFalse();
    claim("x", T0, 10);

    assertThat(store.recordAttempt("y", attempt(a.get(0), 1, T0, 200), delivered())).isFalse();

    assertThat(store.deliveries(a.get(0).callId()).getFirst())
        .isEqualTo(
            new Delivery.Record(a.get(0), Delivery.State.PENDING, Optional.of(T0), List.of()));
    Delivery.Attempt own = attempt(a.get(0), 1, T0, 200);
    assertThat(store.recordAttempt("x", own, delivered())).isTrue();
    assertThat(store.deliveries(a.get(0).callId()).getFirst().attempts()).containsExactly(own);
  }

  @Test
  public void aLateAttemptIsNotRecordedOnceAnotherOwnerClaimedTheNotification() {
    List<Notification> a = notifications(newCall(), 2);
    claim("x", T0, 10);
    Instant afterLease = T0.plus(LEASE).plusMillis(1);
    assertThat(claim("y", afterLease, 10)).containsExactly(a.get(0));

    Delivery.Attempt late = attempt(a.get(0), 1, T0, 503);
    Delivery.Outcome retry = new Delivery.Outcome.RetryAt(afterLease.plusSeconds(60));
    assertThat(store.recordAttempt("x", late, retry)).isFalse();

    // The new owner's lease and attempt are untouched by the late report.
    assertThat(claim("z", afterLease, 10)).isEmpty();
    Delivery.Attempt taken = attempt(a.get(0), 1, afterLease, 202);
    assertThat(store.recordAttempt("y", taken, delivered())).isTrue();
    Delivery.Record record = store.deliveries(a.get(0).callId()).getFirst();
    assertThat(record.state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(record.attempts()).containsExactly(taken);
  }

  @Test
  public void aLateAttemptDoesNotReviveANotificationAnotherOwnerDelivered() {
    List<Notification> a = notifications(newCall(), 2);
    claim("x", T0, 10);
    Instant afterLease = T0.plus(LEASE).plusMillis(1);
    claim("y", afterLease, 10);
    Delivery.Attempt delivered = attempt(a.get(0), 1, afterLease, 200);
    store.recordAttempt("y", delivered, delivered());

    assertThat(
            store.recordAttempt(
                "x",
                attempt(a.get(0), 2, afterLease, 503),
                new Delivery.Outcome.RetryAt(afterLease.plusSeconds(1))))
        .isFalse();

    Delivery.Record record = store.deliveries(a.get(0).callId()).getFirst();
    assertThat(record.state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(record.attempts()).containsExactly(delivered);
    assertThat(claim("y", afterLease.plusSeconds(2), 10))
        .containsExactly(a.get(1));
  }

  @Test
  public void anExpiredLeaseNobodyTookOverStillRecordsItsOwnersAttempt() {
    List<Notification> a = notifications(newCall(), 1);
    claim("x", T0, 10);

    // The lease ran out, but no one claimed the notification since: the attempt happened.
    Delivery.Attempt late = attempt(a.get(0), 1, T0.plus(LEASE), 202);
    assertThat(store.recordAttempt("x", late, delivered())).isTrue();

    Delivery.Record record = store.deliveries(a.get(0).callId()).getFirst();
    assertThat(record.state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(record.attempts()).containsExactly(late);
  }

  @Test
  public void anAttemptIsRecordedOnceAndItsLeaseEndsWithIt() {
    List<Notification> a = notifications(newCall(), 2);
    claim("x", T0, 10);
    Delivery.Attempt first = attempt(a.get(0), 1, T0, 503);
    assertThat(store.recordAttempt("x", first, new Delivery.Outcome.RetryAt(T0.plusSeconds(5))))
        .isTrue();

    assertThat(
            store.recordAttempt(
                "x", attempt(a.get(0), 2, T0.plusSeconds(1), 200), delivered()))
        .isFalse();

    assertThat(store.deliveries(a.get(0).callId()).getFirst())
        .isEqualTo(
            new Delivery.Record(
                a.get(0), Delivery.State.PENDING, Optional.of(T0.plusSeconds(5)), List.of(first)));
  }

  @Test
  public void aSecondAttemptWithTheSameNumberIsRefusedAndChangesNothing() {
    List<Notification> a = notifications(newCall(), 2);
    claim("x", T0, 10);
    Delivery.Attempt first = attempt(a.get(0), 1, T0, 503);
    store.recordAttempt("x", first, new Delivery.Outcome.RetryAt(T0.plusSeconds(5)));
    claim("x", T0.plusSeconds(5), 10);

    assertThatThrownBy(
            () ->
                store.recordAttempt(
                    "x", attempt(a.get(0), 1, T0.plusSeconds(5), 200), delivered()))
        .isInstanceOfSatisfying(
            EngineException.class,
            e -> assertThat(e).hasMessageContaining("attempt 1 of notification " + a.get(0).id()));

    assertThat(store.deliveries(a.get(0).callId()).getFirst())
        .isEqualTo(
            new Delivery.Record(
                a.get(0), Delivery.State.PENDING, Optional.of(T0.plusSeconds(5)), List.of(first)));
  }

  @Test
  public void timersAreClaimedOnceDueEarliestFirst() {
    Call one = newCall();
    Call two = newCall();
    Timer late = timer(one.id(), TimerKind.RINGING_TIMEOUT, T0.plusSeconds(20));
    Timer early = timer(two.id(), TimerKind.RINGING_TIMEOUT, T0.plusSeconds(5));
    Timer middle = timer(one.id(), TimerKind.PARTY_ACTION, T0.plusSeconds(10));
    store.apply(change(one, List.of(), List.of(late, middle)));
    store.apply(change(two, List.of(), List.of(early)));

    assertThat(store.claimTimers("x", T0.plusSeconds(5).minusMillis(1), LEASE, 10)).isEmpty();
    assertThat(store.claimTimers("x", T0.plusSeconds(10), LEASE, 1)).containsExactly(early);
    assertThat(store.claimTimers("x", T0.plusSeconds(30), LEASE, 10)).containsExactly(middle, late);
    assertThat(store.claimTimers("x", T0.plusSeconds(30), LEASE, 10)).isEmpty();
  }

  @Test
  public void aLeasedTimerGoesToNoOtherOwnerUntilTheLeaseExpires() {
    Call call = newCall();
    Timer ringing = timer(call.id(), TimerKind.RINGING_TIMEOUT, T0);
    store.apply(change(call, List.of(), List.of(ringing)));
    assertThat(store.claimTimers("x", T0, LEASE, 10)).containsExactly(ringing);

    Instant expiry = T0.plus(LEASE);
    assertThat(store.claimTimers("y", expiry.minusMillis(1), LEASE, 10)).isEmpty();
    assertThat(store.claimTimers("y", expiry.plusMillis(1), LEASE, 10)).containsExactly(ringing);
  }

  @Test
  public void cancelledTimersAreGoneWhetherTheChangeHasACallOrNot() {
    Call call = newCall();
    Timer ringing = timer(call.id(), TimerKind.RINGING_TIMEOUT, T0.plusSeconds(1));
    Timer party = timer(call.id(), TimerKind.PARTY_ACTION, T0.plusSeconds(2));
    Timer keepAlive = timer(call.id(), TimerKind.KEEP_ALIVE_EXPIRY, T0.plusSeconds(3));
    store.apply(change(call, List.of(), List.of(ringing, party, keepAlive)));

    Call established = next(call, CallState.ESTABLISHED);
    store.apply(
        new CallChange(
            Optional.of(established), List.of(), List.of(), List.of(ringing.id()), false));
    store.apply(CallChange.cancelling(List.of(party.id(), "no-such-timer")));

    assertThat(store.find(call.id())).contains(established);
    assertThat(store.nextDue()).contains(keepAlive.dueAt());
    assertThat(store.claimTimers("x", T0.plusSeconds(10), LEASE, 10)).containsExactly(keepAlive);
  }

  @Test
  public void cancelAllTimersDeletesEveryTimerOfTheCallAndOnlyThoseBeforeScheduling() {
    Call call = newCall();
    Call other = newCall();
    Timer ringing = timer(call.id(), TimerKind.RINGING_TIMEOUT, T0.plusSeconds(1));
    Timer party = timer(call.id(), TimerKind.PARTY_ACTION, T0.plusSeconds(2));
    Timer othersRinging = timer(other.id(), TimerKind.RINGING_TIMEOUT, T0.plusSeconds(3));
    store.apply(change(call, List.of(), List.of(ringing, party)));
    store.apply(change(other, List.of(), List.of(othersRinging)));

    Timer nextMove = timer(call.id(), TimerKind.PARTY_ACTION, T0.plusSeconds(4));
    store.apply(
        new CallChange(
            Optional.of(next(call, CallState.TERMINATED)),
            List.of(),
            List.of(nextMove),
            List.of(),
            true));

    assertThat(store.claimTimers("x", T0.plusSeconds(10), LEASE, 10))
        .containsExactly(othersRinging, nextMove);
  }

  @Test
  public void schedulingATimerWithTheIdOfAnotherReplacesItAndItsLease() {
    Call call = newCall();
    Timer first = timer(call.id(), TimerKind.PARTY_ACTION, T0);
    store.apply(change(call, List.of(), List.of(first)));
    assertThat(store.claimTimers("x", T0, LEASE, 10)).containsExactly(first);

    Timer moved =
        new Timer(
            first.id(),
            call.id(),
            TimerKind.PARTY_ACTION,
            T0.plusSeconds(5),
            TestOutbox.data("{\"party\": \"112f7296\", \"action\": \"hangUp\"}"));
    store.apply(
        new CallChange(
            Optional.of(next(call, CallState.ESTABLISHED)),
            List.of(),
            List.of(moved),
            List.of(),
            false));

    assertThat(store.nextDue()).contains(moved.dueAt());
    assertThat(store.claimTimers("y", T0.plusSeconds(4), LEASE, 10)).isEmpty();
    assertThat(store.claimTimers("y", T0.plusSeconds(5), LEASE, 10)).containsExactly(moved);
  }

  @Test
  public void nextDueIsTheEarliestTimerNobodyHoldsALeaseOn() {
    assertThat(store.nextDue()).isEmpty();
    Call call = newCall();
    Timer early = timer(call.id(), TimerKind.RINGING_TIMEOUT, T0.plusSeconds(5));
    Timer late = timer(call.id(), TimerKind.KEEP_ALIVE_EXPIRY, T0.plusSeconds(50));
    store.apply(change(call, List.of(), List.of(late, early)));

    assertThat(store.nextDue()).contains(early.dueAt());
    store.claimTimers("x", early.dueAt(), LEASE, 10);
    // Its holder fires it; a worker sleeping until it would wake for nothing.
    assertThat(store.nextDue()).contains(late.dueAt());
    store.apply(CallChange.cancelling(List.of(early.id())));
    assertThat(store.nextDue()).contains(late.dueAt());
    store.apply(CallChange.cancelling(List.of(late.id())));
    assertThat(store.nextDue()).isEmpty();
  }

  @Test
  public void aTimerScheduledAgainIsUnleasedAndNextDueAgain() {
    Call call = newCall();
    Timer ringing = timer(call.id(), TimerKind.RINGING_TIMEOUT, T0);
    store.apply(change(call, List.of(), List.of(ringing)));
    store.claimTimers("x", T0, LEASE, 10);
    assertThat(store.nextDue()).isEmpty();

    Timer later = timer(call.id(), TimerKind.RINGING_TIMEOUT, T0.plusSeconds(5));
    store.apply(
        new CallChange(Optional.empty(), List.of(), List.of(later), List.of(), false));

    assertThat(store.nextDue()).contains(later.dueAt());
  }

  @Test
  public void theOutboxAndTheTimersSurviveCloseAndReopen() {
    assumeTrue(keepsDataAcrossReopen(), "this store keeps nothing once closed");
    Call call = newCall();
    Notification first = notification(call.id(), 1);
    Notification second = notification(call.id(), 2);
    Timer ringing = timer(call.id(), TimerKind.RINGING_TIMEOUT, T0);
    store.apply(change(call, List.of(first, second), List.of(ringing)));
    claim("x", T0, 10);
    Delivery.Attempt refused = attempt(first, 1, T0, 503);
    store.recordAttempt("x", refused, new Delivery.Outcome.RetryAt(T0.plusSeconds(10)));
    store.claimTimers("x", T0, LEASE, 10);
    List<Delivery.Record> before = store.deliveries(call.id());

    store.close();
    store = database.get();

    assertThat(store.deliveries(call.id())).isEqualTo(before);
    assertThat(before.getFirst().attempts()).containsExactly(refused);
    assertThat(claim("y", T0.plusSeconds(10), 10)).containsExactly(first);
    if (releasesLeasesOnOpen()) {
      // The process that held the lease is gone: the timer is due again at once.
      assertThat(store.nextDue()).contains(ringing.dueAt());
      assertThat(store.claimTimers("y", T0, LEASE, 10)).containsExactly(ringing);
    } else {
      assertThat(store.nextDue()).isEmpty();
      assertThat(store.claimTimers("y", T0.plus(LEASE).minusMillis(1), LEASE, 10)).isEmpty();
      assertThat(store.claimTimers("y", T0.plus(LEASE).plusMillis(1), LEASE, 10))
          .containsExactly(ringing);
    }
  }

  /** True for a database only one process uses at a time (embedded): leases end with it. */
  protected boolean releasesLeasesOnOpen() {
    return false;
  }

  /** Stores a new call with {@code count} notifications, sequence 1 up, and returns them. */
  protected List<Notification> notifications(Call call, int count) {
    List<Notification> notifications =
        LongStream.rangeClosed(1, count).mapToObj(i -> notification(call.id(), i)).toList();
    store.apply(change(call, notifications, List.of()));
    return notifications;
  }

  /** Claims as {@code owner} for {@link #LEASE}: the notifications leased. */
  protected List<Notification> claim(String owner, Instant now, int limit) {
    return store.claimNotifications(owner, now, LEASE, limit).stream()
        .map(TestOutbox::notification)
        .toList();
  }

  private static Delivery.Outcome delivered() {
    return new Delivery.Outcome.Delivered();
  }

  /** An attempt at {@code at} that the bot answered with {@code status}. */
  protected static Delivery.Attempt attempt(
      Notification notification, int number, Instant at, int status) {
    return new Delivery.Attempt(
        notification.id(),
        number,
        at,
        Optional.of(status),
        Duration.ofMillis(40),
        status < 300 ? Optional.empty() : Optional.of("HTTP " + status));
  }

  /**
   * Claims from {@code threads} threads, spread over the stores (nodes sharing one database), until
   * {@code expected} notifications are claimed, with a lease that outlives the test and the clock
   * at {@link TestOutbox#T0}; returns how often each notification id was handed out.
   */
  protected static Map<String, Integer> claimConcurrently(
      List<CallStore> stores, int threads, int expected)
      throws InterruptedException, ExecutionException {
    ConcurrentHashMap<String, Integer> claims = new ConcurrentHashMap<>();
    AtomicInteger claimed = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        CallStore store = stores.get(t % stores.size());
        String owner = "claimer-" + t;
        futures.add(
            executor.submit(
                () -> {
                  start.await();
                  // Bounded, so that a claim that loses rows ends the test instead of hanging it.
                  for (int round = 0; round < 10 * expected && claimed.get() < expected; round++) {
                    for (Delivery.Claimed c : store.claimNotifications(owner, T0, LEASE, 25)) {
                      claims.merge(c.id(), 1, Integer::sum);
                      claimed.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get();
      }
    }
    return Map.copyOf(claims);
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
