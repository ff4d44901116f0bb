package dev.dialtone.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemGenerationException;

/** PEM certificates and private keys, read and written with BouncyCastle on the JDK's providers. */
final class Pem {
  private Pem() {}

  /**
   * Every certificate in {@code file}, in order (a chain: leaf first). Other PEM blocks are skipped.
   *
   * @throws TlsException if the file cannot be read or holds no certificate
   */
  static List<X509Certificate> readCertificates(Path file, String what) {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Object object : objects(file, what)) {
      if (object instanceof X509CertificateHolder holder) {
        try {
          certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
        } catch (GeneralSecurityException e) {
          throw new TlsException("cannot read a certificate in " + what + " " + file + ": " + e.getMessage(), e);
        }
      }
    }
    if (certificates.isEmpty()) {
      throw new TlsException(
          what + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return List.copyOf(certificates);
  }

  /**
   * The one private key in {@code file}: PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN
   * RSA PRIVATE KEY}) or SEC 1 ({@code BEGIN EC PRIVATE KEY}), not encrypted.
   *
   * @throws TlsException if the file cannot be read, holds no key, or holds an encrypted one
   */
  static PrivateKey readPrivateKey(Path file, String what) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object object : objects(file, what)) {
      try {
        if (object instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (object instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
      } catch (IOException e) {
        throw new TlsException(
            "cannot read the private key in " + what + " " + file + ": " + e.getMessage(), e);
      }
      if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
        throw new TlsException(
            what + " " + file + " holds an encrypted private key; give Dialtone a plain one"
                + " (openssl pkey -in " + file + " -out key.pem), readable only by its user");
      }
    }
    throw new TlsException(what + " " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  /**
   * Whether {@code key} is the private key of {@code certificate}: it signs a probe that the
   * certificate's public key verifies. Keys of an algorithm this cannot probe are taken as fitting.
   */
  static boolean fits(PrivateKey key, X509Certificate certificate) {
    String algorithm =
        switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "ED25519", "EDDSA" -> "Ed25519";
          case "ED448" -> "Ed448";
          default -> null;
        };
    if (algorithm == null) {
      return true;
    }
    byte[] probe = "dialtone".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** {@code -----BEGIN CERTIFICATE-----} blocks, one per certificate. */
  static String certificates(List<X509Certificate> certificates) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      for (X509Certificate certificate : certificates) {
        writer.writeObject(certificate);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** The key as unencrypted PKCS#8, {@code -----BEGIN PRIVATE KEY-----}: every TLS stack reads it. */
  static String privateKey(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (PemGenerationException e) {
      throw new TlsException("cannot write a " + key.getAlgorithm() + " key as PKCS#8: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static List<Object> objects(Path file, String what) {
    List<Object> objects = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
        PEMParser parser = new PEMParser(reader)) {
      Object object;
      while ((object = parser.readObject()) != null) {
        objects.add(object);
      }
    } catch (NoSuchFileException e) {
      throw new TlsException(what + " " + file + " does not exist", e);
    } catch (IOException | RuntimeException e) {
      throw new TlsException("cannot read " + what + " " + file + ": " + e, e);
    }
    return objects;
  }
}
