package dev.dialtone.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop load: {@code clients} virtual threads, each on its own keep-alive connection, each
 * sending its next request as soon as the previous answer is read; a target of several nodes gets
 * its clients round-robin. A warm-up, not recorded, then a
 * measured window.
 *
 * <p>A request counts when it was sent at or after the window's start and answered at or before
 * its end; its latency is from the first byte written to the last byte read, recorded in an
 * HdrHistogram (nanoseconds, 3 significant digits). Throughput is the counted requests divided by
 * the window. A closed loop measures the latency its own pacing allows (no coordinated-omission
 * correction applies: no request is ever "due" before the previous one is answered), so the
 * latencies are service times under that concurrency, not the response times of an open arrival
 * process.
 */
final class LoadGenerator {
  private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(2);

  private LoadGenerator() {}

  /** Called on the client's thread for every answer read. */
  interface Observer {
    Observer NONE = (response, sentNanos, measured) -> {};

    void answered(HttpConnection.Response response, long sentNanos, boolean measured);
  }

  /** Called on the controlling thread as the measured window opens and closes. */
  interface Window {
    Window NONE = new Window() {};

    default void opened() {}

    default void closed() {}
  }

  /**
   * What one run measured.
   *
   * @param requests answered with the expected status inside the window
   * @param unexpected answers with another status, by status, over the whole run
   * @param ioErrors connections that failed (each is reopened)
   * @param firstUnexpected the first unexpected answer's status and body, for the error message
   */
  record Result(
      int clients,
      Duration window,
      long requests,
      Histogram latencyNanos,
      Map<Integer, Long> unexpected,
      long ioErrors,
      Optional<String> firstUnexpected) {

    double throughput() {
      return requests / (window.toNanos() / 1e9);
    }

    long errors() {
      return ioErrors + unexpected.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * Where a client sends its requests: one node of the target, and the request bytes to send it
   * next (read before every request).
   */
  record Endpoint(InetSocketAddress address, Supplier<byte[]> requests) {}

  /**
   * Runs the load and returns once every client has stopped.
   *
   * @param requests the request bytes to send next (read before every request)
   * @throws BenchException if the clients cannot connect or do not stop
   */
  static Result run(
      InetSocketAddress address,
      Supplier<byte[]> requests,
      int expectedStatus,
      int clients,
      Duration warmup,
      Duration window,
      Observer observer,
      Window probe) {
    return run(List.of(new Endpoint(address, requests)), expectedStatus, clients, warmup, window, observer, probe);
  }

  /**
   * Runs the load, client {@code i} on {@code endpoints.get(i % endpoints.size())} (round-robin over
   * a target's nodes), and returns once every client has stopped.
   *
   * @throws BenchException if the clients cannot connect or do not stop
   */
  static Result run(
      List<Endpoint> endpoints,
      int expectedStatus,
      int clients,
      Duration warmup,
      Duration window,
      Observer observer,
      Window probe) {
    if (clients < 1) {
      throw new IllegalArgumentException("clients must be at least 1, got " + clients);
    }
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("the load needs at least one endpoint");
    }
    CountDownLatch connected = new CountDownLatch(clients);
    CountDownLatch go = new CountDownLatch(1);
    long[] bounds = new long[2];
    List<Client> all = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Endpoint endpoint = endpoints.get(i % endpoints.size());
      Client client = new Client(endpoint.address(), endpoint.requests(), expectedStatus, observer, connected, go, bounds);
      all.add(client);
      client.thread = Thread.ofVirtual().name("client-" + i).start(client);
    }
    try {
      if (!connected.await(30, TimeUnit.SECONDS)) {
        throw new BenchException(clients + " clients could not all connect to " + endpoints.stream().map(Endpoint::address).toList() + " within 30 s");
      }
      long now = System.nanoTime();
      bounds[0] = now + warmup.toNanos();
      bounds[1] = bounds[0] + window.toNanos();
      go.countDown();
      sleepUntil(bounds[0]);
      probe.opened();
      sleepUntil(bounds[1]);
      probe.closed();
      for (Client client : all) {
        if (!client.thread.join(Duration.ofSeconds(90))) {
          throw new BenchException("a client did not stop within 90 s of the window's end: the target hangs");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      all.forEach(client -> client.thread.interrupt());
      throw new BenchException("interrupted while measuring", e);
    }
    Histogram latency = new Histogram(HIGHEST_NANOS, 3);
    Map<Integer, Long> unexpected = new TreeMap<>();
    long counted = 0;
    long ioErrors = 0;
    Optional<String> firstUnexpected = Optional.empty();
    for (Client client : all) {
      if (client.failure != null) {
        throw new BenchException("a client failed: " + client.failure.getMessage(), client.failure);
      }
      latency.add(client.latency);
      client.unexpected.forEach((status, n) -> unexpected.merge(status, n, Long::sum));
      counted += client.counted;
      ioErrors += client.ioErrors;
      if (firstUnexpected.isEmpty()) {
        firstUnexpected = client.firstUnexpected;
      }
    }
    return new Result(clients, window, counted, latency, unexpected, ioErrors, firstUnexpected);
  }

  private static void sleepUntil(long deadlineNanos) throws InterruptedException {
    long left = deadlineNanos - System.nanoTime();
    if (left > 0) {
      Thread.sleep(Duration.ofNanos(left));
    }
  }

  private static final class Client implements Runnable {
    private final InetSocketAddress address;
    private final Supplier<byte[]> requests;
    private final int expectedStatus;
    private final Observer observer;
    private final CountDownLatch connected;
    private final CountDownLatch go;
    private final long[] bounds;
    final Histogram latency = new Histogram(HIGHEST_NANOS, 3);
    final Map<Integer, Long> unexpected = new TreeMap<>();
    long counted;
    long ioErrors;
    Optional<String> firstUnexpected = Optional.empty();
    Exception failure;
    Thread thread;

    Client(
        InetSocketAddress address,
        Supplier<byte[]> requests,
        int expectedStatus,
        Observer observer,
        CountDownLatch connected,
        CountDownLatch go,
        long[] bounds) {
      this.address = address;
      this.requests = requests;
      this.expectedStatus = expectedStatus;
      this.observer = observer;
      this.connected = connected;
      this.go = go;
      this.bounds = bounds;
    }

    @Override
    public void run() {
      HttpConnection connection = null;
      try {
        connection = HttpConnection.open(address);
        connected.countDown();
        go.await();
        long start = bounds[0];
        long end = bounds[1];
        while (true) {
          byte[] request = requests.get();
          long sent = System.nanoTime();
          if (sent >= end) {
            break;
          }
          HttpConnection.Response response;
          try {
            response = connection.exchange(request);
          } catch (IOException e) {
            ioErrors++;
            connection.close();
            connection = HttpConnection.open(address);
            continue;
          }
          long answered = System.nanoTime();
          boolean measured = sent >= start && answered <= end;
          if (response.status() != expectedStatus) {
            unexpected.merge(response.status(), 1L, Long::sum);
            if (firstUnexpected.isEmpty()) {
              String body = new String(response.body(), StandardCharsets.UTF_8);
              firstUnexpected = Optional.of(response.status() + " " + body.substring(0, Math.min(body.length(), 600)));
            }
          } else if (measured) {
            latency.recordValue(Math.min(answered - sent, HIGHEST_NANOS));
            counted++;
          }
          observer.answered(response, sent, measured);
          if (response.closes()) {
            connection.close();
            connection = HttpConnection.open(address);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException | RuntimeException e) {
        failure = e;
        connected.countDown();
      } finally {
        if (connection != null) {
          connection.close();
        }
      }
    }
  }
}
