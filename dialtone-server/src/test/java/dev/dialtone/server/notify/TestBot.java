package dev.dialtone.server.notify;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToIntFunction;
import javax.net.ssl.SSLContext;

/**
 * A bot's notification webhook on a real socket (127.0.0.1, port 0): keeps every POST it gets and
 * answers what its responder says (202 unless told otherwise).
 */
final class TestBot implements AutoCloseable {

  /**
   * A POST the bot got.
   *
   * @param headers lower-case names, first values
   * @param copy 1 the first time this message id arrived, 2 the second, …
   * @param remotePort the client's port, the same for requests on one connection
   */
  record Request(Map<String, String> headers, String body, int copy, int remotePort) {
    String messageId() {
      return headers.get("x-microsoft-skype-message-id");
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** A request and the status the bot answered it with. */
  record Exchange(Request request, int status) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> copies = new ConcurrentHashMap<>();
  private final String scheme;
  private volatile ToIntFunction<Request> responder = request -> 202;

  private TestBot(HttpServer server, String scheme) {
    this.server = server;
    this.scheme = scheme;
    server.setExecutor(executor);
    server.createContext(
        "/callback",
        exchange -> {
          try (exchange) {
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = first(exchange.getRequestHeaders());
            String id = headers.getOrDefault("x-microsoft-skype-message-id", "");
            Request request =
                new Request(
                    headers,
                    body,
                    copies.merge(id, 1, Integer::sum),
                    exchange.getRemoteAddress().getPort());
            int status = responder.applyAsInt(request);
            exchanges.add(new Exchange(request, status));
            exchange.sendResponseHeaders(status, -1);
          }
        });
    server.start();
  }

  /** A plain-HTTP bot. */
  static TestBot http() {
    try {
      return new TestBot(HttpServer.create(loopback(), 0), "http");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An HTTPS bot presenting the certificate of {@code context}. */
  static TestBot https(SSLContext context) {
    try {
      HttpsServer server = HttpsServer.create(loopback(), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(context));
      return new TestBot(server, "https");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  /** Answers each request with what {@code value} returns; it may block to make the POST slow. */
  TestBot respond(ToIntFunction<Request> value) {
    this.responder = value;
    return this;
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://127.0.0.1:{port}/callback}. */
  URI uri() {
    return uri("127.0.0.1");
  }

  /** The webhook under another host name, for a resolver that maps it to 127.0.0.1. */
  URI uri(String host) {
    return URI.create(scheme + "://" + host + ":" + port() + "/callback");
  }

  List<Exchange> exchanges() {
    return List.copyOf(exchanges);
  }

  List<Request> requests() {
    return exchanges.stream().map(Exchange::request).toList();
  }

  private static Map<String, String> first(Headers headers) {
    Map<String, String> first = new TreeMap<>();
    headers.forEach(
        (name, values) ->
            first.put(name.toLowerCase(Locale.ROOT), values.isEmpty() ? "" : values.get(0)));
    return first;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
