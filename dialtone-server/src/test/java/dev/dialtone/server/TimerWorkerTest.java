package dev.dialtone.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.call.AfterCommit;
import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallChange;
import dev.dialtone.engine.call.CallPolicy;
import dev.dialtone.engine.call.CallService;
import dev.dialtone.engine.call.Caller;
import dev.dialtone.engine.call.Delivery;
import dev.dialtone.engine.call.Timer;
import dev.dialtone.engine.call.TimerKind;
import dev.dialtone.engine.call.TimerWorker;
import dev.dialtone.engine.directory.Permission;
import dev.dialtone.engine.graph.GraphSchema;
import dev.dialtone.server.directory.DirectoryRegistry;
import dev.dialtone.store.JdbcStore;
import dev.dialtone.store.StoreConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The timer worker on the real store: demo calls whose callee answers after a second. */
class TimerWorkerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Caller BOT =
      new Caller(Demo.CALLING_BOT.appId(), Demo.CONTOSO, Set.of(Permission.CALLS_INITIATE_ALL));

  private final MutableClock clock = MutableClock.startingNow();
  private final JdbcStore store = JdbcStore.open(StoreConfig.sqliteInMemory());
  private final CallService calls =
      new CallService(
          store,
          DirectoryRegistry.Seed.demo()::directory,
          GraphSchema.bundled(),
          clock,
          new CallPolicy(false, uri -> Optional.empty()),
          AfterCommit.NOTHING);

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void firesTheTimersOfDifferentCallsConcurrently_andRunsAfterCommitForEach() {
    int count = 6;
    List<Call> created = IntStream.range(0, count).mapToObj(i -> createCall()).toList();
    clock.advance(Duration.ofSeconds(1));
    // Each fired timer's afterCommit waits for all the others': only firings that overlap get
    // past it. One at a time, the first would wait alone until the latch gave up.
    CountDownLatch allFired = new CountDownLatch(count);
    AtomicInteger metTheOthers = new AtomicInteger();
    TimerWorker worker =
        new TimerWorker(
            store,
            clock,
            "node-a",
            change -> {
              allFired.countDown();
              if (await(allFired)) {
                metTheOthers.incrementAndGet();
              }
            });

    assertThat(worker.runDue()).isEqualTo(count);

    assertThat(metTheOthers).hasValue(count);
    for (Call call : created) {
      assertThat(store.find(call.id()).orElseThrow().state().wireName()).isEqualTo("established");
    }
  }

  @Test
  void firesTheTimersOfOneCallInDueOrder_eachFromAFreshRead() {
    List<Call> created = IntStream.range(0, 4).mapToObj(i -> createCall()).toList();
    // John answers at +1 s; a key press at +1.5 s counts only once he has answered.
    for (Call call : created) {
      store.apply(
          new CallChange(
              Optional.empty(),
              List.of(),
              List.of(tones(call, clock.instant().plusMillis(1_500))),
              List.of(),
              false));
    }
    clock.advance(Duration.ofSeconds(2));
    ConcurrentLinkedQueue<CallChange> commits = new ConcurrentLinkedQueue<>();

    int fired = new TimerWorker(store, clock, "node-a", commits::add).runDue();

    assertThat(fired).isEqualTo(8);
    assertThat(commits).hasSize(8);
    for (Call call : created) {
      assertThat(store.deliveries(call.id()))
          .extracting(TimerWorkerTest::whatItSays)
          .containsExactly("state establishing", "state established", "tone tone1");
    }
  }

  /** A call notification's news: its state, or the tone pressed. */
  private static String whatItSays(Delivery.Record record) {
    var data = record.notification().body().path("value").path(0).path("resourceData");
    return data.has("toneInfo")
        ? "tone " + data.path("toneInfo").path("tone").asText()
        : "state " + data.path("state").asText();
  }

  private Call createCall() {
    try {
      ObjectNode body =
          (ObjectNode)
              JSON.readTree(TimerWorkerTest.class.getResourceAsStream("/seed/example-1-request.json"));
      body.put("callbackUri", "https://bot.contoso.com/callback");
      return calls.create(BOT, body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Timer tones(Call call, Instant due) {
    ObjectNode data = JSON.createObjectNode();
    String party = "user:" + Demo.JOHN;
    data.put("party", party);
    data.put("action", "tones");
    data.put("tones", "1");
    return new Timer(
        call.id() + "/party/" + party + "/tones", call.id(), TimerKind.PARTY_ACTION, due, data);
  }

  private static boolean await(CountDownLatch latch) {
    try {
      return latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
