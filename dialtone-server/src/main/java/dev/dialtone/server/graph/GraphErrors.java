package dev.dialtone.server.graph;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.Failure;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Writes Graph's error body:
 * {@code {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}}.
 */
public final class GraphErrors {
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  private final Clock clock;

  public GraphErrors(Clock clock) {
    this.clock = clock;
  }

  /** The HTTP status of each engine failure kind. */
  public static int status(Failure failure) {
    return switch (failure) {
      case INVALID_REQUEST -> 400;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case UNAVAILABLE -> 503;
    };
  }

  public void send(ServerResponse res, RequestIds ids, int status, String code, String message) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", code);
    error.put("message", message);
    ObjectNode inner = error.putObject("innerError");
    inner.put(
        "date",
        LocalDateTime.ofInstant(clock.instant().truncatedTo(ChronoUnit.SECONDS), ZoneOffset.UTC)
            .format(DATE));
    inner.put("request-id", ids.requestId());
    inner.put("client-request-id", ids.clientRequestId().orElse(ids.requestId()));
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(Json.bytes(body));
  }
}
