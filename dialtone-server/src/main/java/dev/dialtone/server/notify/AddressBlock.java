package dev.dialtone.server.notify;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/** A CIDR block, IPv4 or IPv6, parsed without any DNS lookup. Immutable. */
final class AddressBlock {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private final byte[] network;
  private final int prefix;
  private final String text;

  private AddressBlock(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /**
   * Parses {@code 10.0.0.0/8}, {@code fe80::/10}, or a single address ({@code /32} or {@code
   * /128}).
   *
   * @throws IllegalArgumentException naming the text if it is not a block, or has host bits set
   */
  static AddressBlock parse(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes =
        literal(address)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "'" + text + "' is not an address block such as 10.0.0.0/8 or fd00::/8"));
    int bits = bytes.length * 8;
    int prefix;
    if (slash < 0) {
      prefix = bits;
    } else {
      try {
        prefix = Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.." + bits);
      }
    }
    byte[] masked = mask(bytes, prefix);
    if (!Arrays.equals(masked, bytes)) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' has bits set after its prefix; did you mean the block that starts there?");
    }
    return new AddressBlock(masked, prefix, text);
  }

  /** The bytes of an IPv4 or IPv6 literal (brackets allowed), or empty if it is not one. */
  static Optional<byte[]> literal(String text) {
    String bare =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (!(IPV4.matcher(bare).matches() || IPV6.matcher(bare).matches())) {
      // Anything else would make InetAddress ask DNS.
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(bare).getAddress());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  boolean contains(byte[] address) {
    return address.length == network.length && Arrays.equals(mask(address, prefix), network);
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] masked = address.clone();
    for (int i = 0; i < masked.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      masked[i] = (byte) (masked[i] & (0xFF << (8 - keep)));
    }
    return masked;
  }

  @Override
  public String toString() {
    return text;
  }
}
