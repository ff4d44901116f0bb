package dev.dialtone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.call.AfterCommit;
import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallPolicy;
import dev.dialtone.engine.call.CallService;
import dev.dialtone.engine.call.CallState;
import dev.dialtone.engine.call.Caller;
import dev.dialtone.engine.call.TimerWorker;
import dev.dialtone.engine.directory.Permission;
import dev.dialtone.engine.graph.GraphSchema;
import dev.dialtone.server.directory.DirectoryRegistry;
import dev.dialtone.store.JdbcStore;
import dev.dialtone.store.StoreConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timer loop with a poll far longer than any test: a timer fires only because the loop was
 * told of it, or found it as the next due one.
 */
class TimerLoopTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Caller BOT =
      new Caller(Demo.CALLING_BOT.appId(), Demo.CONTOSO, Set.of(Permission.CALLS_INITIATE_ALL));
  private static final Duration NEVER = Duration.ofHours(1);

  @TempDir Path dir;

  private final MutableClock clock = MutableClock.startingNow();
  private final JdbcStore store = JdbcStore.open(StoreConfig.sqliteInMemory());
  private final TimerLoop loop = new TimerLoop(store, clock, 1, NEVER);
  private final AtomicInteger fired = new AtomicInteger();

  @AfterEach
  void stop() {
    loop.close();
    store.close();
  }

  @Test
  void aTimerDueNowFiresAsSoonAsItIsCommitted_notAtTheNextPoll() {
    CallService calls = calls("0s", DialtoneServer.wakes(() -> {}, loop));
    loop.start(worker());
    Call first = calls.create(BOT, body());
    await().atMost(Duration.ofSeconds(20)).until(() -> established(first));

    // The loop now sleeps: its next known timer is the keepAlive expiry, 45 minutes away.
    Call second = calls.create(BOT, body());

    await().atMost(Duration.ofSeconds(20)).until(() -> established(second));
  }

  @Test
  void sleepsOnlyUntilTheNextDueTimer_evenOneItWasNotToldOf() {
    // Stored by a previous run, say: nobody signals it.
    Call call = calls("1s", AfterCommit.NOTHING).create(BOT, body());
    loop.start(worker());

    clock.advance(Duration.ofSeconds(1));

    await().atMost(Duration.ofSeconds(20)).until(() -> established(call));
    assertThat(fired).hasValue(1);
  }

  private TimerWorker worker() {
    return new TimerWorker(store, clock, "node-a", change -> fired.incrementAndGet());
  }

  private boolean established(Call call) {
    return store.find(call.id()).orElseThrow().state() == CallState.ESTABLISHED;
  }

  /** A call service on a directory where John answers after {@code after}. */
  private CallService calls(String after, AfterCommit afterCommit) {
    Path file = dir.resolve("directory-" + after + ".yaml");
    try {
      Files.writeString(
          file,
          """
          tenants:
            - id: %s
              display-name: Contoso
          applications:
            - app-id: %s
              tenant-id: %s
              display-name: Calling Bot
              secrets: [calling-bot-demo-secret]
              permissions: [Calls.Initiate.All]
          users:
            - id: %s
              tenant-id: %s
              display-name: John
              behaviour: {response: answer, after: %s}
          """
              .formatted(
                  Demo.CONTOSO, Demo.CALLING_BOT.appId(), Demo.CONTOSO, Demo.JOHN, Demo.CONTOSO, after));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new CallService(
        store,
        DirectoryRegistry.Seed.file(file)::directory,
        GraphSchema.bundled(),
        clock,
        new CallPolicy(false, uri -> Optional.empty()),
        afterCommit);
  }

  private static ObjectNode body() {
    try {
      ObjectNode body =
          (ObjectNode)
              JSON.readTree(TimerLoopTest.class.getResourceAsStream("/seed/example-1-request.json"));
      body.put("callbackUri", "https://bot.contoso.com/callback");
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
