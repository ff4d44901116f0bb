package dev.dialtone.server.graph;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Optional;

/**
 * The URLs Dialtone hands out ({@code Location}, {@code @odata.context}, the OpenID document) and
 * checks against (a client assertion's audience).
 *
 * <p>With a configured public URL, always that. Without one, the request's {@code Host} is used
 * only when it names a loopback address or the address the server listens on, so a client cannot
 * make the server hand out, or accept assertions for, a host of the client's choosing; otherwise
 * the local address the request arrived on. Behind a proxy, configure the public URL.
 */
public final class PublicUrls {
  private final Optional<String> configured;
  private final String listenHost;

  public PublicUrls(Optional<String> configured, String listenHost) {
    this.configured = configured.map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    this.listenHost = listenHost.toLowerCase(Locale.ROOT);
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080}, without a trailing slash. */
  public String base(ServerRequest req) {
    if (configured.isPresent()) {
      return configured.get();
    }
    String scheme = req.isSecure() ? "https://" : "http://";
    Optional<String> host = req.headers().first(HeaderNames.HOST).filter(this::trusted);
    if (host.isPresent()) {
      return scheme + host.get();
    }
    InetSocketAddress local = (InetSocketAddress) req.localPeer().address();
    String address = local.getAddress().getHostAddress();
    return scheme + (address.contains(":") ? "[" + address + "]" : address) + ":" + local.getPort();
  }

  private boolean trusted(String hostHeader) {
    String host = hostHeader.toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      host = host.substring(0, Math.max(1, host.indexOf(']') + 1));
    } else if (host.indexOf(':') >= 0) {
      host = host.substring(0, host.indexOf(':'));
    }
    return host.equals("localhost")
        || host.equals("[::1]")
        || host.startsWith("127.")
        || host.equals(listenHost);
  }

  String call(ServerRequest req, String version, String callId) {
    return base(req) + "/" + version + "/communications/calls/" + callId;
  }

  String context(ServerRequest req, String version, String fragment) {
    return base(req) + "/" + version + "/$metadata#" + fragment;
  }
}
