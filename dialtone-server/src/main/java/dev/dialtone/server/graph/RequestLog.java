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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every request its {@code request-id}, echoes the client's {@code client-request-id}, and
 * logs one line per request with the id, method, path, status and latency.
 */
public final class RequestLog implements Filter {
  private static final Logger LOG = LoggerFactory.getLogger("dialtone.requests");
  private static final HeaderName REQUEST_ID = HeaderNames.create("request-id");
  private static final HeaderName CLIENT_REQUEST_ID = HeaderNames.create("client-request-id");

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
        LOG.info(
            "request-id={} {} {} status={} latency_ms={}",
            ids.requestId(),
            req.prologue().method().text(),
            req.path().rawPath(),
            res.status().code(),
            milliseconds(System.nanoTime() - start));
      }
    }
  }

  /** Nanoseconds as milliseconds with two decimals ({@code 1.25}), without a formatter. */
  static String milliseconds(long nanos) {
    long hundredths = Math.round(nanos / 1e4);
    long fraction = hundredths % 100;
    return (hundredths / 100) + (fraction < 10 ? ".0" : ".") + fraction;
  }
}
