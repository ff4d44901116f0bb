package dev.dialtone.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds a backlog of notifications in a running Dialtone through its own APIs: delivery paused
 * ({@code PUT /dialtone/delivery}), calls created with the end-to-end directory loaded (each call
 * owes the bot {@code establishing} and, once its callee's timer fired, {@code established}), and
 * the outbox's backlog read back ({@code GET /dialtone/delivery}) until every timer has fired.
 */
final class Backlog {
  /** Notifications each call created here owes the bot: establishing and established. */
  static final int NOTIFICATIONS_PER_CALL = 2;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Backlog() {}

  /** Holds delivery back, or lets it go. */
  static void pause(Launcher.Running running, boolean paused) {
    JsonNode answer = delivery(running, "PUT", "{\"paused\": " + paused + "}");
    if (answer.path("paused").asBoolean(!paused) != paused) {
      throw new BenchException("PUT /dialtone/delivery did not " + (paused ? "pause" : "resume") + " delivery: " + answer);
    }
  }

  /** The notifications not delivered yet. */
  static long pending(Launcher.Running running) {
    return delivery(running, "GET", null).path("pending").asLong();
  }

  /**
   * Creates exactly {@code calls} calls from {@code clients} connections at once.
   *
   * @throws BenchException if an answer is not {@code 201}
   */
  static void createCalls(Launcher.Running running, CreateCallRequests requests, int calls, int clients) {
    AtomicInteger tickets = new AtomicInteger();
    AtomicReference<Exception> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < Math.min(clients, calls); i++) {
      threads.add(
          Thread.ofVirtual()
              .name("backlog-" + i)
              .start(
                  () -> {
                    try (HttpConnection connection = HttpConnection.open(running.address())) {
                      while (failure.get() == null && tickets.getAndIncrement() < calls) {
                        HttpConnection.Response response = connection.exchange(requests.current());
                        if (response.status() != 201) {
                          throw new BenchException(
                              "a create answered " + response.status() + ": "
                                  + new String(response.body(), StandardCharsets.UTF_8));
                        }
                      }
                    } catch (IOException | RuntimeException e) {
                      failure.compareAndSet(null, e);
                    }
                  }));
    }
    for (Thread thread : threads) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BenchException("interrupted while creating calls", e);
      }
    }
    if (failure.get() != null) {
      throw new BenchException(
          "creating the backlog's calls failed: " + failure.get().getMessage() + "\n" + running.process().tail(), failure.get());
    }
  }

  /**
   * Waits until the outbox holds {@code expected} pending notifications (every timer fired).
   *
   * @throws BenchException if it does not within {@code timeout}
   */
  static void awaitPending(Launcher.Running running, long expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pending;
    while ((pending = pending(running)) < expected) {
      running.process().requireAlive();
      if (System.nanoTime() > deadline) {
        throw new BenchException(
            "the backlog reached " + pending + " of " + expected + " pending notifications in " + timeout.toSeconds()
                + " s; see " + running.process().log());
      }
      sleep(Duration.ofMillis(50));
    }
    if (pending > expected) {
      throw new BenchException("the outbox holds " + pending + " pending notifications, more than the " + expected + " expected");
    }
  }

  private static JsonNode delivery(Launcher.Running running, String method, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(running.base().resolve("/dialtone/delivery"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + Launcher.ADMIN_KEY)
            .header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new BenchException(method + " /dialtone/delivery answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new BenchException(method + " /dialtone/delivery failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while calling /dialtone/delivery", e);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while waiting for the backlog", e);
    }
  }
}
