package dev.dialtone.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCertificateTest {
  static final List<String> LOOPBACK = DevelopmentCertificate.LOOPBACK_NAMES;

  @TempDir Path directory;

  @Test
  void development_isMadeOnceAndReusedWithItsFilesUnchanged() throws Exception {
    ServerCertificate first = ServerCertificate.development(directory, LOOPBACK, Clock.systemUTC());
    byte[] pem = Files.readAllBytes(directory.resolve("dev-cert.pem"));
    byte[] key = Files.readAllBytes(directory.resolve("dev-key.pem"));

    ServerCertificate second = ServerCertificate.development(directory, LOOPBACK, Clock.systemUTC());

    assertThat(second.certificate()).isEqualTo(first.certificate());
    assertThat(second.source()).isEqualTo(ServerCertificate.Source.DEVELOPMENT);
    assertThat(second.certificateFile()).isEqualTo(directory.resolve("dev-cert.pem"));
    assertThat(Files.readAllBytes(directory.resolve("dev-cert.pem"))).isEqualTo(pem);
    assertThat(Files.readAllBytes(directory.resolve("dev-key.pem"))).isEqualTo(key);
    assertThat(new String(key, StandardCharsets.US_ASCII)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Pem.readCertificates(directory.resolve("dev-cert.pem"), "test")).containsExactly(first.certificate());
  }

  @Test
  void development_truststoreHoldsTheCertificateUnderTheDocumentedPassword() throws Exception {
    ServerCertificate certificate = ServerCertificate.development(directory, LOOPBACK, Clock.systemUTC());

    KeyStore truststore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(certificate.truststore().orElseThrow())) {
      truststore.load(in, "changeit".toCharArray());
    }

    assertThat(certificate.truststore()).contains(directory.resolve("dev-truststore.p12"));
    assertThat(truststore.size()).isEqualTo(1);
    String alias = truststore.aliases().nextElement();
    assertThat(truststore.isCertificateEntry(alias)).isTrue();
    assertThat(truststore.getCertificate(alias)).isEqualTo(certificate.certificate());
  }

  @Test
  void development_keyIsReadableByItsOwnerOnlyAndTheCertificateByAll() throws Exception {
    assumeTrue(Files.getFileStore(directory).supportsFileAttributeView(PosixFileAttributeView.class));

    ServerCertificate.development(directory, LOOPBACK, Clock.systemUTC());

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("dev-key.pem"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("dev-cert.pem"))))
        .isEqualTo("rw-r--r--");
    try (var files = Files.list(directory)) {
      assertThat(files.map(file -> file.getFileName().toString()))
          .containsExactlyInAnyOrder("dev-cert.pem", "dev-key.pem", "dev-truststore.p12");
    }
  }

  @Test
  void development_aMissingTruststoreIsWrittenAgainForTheSameCertificate() throws Exception {
    ServerCertificate first = ServerCertificate.development(directory, LOOPBACK, Clock.systemUTC());
    Files.delete(directory.resolve("dev-truststore.p12"));

    ServerCertificate second = ServerCertificate.development(directory, LOOPBACK, Clock.systemUTC());

    assertThat(second.certificate()).isEqualTo(first.certificate());
    assertThat(directory.resolve("dev-truststore.p12")).exists();
  }

  @Test
  void development_aNewHostGetsANewCertificateThatStillNamesTheOldOnes() {
    ServerCertificate first =
        ServerCertificate.development(
            directory, List.of("localhost", "127.0.0.1", "::1", "one.test"), Clock.systemUTC());

    ServerCertificate second =
        ServerCertificate.development(
            directory, List.of("localhost", "127.0.0.1", "::1", "two.test"), Clock.systemUTC());
    ServerCertificate third =
        ServerCertificate.development(
            directory, List.of("localhost", "127.0.0.1", "::1", "one.test"), Clock.systemUTC());

    assertThat(second.certificate()).isNotEqualTo(first.certificate());
    assertThat(DevelopmentCertificate.subjectAltNames(second.certificate()))
        .containsExactly("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1", "two.test", "one.test");
    assertThat(third.certificate()).as("switching back reuses it").isEqualTo(second.certificate());
  }

  @Test
  void development_aCertificateAboutToExpireIsReplaced() {
    ServerCertificate first = ServerCertificate.development(directory, LOOPBACK, Clock.systemUTC());
    Clock later = Clock.offset(Clock.systemUTC(), DevelopmentCertificate.VALIDITY.minus(Duration.ofDays(10)));

    ServerCertificate second = ServerCertificate.development(directory, LOOPBACK, later);

    assertThat(second.certificate()).isNotEqualTo(first.certificate());
    assertThat(second.certificate().getNotAfter()).isAfter(first.certificate().getNotAfter());
  }

  @Test
  void development_anUnreadableCertificateStopsStartUpWithTheFix() throws Exception {
    ServerCertificate.development(directory, LOOPBACK, Clock.systemUTC());
    Files.writeString(directory.resolve("dev-cert.pem"), "not a certificate");

    assertThatThrownBy(() -> ServerCertificate.development(directory, LOOPBACK, Clock.systemUTC()))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining("dev-cert.pem")
        .hasMessageContaining("delete " + directory);
  }

  @Test
  void temporary_livesInATemporaryDirectoryUntilClosed() {
    ServerCertificate certificate = ServerCertificate.temporary(LOOPBACK, Clock.systemUTC());
    Path file = certificate.certificateFile();

    assertThat(certificate.source()).isEqualTo(ServerCertificate.Source.TEMPORARY);
    assertThat(file).exists();
    assertThat(Pem.readCertificates(file, "test")).containsExactly(certificate.certificate());

    certificate.close();

    assertThat(file.getParent()).doesNotExist();
  }

  @Test
  void operator_readsTheChainAndAPkcs1Key() throws Exception {
    TestPki pki = TestPki.create();
    TestPki.Issued issued = pki.issue("dialtone.operator.test");
    TestPki.PemFiles files = issued.written(directory);
    assertThat(Files.readString(files.key())).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    ServerCertificate certificate =
        ServerCertificate.resolve(
            TlsSettings.port(0).withCertificate(files.certificate(), files.key()),
            directory.resolve("data"),
            false,
            LOOPBACK,
            Clock.systemUTC());

    assertThat(certificate.source()).isEqualTo(ServerCertificate.Source.OPERATOR);
    assertThat(certificate.chain()).containsExactly(issued.certificate(), pki.ca());
    assertThat(certificate.certificateFile()).isEqualTo(files.certificate());
    assertThat(certificate.truststore()).isEmpty();
    assertThat(directory.resolve("data/tls")).doesNotExist();
  }

  @Test
  void operator_aKeyThatIsNotTheCertificatesIsRefused() throws Exception {
    TestPki pki = TestPki.create();
    TestPki.PemFiles files = pki.issue("one").written(directory);
    Path otherKey = directory.resolve("other-key.pem");
    Files.writeString(otherKey, TestPki.pem(pki.issue("two").key()));

    assertThatThrownBy(() -> ServerCertificate.operator(files.certificate(), otherKey, Clock.systemUTC()))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining("is not the key of the first certificate in " + files.certificate());
  }

  @Test
  void operator_filesWithoutPemBlocksAreRefusedByName() throws Exception {
    Path empty = Files.writeString(directory.resolve("empty.pem"), "nothing here\n");

    assertThatThrownBy(() -> ServerCertificate.operator(empty, empty, Clock.systemUTC()))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining(empty + " holds no PEM certificate");
  }

  @Test
  void operator_aMissingFileIsNamed() {
    Path missing = directory.resolve("missing.pem");

    assertThatThrownBy(() -> ServerCertificate.operator(missing, missing, Clock.systemUTC()))
        .isInstanceOf(TlsException.class)
        .hasMessage("the TLS certificate file " + missing + " does not exist");
  }

  @Test
  void settings_certificateAndKeyGoTogetherAndThePortIsChecked() {
    assertThatThrownBy(
            () -> new TlsSettings(8443, java.util.Optional.of(directory), java.util.Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tls-cert and tls-key go together");
    assertThatThrownBy(() -> TlsSettings.port(-2)).isInstanceOf(IllegalArgumentException.class);
    assertThat(TlsSettings.off().enabled()).isFalse();
    assertThat(TlsSettings.port(0).enabled()).isTrue();
  }
}
