package dev.dialtone.server.notify;

import io.helidon.webclient.api.DnsAddressLookup;
import io.helidon.webclient.spi.DnsResolver;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The DNS hook of Helidon's web client, made the {@link DeliveryPolicy}'s gate: the client asks
 * it for the address of every new connection, and connects to the address it returns, never to one
 * it looked up itself.
 *
 * <p>So each new connection resolves the host once, runs {@link DeliveryPolicy#checkAddresses} on
 * every address the name has (any of them could be the one connected to), and either returns one of
 * exactly those addresses or fails the request with a {@link Refusal}. A name that resolves to
 * something else a moment later (DNS rebinding) changes nothing: what is connected to is what was
 * checked. A kept-alive connection is reused without a lookup; it is connected to an address
 * checked when it was opened.
 *
 * <p>The address returned carries the host name ({@link InetAddress#getByAddress(String, byte[])}),
 * because the client takes the TLS peer host from it: SNI and the certificate check are then by
 * the URI's host, not by the address or its reverse lookup.
 */
final class PolicyDnsResolver implements DnsResolver {
  private final DeliveryPolicy policy;
  private final Resolver resolver;
  private final Duration timeout;

  /**
   * @param timeout bounds each lookup; the JVM's own lookup has none
   */
  PolicyDnsResolver(DeliveryPolicy policy, Resolver resolver, Duration timeout) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * @throws Refusal if the name does not resolve in time, or the policy denies an address
   */
  @Override
  public InetAddress resolveAddress(String hostname, DnsAddressLookup lookup) {
    String host = bare(hostname);
    List<InetAddress> addresses = lookUp(host);
    if (policy.checkAddresses(target(host), addresses)
        instanceof DeliveryPolicy.Verdict.Denied denied) {
      throw Refusal.denied(denied);
    }
    // All passed; take the one the client's address-family preference puts first.
    InetAddress[] preferred = lookup.filter(addresses.toArray(InetAddress[]::new));
    InetAddress chosen = preferred.length > 0 ? preferred[0] : addresses.get(0);
    try {
      return InetAddress.getByAddress(host, chosen.getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalStateException("a resolved address has a valid length", e);
    }
  }

  private List<InetAddress> lookUp(String host) {
    Optional<byte[]> literal = AddressBlock.literal(host);
    if (literal.isPresent()) {
      try {
        return List.of(InetAddress.getByAddress(literal.get()));
      } catch (UnknownHostException e) {
        throw new IllegalStateException("a parsed literal has a valid length", e);
      }
    }
    // A virtual thread makes waiting on the JVM's lookup, which has no timeout, bounded.
    FutureTask<List<InetAddress>> lookup = new FutureTask<>(() -> resolver.resolve(host));
    Thread.ofVirtual().name("dialtone-notify-dns").start(lookup);
    try {
      List<InetAddress> addresses = lookup.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (addresses.isEmpty()) {
        throw Refusal.unresolved("cannot resolve " + host + ": it resolved to no address");
      }
      return addresses;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw Refusal.unresolved(
          "cannot resolve "
              + host
              + ": "
              + (cause instanceof UnknownHostException && cause.getMessage() != null
                  ? cause.getMessage()
                  : cause.toString()));
    } catch (TimeoutException e) {
      throw Refusal.unresolved(
          "could not resolve " + host + " within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Refusal.unresolved("interrupted while resolving " + host);
    } finally {
      lookup.cancel(true);
    }
  }

  /** A target with {@code host}, all {@link DeliveryPolicy#checkAddresses} reads of one. */
  private static URI target(String host) {
    try {
      return new URI("https", null, host, -1, null, null, null);
    } catch (URISyntaxException e) {
      throw Refusal.unresolved("'" + host + "' is not a host name: " + e.getMessage());
    }
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /**
   * Why no connection was opened: the policy denied an address ({@link #denied()} present; the
   * target is given up), or the name did not resolve (a failed attempt, tried again).
   */
  static final class Refusal extends RuntimeException {
    private final transient DeliveryPolicy.Verdict.Denied denied;

    private Refusal(String message, DeliveryPolicy.Verdict.Denied denied) {
      super(message, null, false, false);
      this.denied = denied;
    }

    static Refusal denied(DeliveryPolicy.Verdict.Denied verdict) {
      return new Refusal(verdict.message(), verdict);
    }

    static Refusal unresolved(String message) {
      return new Refusal(message, null);
    }

    Optional<DeliveryPolicy.Verdict.Denied> denied() {
      return Optional.ofNullable(denied);
    }
  }
}
