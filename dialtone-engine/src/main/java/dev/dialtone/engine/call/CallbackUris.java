package dev.dialtone.engine.call;

import dev.dialtone.engine.EngineException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks a {@code callbackUri}: absolute, allowed by the deployment's delivery policy, and {@code
 * https} (or {@code http} to loopback in the demo profile).
 */
final class CallbackUris {
  private static final Pattern IPV4_LITERAL = Pattern.compile("[0-9.]+");
  private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

  private CallbackUris() {}

  static void check(String value, CallPolicy policy) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw EngineException.invalidRequest(
          "callbackUri: '" + value + "' is not a valid URI (" + e.getReason() + ").");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || uri.getHost() == null) {
      throw EngineException.invalidRequest(
          "callbackUri: '" + value + "' must be an absolute https URI, e.g. https://bot.contoso.com/callback.");
    }
    policy
        .callbackTargets()
        .apply(uri)
        .ifPresent(
            reason -> {
              throw EngineException.invalidRequest(
                  "callbackUri: '" + value + "' is never notified: " + reason);
            });
    if (scheme.equals("https")) {
      return;
    }
    if (scheme.equals("http") && policy.allowHttpLoopbackCallbacks() && isLoopback(uri.getHost())) {
      return;
    }
    throw EngineException.invalidRequest(
        "callbackUri: '"
            + value
            + "' must use https"
            + (policy.allowHttpLoopbackCallbacks()
                ? " (plain http is allowed only to a loopback address such as 127.0.0.1 or localhost)."
                : "; plain http is allowed to loopback only in the demo profile."));
  }

  /** An IPv4 literal (digits and dots) or an IPv6 one (hex and colons, at least one colon). */
  private static boolean isAddressLiteral(String host) {
    return IPV4_LITERAL.matcher(host).matches()
        || (host.indexOf(':') >= 0 && IPV6_LITERAL.matcher(host).matches());
  }

  private static boolean isLoopback(String host) {
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (bare.equalsIgnoreCase("localhost")) {
      return true;
    }
    // Only literal addresses: resolving a name here would make validation depend on DNS.
    if (!isAddressLiteral(bare)) {
      return false;
    }
    try {
      return InetAddress.getByName(bare).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
