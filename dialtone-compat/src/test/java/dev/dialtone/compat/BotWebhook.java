package dev.dialtone.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A bot's callbackUri on a real socket (the JDK's HttpServer). Every POST is kept with its headers;
 * the gate decides on the {@code Authorization} header, as the samples' bots do: {@code 202} when
 * it admits the request, {@code 401} when not.
 */
final class BotWebhook implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One POST as received, and what the bot answered. */
  record Received(Map<String, List<String>> headers, String body, int answered) {
    String header(String name) {
      for (var entry : headers.entrySet()) {
        if (entry.getKey().equalsIgnoreCase(name)) {
          return entry.getValue().get(0);
        }
      }
      return null;
    }

    /** The compact JWT of {@code Authorization: Bearer …}, or null. */
    String bearerToken() {
      String authorization = header("Authorization");
      return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
          ? authorization.substring(7)
          : null;
    }

    /** The {@code commsNotifications} envelope. */
    JsonNode envelope() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Received> received = new CopyOnWriteArrayList<>();

  BotWebhook(Predicate<String> gate) {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/callback",
        exchange -> {
          try (exchange) {
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            int status = gate.test(authorization) ? 202 : 401;
            received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body, status));
            exchange.sendResponseHeaders(status, -1);
          }
        });
    server.setExecutor(executor);
    server.start();
  }

  /** A webhook that admits every request. */
  static BotWebhook admittingAll() {
    return new BotWebhook(authorization -> true);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  /** The notifications about one call itself (not its participants), in arrival order. */
  List<Received> about(String callId) {
    return received.stream()
        .filter(
            r ->
                r.envelope()
                    .path("value")
                    .path(0)
                    .path("resourceUrl")
                    .asText()
                    .equals("/communications/calls/" + callId))
        .toList();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.close();
  }
}
