package dev.dialtone.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bot's side of the benchmark: the {@code callbackUri} every created call names. It answers
 * every notification {@code 202} at once, counts them, and, while an {@link EndToEndTracker} is
 * attached, hands it each call that became {@code established}; while {@link Arrivals} are
 * attached, it times each arrival. It keeps the first signed notification it gets as a sample for
 * the {@link NotificationSender} baseline. One for the whole run, in the
 * harness's own process (it costs the harness some CPU, which the 2-core machine shares with the
 * target; see BENCHMARKS.md).
 */
final class CallbackReceiver implements AutoCloseable {
  static final String PATH = "/callback";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final WebServer server;
  private final AtomicLong received = new AtomicLong();
  private final AtomicReference<Optional<EndToEndTracker>> tracker = new AtomicReference<>(Optional.empty());
  private final AtomicReference<Optional<Arrivals>> arrivals = new AtomicReference<>(Optional.empty());
  private final AtomicReference<Optional<NotificationSender.Sample>> sample = new AtomicReference<>(Optional.empty());

  private CallbackReceiver() {
    this.server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .routing(
                routing ->
                    routing.post(
                        PATH,
                        (req, res) -> {
                          byte[] body = req.content().as(byte[].class);
                          long arrived = System.nanoTime();
                          received.incrementAndGet();
                          tracker.get().ifPresent(t -> established(body).ifPresent(id -> t.established(id, arrived)));
                          arrivals.get().ifPresent(a -> a.arrived(arrived));
                          if (sample.get().isEmpty() && req.headers().contains(HeaderNames.AUTHORIZATION)) {
                            sample.compareAndSet(Optional.empty(), Optional.of(NotificationSender.Sample.of(req.headers(), body)));
                          }
                          res.status(Status.ACCEPTED_202).send();
                        }))
            .build();
  }

  static CallbackReceiver start() {
    CallbackReceiver receiver = new CallbackReceiver();
    receiver.server.start();
    return receiver;
  }

  /** The URL to put in {@code callbackUri}. */
  String url() {
    return "http://127.0.0.1:" + server.port() + PATH;
  }

  /** Notifications received so far. */
  long received() {
    return received.get();
  }

  /** Reports established calls to {@code t} until {@link #detach()}. */
  void attach(EndToEndTracker t) {
    tracker.set(Optional.of(t));
  }

  void detach() {
    tracker.set(Optional.empty());
  }

  /** Times the notifications received from now on with {@code a}, until {@link #detachArrivals()}. */
  void attach(Arrivals a) {
    arrivals.set(Optional.of(a));
  }

  void detachArrivals() {
    arrivals.set(Optional.empty());
  }

  /** The first signed notification received in the run, headers and body, to replay as it came. */
  Optional<NotificationSender.Sample> sample() {
    return sample.get();
  }

  /** The id of the call a notification says is now established, if it says so. */
  static Optional<String> established(byte[] body) {
    try {
      JsonNode root = JSON.readTree(body);
      for (JsonNode notification : root.path("value")) {
        JsonNode call = notification.path("resourceData");
        if ("established".equals(call.path("state").asText())
            && "#microsoft.graph.call".equals(call.path("@odata.type").asText())) {
          return Optional.of(call.path("id").asText());
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new BenchException("a notification was not JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    server.stop();
  }
}
