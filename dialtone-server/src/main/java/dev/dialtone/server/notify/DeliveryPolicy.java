package dev.dialtone.server.notify;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where notifications may be POSTed, so that a Dialtone that POSTs to URLs its users give it is not
 * a tool for reaching what they cannot (server-side request forgery).
 *
 * <p>A target is checked twice: {@link #checkTarget} before anything is resolved (scheme, host
 * name, literal address), and {@link #checkAddresses} on every address its host resolves to. The
 * dispatcher then connects to one of exactly those addresses, so a name that resolves to something
 * else a moment later (DNS rebinding) changes nothing.
 *
 * <p>Rules, in the order they apply; the first that matches decides:
 *
 * <ol>
 *   <li>{@link Rule#SCHEME}: only {@code http} and {@code https}; {@link Rule#MALFORMED}: the URI
 *       must name a host.
 *   <li>{@link Rule#DENY_LIST}: a host name or address block the operator denied. Deny wins over
 *       everything else, including the allow list.
 *   <li>{@link Rule#CLOUD_METADATA}: {@code 169.254.169.254}, {@code fd00:ec2::254}, {@code
 *       100.100.100.200} (Alibaba), {@code 168.63.129.16} (Azure's wire server), and the names
 *       {@code metadata.google.internal} and {@code metadata.goog}. Always denied.
 *   <li>{@link Rule#UNSPECIFIED} ({@code 0.0.0.0/8}, {@code ::}; Linux connects {@code 0.0.0.0} to
 *       the local host), {@link Rule#LINK_LOCAL} ({@code 169.254.0.0/16}, {@code fe80::/10}) and
 *       {@link Rule#MULTICAST} ({@code 224.0.0.0/4}, {@code ff00::/8}, and the broadcast address
 *       {@code 255.255.255.255}). Always denied.
 *   <li>{@link Rule#LOOPBACK} ({@code 127.0.0.0/8}, {@code ::1}): denied unless the policy allows
 *       loopback (the demo profile does, so a bot on the same machine works).
 *   <li>{@link Rule#PRIVATE_NETWORK} ({@code 10/8}, {@code 172.16/12}, {@code 192.168/16}, {@code
 *       100.64/10}, {@code fc00::/7}, {@code fec0::/10}): allowed by default, because self-hosted
 *       bots live on private networks; a public, multi-tenant Dialtone turns it off.
 *   <li>{@link Rule#ALLOW_LIST}: if the allow list is not empty, the host name must match one of
 *       its names, or every address must lie in one of its blocks. The allow list narrows; it never
 *       re-opens what the rules above deny.
 * </ol>
 *
 * <p>An IPv6 address that embeds an IPv4 one (IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code
 * 64:ff9b::/96} and {@code 64:ff9b:1::/48}) is checked as that IPv4 address too; IPv4-mapped
 * addresses ({@code ::ffff:a.b.c.d}) are IPv4 addresses to Java already.
 *
 * <p>Host names in the lists match exactly (case-insensitive, a trailing dot ignored), or, written
 * {@code *.example.com}, any name under {@code example.com}. Instances are immutable and
 * thread-safe.
 */
public final class DeliveryPolicy {

  /** The rule that denied a target; {@link #key()} is how it is named in an attempt's error. */
  public enum Rule {
    SCHEME("scheme"),
    MALFORMED("malformed-target"),
    DENY_LIST("deny-list"),
    CLOUD_METADATA("cloud-metadata"),
    UNSPECIFIED("unspecified-address"),
    LINK_LOCAL("link-local"),
    MULTICAST("multicast"),
    LOOPBACK("loopback"),
    PRIVATE_NETWORK("private-network"),
    ALLOW_LIST("allow-list");

    private final String key;

    Rule(String key) {
      this.key = key;
    }

    /** The rule's name in kebab case, e.g. {@code cloud-metadata}. */
    public String key() {
      return key;
    }
  }

  /** The decision on a target or an address. */
  public sealed interface Verdict {
    /** The target may be tried. */
    record Allowed() implements Verdict {}

    /**
     * The target is never tried.
     *
     * @param rule the rule that denied it
     * @param detail what matched, e.g. {@code 169.254.169.254 is a cloud metadata address}
     */
    record Denied(Rule rule, String detail) implements Verdict {
      public Denied {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(detail, "detail");
      }

      /** The error recorded on the attempt: names the rule and what matched. */
      public String message() {
        return "denied by the delivery policy (rule " + rule.key() + "): " + detail;
      }
    }
  }

  private static final Verdict ALLOWED = new Verdict.Allowed();

  private static final List<AddressBlock> METADATA =
      blocks("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "168.63.129.16");
  private static final List<String> METADATA_NAMES =
      List.of("metadata.google.internal", "metadata.goog");
  private static final List<AddressBlock> UNSPECIFIED = blocks("0.0.0.0/8", "::/128");
  private static final List<AddressBlock> LINK_LOCAL = blocks("169.254.0.0/16", "fe80::/10");
  private static final List<AddressBlock> MULTICAST =
      blocks("224.0.0.0/4", "ff00::/8", "255.255.255.255");
  private static final List<AddressBlock> LOOPBACK = blocks("127.0.0.0/8", "::1");
  private static final List<AddressBlock> PRIVATE =
      blocks(
          "10.0.0.0/8",
          "172.16.0.0/12",
          "192.168.0.0/16",
          "100.64.0.0/10",
          "fc00::/7",
          "fec0::/10");
  private static final List<AddressBlock> EMBEDS_IPV4 =
      blocks("::/96", "64:ff9b::/96", "64:ff9b:1::/48");

  private final boolean allowLoopback;
  private final boolean allowPrivateNetworks;
  private final Lists allow;
  private final Lists deny;

  private DeliveryPolicy(Builder builder) {
    this.allowLoopback = builder.allowLoopback;
    this.allowPrivateNetworks = builder.allowPrivateNetworks;
    this.allow = Lists.parse(builder.allow, "allow");
    this.deny = Lists.parse(builder.deny, "deny");
  }

  /** Private networks allowed, loopback denied, no allow or deny list. */
  public static DeliveryPolicy standard() {
    return builder().build();
  }

  /** {@link #standard()} with loopback allowed too: the demo profile, bots on the same machine. */
  public static DeliveryPolicy demo() {
    return builder().allowLoopback(true).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks what can be checked without DNS: the scheme, the host name against the lists and the
   * metadata names, and, if the host is an address literal, that address.
   */
  public Verdict checkTarget(URI target) {
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return new Verdict.Denied(
          Rule.SCHEME,
          "'"
              + target
              + "' uses "
              + (scheme.isEmpty() ? "no scheme" : scheme)
              + "; only http and https are delivered to");
    }
    String host = target.getHost();
    if (host == null || host.isEmpty()) {
      return new Verdict.Denied(Rule.MALFORMED, "'" + target + "' names no host");
    }
    Optional<byte[]> literal = AddressBlock.literal(host);
    if (literal.isPresent()) {
      try {
        return checkAddress(target, InetAddress.getByAddress(literal.get()));
      } catch (UnknownHostException e) {
        throw new IllegalStateException("a parsed literal has a valid length", e);
      }
    }
    String name = normalise(host);
    if (deny.matchesName(name)) {
      return new Verdict.Denied(Rule.DENY_LIST, "host " + name + " is on the deny list");
    }
    if (METADATA_NAMES.contains(name)) {
      return new Verdict.Denied(
          Rule.CLOUD_METADATA, "host " + name + " is a cloud metadata service");
    }
    return ALLOWED;
  }

  /**
   * Checks the addresses {@code target}'s host resolved to; all must pass, since any of them may be
   * the one connected to. Does not repeat {@link #checkTarget}.
   *
   * @throws IllegalArgumentException if {@code addresses} is empty
   */
  public Verdict checkAddresses(URI target, List<InetAddress> addresses) {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException(target.getHost() + " resolved to no address");
    }
    for (InetAddress address : addresses) {
      Verdict verdict = checkAddress(target, address);
      if (verdict instanceof Verdict.Denied) {
        return verdict;
      }
    }
    return ALLOWED;
  }

  private Verdict checkAddress(URI target, InetAddress address) {
    byte[] bytes = address.getAddress();
    String shown = address.getHostAddress();
    Optional<Verdict.Denied> denied = builtIn(bytes, shown);
    if (denied.isEmpty() && address instanceof Inet6Address && embedsIpv4(bytes)) {
      byte[] embedded = Arrays.copyOfRange(bytes, 12, 16);
      denied = builtIn(embedded, shown + " (which embeds " + ipv4(embedded) + ")");
    }
    if (denied.isPresent()) {
      return denied.get();
    }
    if (allow.isEmpty() || allow.matchesName(normalise(target.getHost()))) {
      return ALLOWED;
    }
    return allow.matchesAddress(bytes)
        ? ALLOWED
        : new Verdict.Denied(
            Rule.ALLOW_LIST,
            "neither host "
                + normalise(target.getHost())
                + " nor its address "
                + shown
                + " is on the allow list");
  }

  private Optional<Verdict.Denied> builtIn(byte[] bytes, String shown) {
    if (deny.matchesAddress(bytes)) {
      return denied(Rule.DENY_LIST, shown + " is on the deny list");
    }
    if (any(METADATA, bytes)) {
      return denied(Rule.CLOUD_METADATA, shown + " is a cloud metadata address");
    }
    if (any(UNSPECIFIED, bytes)) {
      return denied(Rule.UNSPECIFIED, shown + " is an unspecified address");
    }
    if (any(LINK_LOCAL, bytes)) {
      return denied(Rule.LINK_LOCAL, shown + " is a link-local address");
    }
    if (any(MULTICAST, bytes)) {
      return denied(Rule.MULTICAST, shown + " is a multicast or broadcast address");
    }
    if (!allowLoopback && any(LOOPBACK, bytes)) {
      return denied(
          Rule.LOOPBACK, shown + " is a loopback address, and this policy does not allow loopback");
    }
    if (!allowPrivateNetworks && any(PRIVATE, bytes)) {
      return denied(
          Rule.PRIVATE_NETWORK,
          shown + " is a private-network address, and this policy does not allow those");
    }
    return Optional.empty();
  }

  private static boolean embedsIpv4(byte[] bytes) {
    // :: and ::1 sit in ::/96 but are IPv6's own unspecified and loopback addresses.
    return any(EMBEDS_IPV4, bytes) && !any(UNSPECIFIED, bytes) && !any(LOOPBACK, bytes);
  }

  private static Optional<Verdict.Denied> denied(Rule rule, String detail) {
    return Optional.of(new Verdict.Denied(rule, detail));
  }

  private static boolean any(List<AddressBlock> blocks, byte[] bytes) {
    for (AddressBlock block : blocks) {
      if (block.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  private static String ipv4(byte[] bytes) {
    return (bytes[0] & 0xFF)
        + "."
        + (bytes[1] & 0xFF)
        + "."
        + (bytes[2] & 0xFF)
        + "."
        + (bytes[3] & 0xFF);
  }

  private static String normalise(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  private static List<AddressBlock> blocks(String... texts) {
    return Arrays.stream(texts).map(AddressBlock::parse).toList();
  }

  @Override
  public String toString() {
    return "DeliveryPolicy[allowLoopback="
        + allowLoopback
        + ", allowPrivateNetworks="
        + allowPrivateNetworks
        + ", allow="
        + allow
        + ", deny="
        + deny
        + "]";
  }

  /** Host names and address blocks of an allow or deny list. */
  private record Lists(List<String> names, List<String> suffixes, List<AddressBlock> blocks) {
    static Lists parse(List<String> entries, String which) {
      List<String> names = new ArrayList<>();
      List<String> suffixes = new ArrayList<>();
      List<AddressBlock> blocks = new ArrayList<>();
      for (String raw : entries) {
        String entry = raw.strip();
        if (entry.isEmpty()) {
          throw new IllegalArgumentException(which + " list holds an empty entry");
        }
        int slash = entry.indexOf('/');
        if (AddressBlock.literal(slash < 0 ? entry : entry.substring(0, slash)).isPresent()) {
          try {
            blocks.add(AddressBlock.parse(entry));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(which + " list: " + e.getMessage(), e);
          }
        } else if (entry.startsWith("*.") && isName(entry.substring(2))) {
          suffixes.add(normalise(entry.substring(1)));
        } else if (isName(entry)) {
          names.add(normalise(entry));
        } else {
          throw new IllegalArgumentException(
              which
                  + " list: '"
                  + entry
                  + "' is neither a host name (bot.example.com, *.example.com) nor an address"
                  + " block (10.0.0.0/8)");
        }
      }
      return new Lists(List.copyOf(names), List.copyOf(suffixes), List.copyOf(blocks));
    }

    private static boolean isName(String text) {
      return text.matches(
          "[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?)*\\.?");
    }

    boolean isEmpty() {
      return names.isEmpty() && suffixes.isEmpty() && blocks.isEmpty();
    }

    boolean matchesName(String name) {
      if (names.contains(name)) {
        return true;
      }
      for (String suffix : suffixes) {
        if (name.endsWith(suffix)) {
          return true;
        }
      }
      return false;
    }

    boolean matchesAddress(byte[] bytes) {
      return any(blocks, bytes);
    }

    @Override
    public String toString() {
      List<String> all = new ArrayList<>(names);
      suffixes.forEach(suffix -> all.add("*" + suffix));
      blocks.forEach(block -> all.add(block.toString()));
      return all.toString();
    }
  }

  /** Builds a {@link DeliveryPolicy}; every setting has the default {@link #standard()} uses. */
  public static final class Builder {
    private boolean allowLoopback;
    private boolean allowPrivateNetworks = true;
    private final List<String> allow = new ArrayList<>();
    private final List<String> deny = new ArrayList<>();

    private Builder() {}

    /** Whether {@code 127.0.0.0/8} and {@code ::1} may be delivered to; default {@code false}. */
    public Builder allowLoopback(boolean allowed) {
      this.allowLoopback = allowed;
      return this;
    }

    /** Whether private-network addresses may be delivered to; default {@code true}. */
    public Builder allowPrivateNetworks(boolean allowed) {
      this.allowPrivateNetworks = allowed;
      return this;
    }

    /**
     * Adds allow-list entries: host names, {@code *.domain} wildcards, addresses or CIDR blocks.
     * Once the list has an entry, only matching targets are delivered to.
     */
    public Builder allow(List<String> entries) {
      allow.addAll(entries);
      return this;
    }

    /** Adds deny-list entries, written as for {@link #allow}; deny wins over allow. */
    public Builder deny(List<String> entries) {
      deny.addAll(entries);
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the entry, if a list entry is neither a host name nor
     *     an address block
     */
    public DeliveryPolicy build() {
      return new DeliveryPolicy(this);
    }
  }
}
