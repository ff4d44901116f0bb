package dev.dialtone.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DevelopmentCertificateTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

  @Test
  void names_areTheLoopbackNamesAndTheConfiguredHost() {
    assertThat(DevelopmentCertificate.names("127.0.0.1", Optional.empty()))
        .containsExactly("localhost", "127.0.0.1", "::1");
    assertThat(DevelopmentCertificate.names("Dialtone.Example", Optional.empty()))
        .containsExactly("localhost", "127.0.0.1", "::1", "dialtone.example");
    assertThat(DevelopmentCertificate.names("192.168.1.20", Optional.empty()))
        .containsExactly("localhost", "127.0.0.1", "::1", "192.168.1.20");
    assertThat(DevelopmentCertificate.names("[::1]", Optional.empty()))
        .containsExactly("localhost", "127.0.0.1", "::1");
  }

  @Test
  void names_skipWildcardAddressesAndAddThePublicUrlsHost() {
    assertThat(DevelopmentCertificate.names("0.0.0.0", Optional.empty()))
        .containsExactly("localhost", "127.0.0.1", "::1");
    assertThat(DevelopmentCertificate.names("::", Optional.of("https://dialtone.test:8443/")))
        .containsExactly("localhost", "127.0.0.1", "::1", "dialtone.test");
  }

  @Test
  void generate_makesASelfSignedServerCertificateForTheNamesValidForAboutTwoYears() throws Exception {
    X509Certificate certificate =
        DevelopmentCertificate.generate(
                List.of("localhost", "127.0.0.1", "::1", "dialtone.test", "10.1.2.3"), CLOCK)
            .certificate();

    assertThat(DevelopmentCertificate.subjectAltNames(certificate))
        .containsExactly("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1", "dialtone.test", "10.1.2.3");
    assertThat(certificate.getSubjectAlternativeNames())
        .contains(List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
    assertThat(Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()))
        .isBetween(Duration.ofDays(720), Duration.ofDays(740));
    assertThat(certificate.getNotBefore().toInstant()).isBefore(CLOCK.instant());
    assertThat(certificate.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
    certificate.verify(certificate.getPublicKey());
  }

  @Test
  void covers_comparesIpAddressesByValueAndDnsNamesWithoutCase() {
    X509Certificate certificate =
        DevelopmentCertificate.generate(List.of("localhost", "127.0.0.1", "::1"), CLOCK).certificate();

    assertThat(DevelopmentCertificate.covers(certificate, List.of("LOCALHOST", "0:0:0:0:0:0:0:1", "::1")))
        .isTrue();
    assertThat(DevelopmentCertificate.covers(certificate, List.of("localhost", "dialtone.test"))).isFalse();
  }
}
