package dev.dialtone.server.graph;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every request its {@code request-id}, echoes the client's {@code client-request-id}, and
 * logs one line per request with the id, method, path, status and latency.
 *
 * <p>The line is written by a thread of its own, not by the request's: the logger writes each line
 * to standard error under one lock, and with dozens of requests finishing at once, waiting for that
 * lock and that write was a queue every request stood in. A request hands its line to a bounded
 * queue and goes on; should the queue be full (the log cannot keep up), the request writes its line
 * itself, so no line is ever dropped. {@link #close} writes what is queued. Thread-safe; one per
 * server, shared by its listeners.
 */
public final class RequestLog implements Filter, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dialtone.requests");
  private static final HeaderName REQUEST_ID = HeaderNames.create("request-id");
  private static final HeaderName CLIENT_REQUEST_ID = HeaderNames.create("client-request-id");
  private static final int QUEUE_CAPACITY = 16_384;

  /** One request's line, formatted on the log's thread. */
  private record Line(String requestId, String method, String path, int status, long nanos) {
    void write() {
      LOG.info(
          "request-id={} {} {} status={} latency_ms={}",
          requestId,
          method,
          path,
          status,
          milliseconds(nanos));
    }
  }

  private final BlockingQueue<Line> lines = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final Thread writer;
  private volatile boolean closed;

  public RequestLog() {
    this.writer = Thread.ofPlatform().daemon().name("dialtone-request-log").start(this::run);
  }

  /** The ids the filter gave this request (a fresh pair if it did not pass the filter). */
  public static RequestIds ids(ServerRequest req) {
    return req.context()
        .get(RequestIds.class)
        .orElseGet(() -> new RequestIds(UUID.randomUUID().toString(), Optional.empty()));
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    long start = System.nanoTime();
    Optional<String> clientId =
        req.headers().first(CLIENT_REQUEST_ID).filter(value -> !value.isBlank());
    RequestIds ids = new RequestIds(UUID.randomUUID().toString(), clientId);
    req.context().register(ids);
    res.header(REQUEST_ID, ids.requestId());
    res.header(CLIENT_REQUEST_ID, clientId.orElse(ids.requestId()));
    try {
      chain.proceed();
    } finally {
      if (LOG.isInfoEnabled()) {
        Line line =
            new Line(
                ids.requestId(),
                req.prologue().method().text(),
                req.path().rawPath(),
                res.status().code(),
                System.nanoTime() - start);
        if (closed || !lines.offer(line)) {
          line.write();
        }
      }
    }
  }

  private void run() {
    while (!closed || !lines.isEmpty()) {
      try {
        Line line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null) {
          line.write();
        }
      } catch (InterruptedException e) {
        // Only close() interrupts, to end the wait; the loop writes what is left and stops.
      } catch (RuntimeException e) {
        // A logger that fails must not stop the next lines.
      }
    }
  }

  /** Writes the queued lines and stops the log's thread; later lines are written by their requests. */
  @Override
  public void close() {
    closed = true;
    writer.interrupt();
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Nanoseconds as milliseconds with two decimals ({@code 1.25}), without a formatter. */
  static String milliseconds(long nanos) {
    long hundredths = Math.round(nanos / 1e4);
    long fraction = hundredths % 100;
    return (hundredths / 100) + (fraction < 10 ? ".0" : ".") + fraction;
  }
}
