package dev.dialtone.server.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed development certificate and its key: ECDSA P-256, valid for {@link #VALIDITY} from
 * an hour before it is made, for the names {@link #names} gives (DNS names and IP addresses as
 * subjectAltNames), {@code CA:FALSE}, for server authentication.
 *
 * @param certificate the certificate
 * @param key its private key
 */
public record DevelopmentCertificate(X509Certificate certificate, PrivateKey key) {

  /** About two years; below the 825 days some platforms allow a locally trusted TLS certificate. */
  public static final Duration VALIDITY = Duration.ofDays(730);

  /** Names every development certificate is valid for. */
  public static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "::1");

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /**
   * The names a development certificate for a server on {@code host} needs: {@link
   * #LOOPBACK_NAMES}, the host itself unless it is a wildcard address ({@code 0.0.0.0}, {@code ::}),
   * and the host of the public URL, if one is configured. Lower-case, without brackets, no repeats.
   */
  public static List<String> names(String host, Optional<String> publicUrl) {
    Set<String> names = new LinkedHashSet<>(LOOPBACK_NAMES);
    addName(names, host);
    publicUrl.ifPresent(
        url -> {
          try {
            String publicHost = URI.create(url).getHost();
            if (publicHost != null) {
              addName(names, publicHost);
            }
          } catch (IllegalArgumentException e) {
            // Not a URL: nothing to add; the public URL is checked where it is used.
          }
        });
    return List.copyOf(names);
  }

  private static void addName(Set<String> names, String host) {
    String name = host.strip().toLowerCase(Locale.ROOT);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    if (name.isEmpty() || name.equals("0.0.0.0") || isWildcardV6(name)) {
      return;
    }
    if (name.equals("0:0:0:0:0:0:0:1")) {
      name = "::1";
    }
    names.add(name);
  }

  private static boolean isWildcardV6(String name) {
    return name.equals("::") || name.equals("0:0:0:0:0:0:0:0");
  }

  /** Whether {@code name} is written as an IP address rather than a DNS name. */
  static boolean isIpAddress(String name) {
    return name.indexOf(':') >= 0 || IPV4.matcher(name).matches();
  }

  /** Makes a new key and certificate for {@code names}, valid from an hour before {@code clock}'s now. */
  public static DevelopmentCertificate generate(List<String> names, Clock clock) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a development certificate needs at least one name");
    }
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = generator.generateKeyPair();
      Instant now = clock.instant();
      X500Name subject =
          new X500NameBuilder(BCStyle.INSTANCE)
              .addRDN(BCStyle.O, "Dialtone")
              .addRDN(BCStyle.OU, "development certificate")
              .addRDN(BCStyle.CN, "Dialtone development certificate for " + names.get(0))
              .build();
      byte[] serial = new byte[16];
      new SecureRandom().nextBytes(serial);
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  new BigInteger(1, serial),
                  Date.from(now.minus(Duration.ofHours(1))),
                  Date.from(now.plus(VALIDITY)),
                  subject,
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(
                  Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  extensions.createAuthorityKeyIdentifier(pair.getPublic()))
              .addExtension(Extension.subjectAlternativeName, false, subjectAltNames(names));
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
      return new DevelopmentCertificate(certificate, pair.getPrivate());
    } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
      throw new TlsException("cannot make a development certificate: " + e, e);
    }
  }

  private static GeneralNames subjectAltNames(List<String> names) {
    List<GeneralName> general = new ArrayList<>();
    for (String name : names) {
      general.add(new GeneralName(isIpAddress(name) ? GeneralName.iPAddress : GeneralName.dNSName, name));
    }
    return new GeneralNames(general.toArray(GeneralName[]::new));
  }

  /**
   * The subjectAltNames of {@code certificate}: DNS names lower-case, IP addresses as the JDK
   * writes them ({@code 0:0:0:0:0:0:0:1}), in order.
   */
  public static List<String> subjectAltNames(X509Certificate certificate) {
    Collection<List<?>> entries;
    try {
      entries = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    if (entries == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (List<?> entry : entries) {
      int type = (Integer) entry.get(0);
      if (type == GeneralName.dNSName || type == GeneralName.iPAddress) {
        names.add(entry.get(1).toString().toLowerCase(Locale.ROOT));
      }
    }
    return List.copyOf(names);
  }

  /** Whether {@code certificate} names every one of {@code names} in its subjectAltNames. */
  static boolean covers(X509Certificate certificate, List<String> names) {
    List<String> present = subjectAltNames(certificate);
    for (String name : names) {
      if (!present.contains(canonical(name))) {
        return false;
      }
    }
    return true;
  }

  /** A name as {@link #subjectAltNames} writes it: DNS names lower-case, IP addresses in full. */
  static String canonical(String name) {
    return isIpAddress(name) ? canonicalIp(name) : name.toLowerCase(Locale.ROOT);
  }

  /** An IP literal as the JDK renders a certificate's iPAddress name; no name look-up happens. */
  private static String canonicalIp(String literal) {
    try {
      GeneralName name = new GeneralName(GeneralName.iPAddress, literal);
      byte[] bytes = DEROctetString.getInstance(name.getName()).getOctets();
      // An address given as bytes is never looked up.
      return InetAddress.getByAddress(bytes).getHostAddress().toLowerCase(Locale.ROOT);
    } catch (UnknownHostException | RuntimeException e) {
      return literal.toLowerCase(Locale.ROOT);
    }
  }
}
