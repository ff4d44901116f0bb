package dev.dialtone.server.graph;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;

/** Reads request bodies within a size limit and checks their media type. */
final class Bodies {
  private Bodies() {}

  /** Thrown when a body is larger than the limit; the edge answers 413. */
  static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge(long limit) {
      super("The request body is larger than the limit of " + limit + " bytes.");
    }
  }

  /** Thrown when a body is not JSON; the edge answers 415. */
  static final class NotJson extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotJson(String contentType) {
      super(
          contentType.isEmpty()
              ? "Content-Type is missing; send the body as application/json."
              : "Content-Type '" + contentType + "' is not supported; send the body as application/json.");
    }
  }

  static void requireJson(ServerRequest req) {
    String contentType = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("").trim();
    String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      throw new NotJson(contentType);
    }
  }

  static byte[] read(ServerRequest req, int limit) {
    Optional<String> declared = req.headers().first(HeaderNames.CONTENT_LENGTH);
    if (declared.isPresent()) {
      try {
        if (Long.parseLong(declared.get().trim()) > limit) {
          throw new TooLarge(limit);
        }
      } catch (NumberFormatException e) {
        // Not a number: the server's HTTP parser has rejected it already; read and see.
      }
    }
    if (!req.content().hasEntity()) {
      return new byte[0];
    }
    try (InputStream in = req.content().inputStream()) {
      byte[] body = in.readNBytes(limit + 1);
      if (body.length > limit) {
        throw new TooLarge(limit);
      }
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException("reading the request body failed", e);
    }
  }
}
