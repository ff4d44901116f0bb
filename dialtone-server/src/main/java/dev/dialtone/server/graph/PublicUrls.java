package dev.dialtone.server.graph;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/**
 * The URLs Dialtone hands out ({@code Location}, {@code @odata.context}, token issuers): from the
 * configured public URL when there is one, else from the request's {@code Host} header, so they
 * are right however the server is reached.
 */
public final class PublicUrls {
  private final Optional<String> configured;

  public PublicUrls(Optional<String> configured) {
    this.configured = configured.map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}, without a trailing slash. */
  public String base(ServerRequest req) {
    return configured.orElseGet(
        () ->
            (req.isSecure() ? "https://" : "http://")
                + req.headers()
                    .first(HeaderNames.HOST)
                    .orElse(req.localPeer().address().toString().replaceFirst("^.*/", "")));
  }

  String call(ServerRequest req, String version, String callId) {
    return base(req) + "/" + version + "/communications/calls/" + callId;
  }

  String context(ServerRequest req, String version, String fragment) {
    return base(req) + "/" + version + "/$metadata#" + fragment;
  }
}
