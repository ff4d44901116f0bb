package dev.dialtone.server.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An operator's PKI for tests: an RSA certificate authority and server certificates it signs,
 * written as PEM the way {@code openssl} writes them (PKCS#1 keys, {@code BEGIN RSA PRIVATE KEY}).
 */
public final class TestPki {
  private final X500Name caName;
  private final KeyPair caKeys;
  private final X509Certificate ca;

  private TestPki(X500Name caName, KeyPair caKeys, X509Certificate ca) {
    this.caName = caName;
    this.caKeys = caKeys;
    this.ca = ca;
  }

  /** A new certificate authority, {@code CN=Operator Test CA}. */
  public static TestPki create() throws Exception {
    KeyPair keys = rsa();
    X500Name name = new X500Name("CN=Operator Test CA");
    Instant now = Instant.now();
    X509Certificate ca =
        sign(
            new JcaX509v3CertificateBuilder(
                    name, BigInteger.ONE, Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(30))), name, keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(
                    Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
            keys.getPrivate());
    return new TestPki(name, keys, ca);
  }

  public X509Certificate ca() {
    return ca;
  }

  /** A server certificate for {@code 127.0.0.1} and {@code localhost}, signed by the CA. */
  public Issued issue(String commonName) throws Exception {
    KeyPair keys = rsa();
    Instant now = Instant.now();
    X509Certificate certificate =
        sign(
            new JcaX509v3CertificateBuilder(
                    caName, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=" + commonName), keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                .addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(
                        new GeneralName[] {
                          new GeneralName(GeneralName.dNSName, "localhost"),
                          new GeneralName(GeneralName.iPAddress, "127.0.0.1")
                        })),
            caKeys.getPrivate());
    return new Issued(certificate, keys.getPrivate(), ca);
  }

  /** A server certificate, its key and the CA that signed it. */
  public record Issued(X509Certificate certificate, PrivateKey key, X509Certificate ca) {
    /** Writes {@code cert.pem} (the certificate, then the CA) and {@code key.pem} (PKCS#1). */
    public PemFiles written(Path directory) throws IOException {
      Path certificateFile = directory.resolve("cert.pem");
      Path keyFile = directory.resolve("key.pem");
      java.nio.file.Files.writeString(certificateFile, pem(certificate, ca), StandardCharsets.US_ASCII);
      java.nio.file.Files.writeString(keyFile, pem(key), StandardCharsets.US_ASCII);
      return new PemFiles(certificateFile, keyFile);
    }
  }

  /** Where {@link Issued#written} put the PEM files. */
  public record PemFiles(Path certificate, Path key) {}

  static String pem(Object... objects) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (Object object : objects) {
        writer.writeObject(object);
      }
    }
    return out.toString();
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws Exception {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer)));
  }
}
