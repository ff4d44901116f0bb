package dev.dialtone.server.tls;

import io.helidon.common.tls.Tls;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificate and key the HTTPS listener serves, and the files a client trusts it with.
 *
 * <p>The operator's certificate and key are read from their PEM files. The development certificate
 * lives in a directory ({@code tls/} under the data directory) as {@value #CERTIFICATE_FILE} (the
 * certificate to trust, PEM), {@value #KEY_FILE} (its key, PKCS#8, readable by its owner only where
 * the file system has POSIX permissions) and {@value #TRUSTSTORE_FILE} (a PKCS#12 truststore holding
 * the certificate, password {@value #TRUSTSTORE_PASSWORD}). A later start reuses them, so a client
 * trusts the certificate once; a new one is made only when the files are missing, when the
 * certificate expires within {@link #RENEW_BEFORE}, or when it does not name a host it must now
 * serve. One process is expected to own the directory, as it owns the embedded database.
 */
public final class ServerCertificate implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServerCertificate.class);

  /** The development certificate, PEM: what curl, Node, Python and .NET are told to trust. */
  public static final String CERTIFICATE_FILE = "dev-cert.pem";

  /** The development certificate's private key, PEM (PKCS#8). */
  public static final String KEY_FILE = "dev-key.pem";

  /** A PKCS#12 truststore holding the development certificate, for Java clients. */
  public static final String TRUSTSTORE_FILE = "dev-truststore.p12";

  /** The password of {@value #TRUSTSTORE_FILE}; it guards nothing secret, only the file's integrity. */
  public static final String TRUSTSTORE_PASSWORD = "changeit";

  /** A development certificate this close to its end is replaced at start-up. */
  public static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private static final String TRUSTSTORE_ALIAS = "dialtone-development";
  private static final String OWNER_ONLY = "rw-------";
  private static final String PUBLIC = "rw-r--r--";

  /** Where the certificate comes from. */
  public enum Source {
    /** The operator's, from {@code --tls-cert} and {@code --tls-key}. */
    OPERATOR,
    /** The development certificate, kept in the data directory. */
    DEVELOPMENT,
    /** A development certificate in a temporary directory, for {@code --in-memory} runs. */
    TEMPORARY
  }

  private final List<X509Certificate> chain;
  private final PrivateKey key;
  private final Source source;
  private final Path certificateFile;
  private final Optional<Path> truststore;

  private ServerCertificate(
      List<X509Certificate> chain,
      PrivateKey key,
      Source source,
      Path certificateFile,
      Optional<Path> truststore) {
    this.chain = List.copyOf(chain);
    this.key = key;
    this.source = source;
    this.certificateFile = certificateFile;
    this.truststore = truststore;
  }

  /**
   * The certificate for these settings: the operator's if configured; otherwise the development
   * certificate for {@code names}, in {@code dataDir/tls}, or in a temporary directory when {@code
   * inMemory}.
   *
   * @param clock real time: certificate validity never follows a scaled clock
   * @throws TlsException if a file cannot be read or written, or the operator's key does not fit
   *     the certificate
   */
  public static ServerCertificate resolve(
      TlsSettings settings, Path dataDir, boolean inMemory, List<String> names, Clock clock) {
    if (settings.certificateFile().isPresent()) {
      return operator(settings.certificateFile().get(), settings.keyFile().orElseThrow(), clock);
    }
    return inMemory ? temporary(names, clock) : development(dataDir.resolve("tls"), names, clock);
  }

  /** The operator's certificate chain (leaf first) and key, from PEM files. */
  public static ServerCertificate operator(Path certificateFile, Path keyFile, Clock clock) {
    List<X509Certificate> chain = Pem.readCertificates(certificateFile, "the TLS certificate file");
    PrivateKey key = Pem.readPrivateKey(keyFile, "the TLS key file");
    X509Certificate leaf = chain.get(0);
    if (!Pem.fits(key, leaf)) {
      throw new TlsException(
          "the private key in "
              + keyFile
              + " is not the key of the first certificate in "
              + certificateFile
              + " ("
              + leaf.getSubjectX500Principal().getName()
              + "); give the key that belongs to the certificate, and the certificate first in its file");
    }
    Instant now = clock.instant();
    if (now.isAfter(leaf.getNotAfter().toInstant()) || now.isBefore(leaf.getNotBefore().toInstant())) {
      LOG.warn(
          "The TLS certificate in {} is valid from {} to {} only: clients will refuse it",
          certificateFile,
          leaf.getNotBefore().toInstant(),
          leaf.getNotAfter().toInstant());
    }
    return new ServerCertificate(chain, key, Source.OPERATOR, certificateFile, Optional.empty());
  }

  /**
   * The development certificate in {@code directory}: the one there if it is whole, fits, is not
   * about to expire and names every one of {@code names}; otherwise a new one, written there.
   */
  public static ServerCertificate development(Path directory, List<String> names, Clock clock) {
    Path certificateFile = directory.resolve(CERTIFICATE_FILE);
    Path keyFile = directory.resolve(KEY_FILE);
    Path truststore = directory.resolve(TRUSTSTORE_FILE);
    Optional<DevelopmentCertificate> existing = existing(certificateFile, keyFile, names, clock);
    DevelopmentCertificate certificate;
    if (existing.isPresent()) {
      certificate = existing.get();
      if (!Files.exists(truststore)) {
        writeTruststore(truststore, certificate.certificate());
      }
    } else {
      certificate = DevelopmentCertificate.generate(withPrevious(names, certificateFile), clock);
      write(keyFile, Pem.privateKey(certificate.key()), true);
      write(certificateFile, Pem.certificates(List.of(certificate.certificate())), false);
      writeTruststore(truststore, certificate.certificate());
      LOG.info(
          "Made a development TLS certificate for {} in {}; clients trust it once (README, \"TLS\")",
          DevelopmentCertificate.subjectAltNames(certificate.certificate()),
          certificateFile);
    }
    return new ServerCertificate(
        List.of(certificate.certificate()),
        certificate.key(),
        Source.DEVELOPMENT,
        certificateFile,
        Optional.of(truststore));
  }

  /**
   * A new development certificate in a new temporary directory, deleted by {@link #close}: nothing
   * of an in-memory run survives it, and a client still has a file to trust meanwhile.
   */
  public static ServerCertificate temporary(List<String> names, Clock clock) {
    Path directory;
    try {
      directory = Files.createTempDirectory("dialtone-tls-");
    } catch (IOException e) {
      throw new TlsException("cannot make a temporary directory for the TLS certificate: " + e, e);
    }
    DevelopmentCertificate certificate = DevelopmentCertificate.generate(names, clock);
    Path certificateFile = directory.resolve(CERTIFICATE_FILE);
    Path truststore = directory.resolve(TRUSTSTORE_FILE);
    write(directory.resolve(KEY_FILE), Pem.privateKey(certificate.key()), true);
    write(certificateFile, Pem.certificates(List.of(certificate.certificate())), false);
    writeTruststore(truststore, certificate.certificate());
    return new ServerCertificate(
        List.of(certificate.certificate()),
        certificate.key(),
        Source.TEMPORARY,
        certificateFile,
        Optional.of(truststore));
  }

  private static Optional<DevelopmentCertificate> existing(
      Path certificateFile, Path keyFile, List<String> names, Clock clock) {
    boolean hasCertificate = Files.exists(certificateFile);
    boolean hasKey = Files.exists(keyFile);
    if (!hasCertificate && !hasKey) {
      return Optional.empty();
    }
    if (hasCertificate != hasKey) {
      LOG.warn(
          "{} is missing: making a new development certificate; clients must trust the new one",
          hasCertificate ? keyFile : certificateFile);
      return Optional.empty();
    }
    String fix = "; delete " + certificateFile.getParent() + " to make a new development certificate";
    X509Certificate certificate;
    PrivateKey key;
    try {
      certificate = Pem.readCertificates(certificateFile, "the development certificate").get(0);
      key = Pem.readPrivateKey(keyFile, "the development key");
    } catch (TlsException e) {
      throw new TlsException(e.getMessage() + fix, e);
    }
    if (!Pem.fits(key, certificate)) {
      throw new TlsException(keyFile + " is not the key of " + certificateFile + fix);
    }
    Instant expires = certificate.getNotAfter().toInstant();
    if (clock.instant().plus(RENEW_BEFORE).isAfter(expires)) {
      LOG.warn(
          "The development certificate {} expires {}: making a new one; clients must trust the new one",
          certificateFile,
          expires);
      return Optional.empty();
    }
    if (!DevelopmentCertificate.covers(certificate, names)) {
      LOG.warn(
          "The development certificate {} names {}, not all of {}: making a new one; clients must"
              + " trust the new one",
          certificateFile,
          DevelopmentCertificate.subjectAltNames(certificate),
          names);
      return Optional.empty();
    }
    return Optional.of(new DevelopmentCertificate(certificate, key));
  }

  /**
   * {@code names} and the names of the certificate being replaced, if it can be read: switching
   * between two hosts does not make a new certificate at every start.
   */
  private static List<String> withPrevious(List<String> names, Path certificateFile) {
    Map<String, String> byCanonical = new LinkedHashMap<>();
    for (String name : names) {
      byCanonical.putIfAbsent(DevelopmentCertificate.canonical(name), name);
    }
    if (Files.exists(certificateFile)) {
      try {
        X509Certificate previous =
            Pem.readCertificates(certificateFile, "the development certificate").get(0);
        for (String name : DevelopmentCertificate.subjectAltNames(previous)) {
          byCanonical.putIfAbsent(DevelopmentCertificate.canonical(name), name);
        }
      } catch (TlsException e) {
        // An unreadable old certificate contributes no names.
      }
    }
    return List.copyOf(byCanonical.values());
  }

  private static void writeTruststore(Path file, X509Certificate certificate) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry(TRUSTSTORE_ALIAS, certificate);
      Path temporary = temporaryFor(file, false);
      try {
        try (OutputStream out = Files.newOutputStream(temporary)) {
          store.store(out, TRUSTSTORE_PASSWORD.toCharArray());
        }
        move(temporary, file);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new TlsException(
          "cannot write the truststore " + file + " (" + e + "); make its directory writable", e);
    }
  }

  private static void write(Path file, String pem, boolean ownerOnly) {
    try {
      Path temporary = temporaryFor(file, ownerOnly);
      try {
        Files.writeString(temporary, pem, StandardCharsets.US_ASCII);
        move(temporary, file);
      } finally {
        Files.deleteIfExists(temporary);
      }
    } catch (IOException e) {
      throw new TlsException(
          "cannot write " + file + " (" + e + "); make its directory writable, or point the data"
              + " directory elsewhere",
          e);
    }
  }

  private static Path temporaryFor(Path file, boolean ownerOnly) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    boolean posix = Files.getFileStore(directory).supportsFileAttributeView(PosixFileAttributeView.class);
    String prefix = "." + file.getFileName() + "-";
    if (!posix) {
      return Files.createTempFile(directory, prefix, ".tmp");
    }
    // The key is its owner's alone from the moment it exists; certificates are public.
    Path temporary =
        Files.createTempFile(
            directory,
            prefix,
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(OWNER_ONLY)));
    if (!ownerOnly) {
      Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(PUBLIC));
    }
    return temporary;
  }

  private static void move(Path temporary, Path file) throws IOException {
    try {
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Helidon's TLS configuration for the HTTPS listener: this key and chain, no client certificates. */
  public Tls tls() {
    return Tls.builder().privateKey(key).privateKeyCertChain(chain).build();
  }

  /** The certificate the listener presents. */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  public List<X509Certificate> chain() {
    return chain;
  }

  public Source source() {
    return source;
  }

  /**
   * The PEM file of the certificate: for a development certificate, the one clients trust ({@code
   * curl --cacert}, {@code NODE_EXTRA_CA_CERTS}, {@code REQUESTS_CA_BUNDLE}).
   */
  public Path certificateFile() {
    return certificateFile;
  }

  /** The PKCS#12 truststore holding a development certificate (password {@value #TRUSTSTORE_PASSWORD}). */
  public Optional<Path> truststore() {
    return truststore;
  }

  /** Deletes a temporary certificate's directory; the others stay for the next start. */
  @Override
  public void close() {
    if (source != Source.TEMPORARY) {
      return;
    }
    Path directory = certificateFile.getParent();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      LOG.warn("Could not delete the temporary TLS directory {}: {}", directory, e.toString());
    }
  }
}
