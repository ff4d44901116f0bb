package dev.dialtone.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bot's webhook on a real socket. It keeps every POST it gets (headers and body) and answers 202,
 * or 503 to the first {@link #failNext} requests; {@link #answerAfter} makes it a slow bot.
 */
final class CallbackReceiver implements AutoCloseable {
  /** One POST as received. */
  record Received(Map<String, List<String>> headers, String body) {
    JsonNode json() {
      try {
        return TestClient.JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    /** The first (only) notification of the envelope. */
    JsonNode notification() {
      return json().path("value").get(0);
    }

    String header(String name) {
      for (var entry : headers.entrySet()) {
        if (entry.getKey().equalsIgnoreCase(name)) {
          return entry.getValue().get(0);
        }
      }
      return null;
    }
  }

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<AssertionError> nonConforming = new CopyOnWriteArrayList<>();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile java.time.Duration answerAfter = java.time.Duration.ZERO;

  CallbackReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/callback",
        exchange -> {
          String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          try {
            Thread.sleep(answerAfter);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            exchange.sendResponseHeaders(503, -1);
          } else {
            Received notification = new Received(Map.copyOf(exchange.getRequestHeaders()), body);
            try {
              Conformance.notifications(notification.json());
            } catch (AssertionError e) {
              nonConforming.add(e);
            }
            received.add(notification);
            exchange.sendResponseHeaders(202, -1);
          }
          exchange.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
  }

  /** Answer 503 to the next {@code n} POSTs (they are not kept). */
  void failNext(int n) {
    failures.set(n);
  }

  /** Wait this long before answering each POST (it is kept once answered). */
  void answerAfter(java.time.Duration delay) {
    answerAfter = delay;
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** The notifications received about one call, in arrival order. */
  List<JsonNode> about(String callId) {
    List<JsonNode> notifications = new ArrayList<>();
    for (Received r : received) {
      JsonNode n = r.notification();
      if (n.path("resourceUrl").asText().startsWith("/communications/calls/" + callId)) {
        notifications.add(n);
      }
    }
    return notifications;
  }

  List<String> bodies() {
    return received.stream().map(Received::body).toList();
  }

  /** Stops; fails if any notification it received did not conform to the CSDL. */
  @Override
  public void close() {
    server.stop(0);
    if (!nonConforming.isEmpty()) {
      AssertionError first = nonConforming.get(0);
      nonConforming.stream().skip(1).forEach(first::addSuppressed);
      throw first;
    }
  }
}
