package dev.dialtone.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.Header;
import io.helidon.http.Headers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The delivery baseline: a sender that does nothing but POST one notification, exactly as the
 * receiver got it from Dialtone (every header, the signed token, the body), over and over, on
 * {@code connections} keep-alive connections at once, each sending its next as soon as the
 * receiver answered. It runs as a child process on the harness's JDK, like Dialtone, and uses the
 * load generator's minimal client. What Dialtone delivers beside it is what its own work costs:
 * claiming, the outbox's commits, signing, its HTTP client.
 *
 * <p>{@code NotificationSender HOST:PORT PATH SAMPLE_FILE COUNT CONNECTIONS}: sends {@code COUNT}
 * notifications, prints {@code Sender done: N sent, E errors}, and exits.
 */
public final class NotificationSender {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Headers the sender writes itself (framing), rather than replaying. */
  private static final Set<String> OWN = Set.of("host", "content-length", "connection", "transfer-encoding");

  private NotificationSender() {}

  /** A notification as received: its headers in order, and its body. */
  record Sample(List<List<String>> headers, String body) {
    static Sample of(Headers received, byte[] body) {
      List<List<String>> headers = new ArrayList<>();
      for (Header header : received) {
        if (!OWN.contains(header.name().toLowerCase(Locale.ROOT))) {
          headers.add(List.of(header.name(), header.get()));
        }
      }
      return new Sample(headers, new String(body, StandardCharsets.UTF_8));
    }

    void write(Path file) {
      try {
        Files.createDirectories(file.getParent());
        JSON.writeValue(file.toFile(), this);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static Sample read(Path file) throws IOException {
      return JSON.readValue(file.toFile(), Sample.class);
    }

    /** The POST to {@code path} on {@code hostAndPort}, as bytes ready to send. */
    byte[] request(String hostAndPort, String path) {
      byte[] json = body.getBytes(StandardCharsets.UTF_8);
      StringBuilder head = new StringBuilder(1024);
      head.append("POST ").append(path).append(" HTTP/1.1\r\n");
      head.append("Host: ").append(hostAndPort).append("\r\n");
      for (List<String> header : headers) {
        head.append(header.get(0)).append(": ").append(header.get(1)).append("\r\n");
      }
      head.append("Content-Length: ").append(json.length).append("\r\n\r\n");
      byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
      byte[] request = new byte[headBytes.length + json.length];
      System.arraycopy(headBytes, 0, request, 0, headBytes.length);
      System.arraycopy(json, 0, request, headBytes.length, json.length);
      return request;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: NotificationSender HOST:PORT PATH SAMPLE_FILE COUNT CONNECTIONS");
      System.exit(2);
    }
    String hostAndPort = args[0];
    int colon = hostAndPort.lastIndexOf(':');
    InetSocketAddress address =
        new InetSocketAddress(hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
    byte[] request = Sample.read(Path.of(args[2])).request(hostAndPort, args[1]);
    long count = Long.parseLong(args[3]);
    int connections = Integer.parseInt(args[4]);
    AtomicLong tickets = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      threads.add(
          Thread.ofVirtual()
              .name("sender-" + i)
              .start(
                  () -> {
                    try (HttpConnection connection = HttpConnection.open(address)) {
                      while (tickets.getAndIncrement() < count) {
                        int status = connection.exchange(request).status();
                        if (status < 200 || status > 299) {
                          errors.incrementAndGet();
                        }
                      }
                    } catch (IOException e) {
                      errors.incrementAndGet();
                      System.err.println("sender: " + e);
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    System.out.println("Sender done: " + Math.min(count, tickets.get()) + " sent, " + errors.get() + " errors");
  }
}
