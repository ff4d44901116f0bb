package dev.dialtone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialtone.server.tls.ServerCertificate;
import dev.dialtone.server.tls.TestPki;
import dev.dialtone.server.tls.TlsSettings;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTPS listener, on real sockets: trust, the certificate's names, reuse, the operator's PEM. */
class TlsServerTest {
  @TempDir static Path dataDir;
  static DialtoneServer server;
  static String https;

  static final String P2P =
      "{\"callbackUri\":\"http://127.0.0.1:9/callback\",\"targets\":[{\"identity\":{\"user\":{\"id\":\""
          + Demo.JOHN
          + "\"}}}],\"requestedModalities\":[\"audio\"],"
          + "\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"}}";

  @BeforeAll
  static void start() {
    server = DialtoneServer.start(ServerConfig.demo(dataDir).withPort(0).withTls(TlsSettings.port(0)));
    https = server.httpsBaseUrl().orElseThrow();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** An SSLContext that trusts these certificates and nothing else. */
  static SSLContext trusting(Certificate... certificates) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    for (int i = 0; i < certificates.length; i++) {
      trusted.setCertificateEntry("trusted-" + i, certificates[i]);
    }
    return trusting(trusted);
  }

  static SSLContext trusting(KeyStore trusted) throws Exception {
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trustManagers.getTrustManagers(), null);
    return context;
  }

  static X509Certificate readPem(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /** The certificate chain the server presents at {@code base}, to a client trusting {@code tls}. */
  static Certificate[] presented(String base, SSLContext tls) throws Exception {
    HttpResponse<String> response =
        HttpClient.newBuilder()
            .sslContext(tls)
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(base + "/health")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.sslSession().orElseThrow().getPeerCertificates();
  }

  @Test
  void aClientTrustingOnlyTheDevelopmentCertificate_getsATokenAndCreatesACallOverHttps() throws Exception {
    X509Certificate certificate = readPem(dataDir.resolve("tls/dev-cert.pem"));
    TestClient client = new TestClient(https, trusting(certificate));

    String token = client.token(Demo.CALLING_BOT, Demo.CONTOSO);
    TestClient.Response created = client.postJson("/v1.0/communications/calls", token, P2P);

    assertThat(https).startsWith("https://127.0.0.1:").isNotEqualTo(server.baseUrl().replace("http:", "https:"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.header("Location"))
        .startsWith(https + "/v1.0/communications/calls/")
        .endsWith(created.json().path("id").asText());
    assertThat(created.json().path("@odata.context").asText()).startsWith(https + "/v1.0/$metadata#");
  }

  @Test
  void theOpenIdConfigurationOverHttps_namesHttpsEndpoints() throws Exception {
    TestClient client = new TestClient(https, trusting(readPem(dataDir.resolve("tls/dev-cert.pem"))));

    TestClient.Response document = client.get("/" + Demo.CONTOSO + "/v2.0/.well-known/openid-configuration", "");

    assertThat(document.status()).isEqualTo(200);
    assertThat(document.json().path("token_endpoint").asText())
        .isEqualTo(https + "/" + Demo.CONTOSO + "/oauth2/v2.0/token");
  }

  @Test
  void plainHttp_stillServesTheSameRoutes() {
    TestClient client = new TestClient(server.baseUrl());

    TestClient.Response created =
        client.postJson("/v1.0/communications/calls", client.token(Demo.CALLING_BOT, Demo.CONTOSO), P2P);

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Location")).startsWith(server.baseUrl() + "/v1.0/communications/calls/");
  }

  @Test
  void aClientThatDoesNotTrustTheCertificate_failsTheHandshake() throws Exception {
    TestClient defaultTrust = new TestClient(https, SSLContext.getDefault());

    assertThatThrownBy(() -> defaultTrust.token(Demo.CALLING_BOT, Demo.CONTOSO))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void theJavaTruststore_trustsTheServerUnderTheDocumentedPassword() throws Exception {
    KeyStore truststore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(dataDir.resolve("tls/dev-truststore.p12"))) {
      truststore.load(in, "changeit".toCharArray());
    }

    TestClient client = new TestClient(https, trusting(truststore));

    assertThat(client.token(Demo.CALLING_BOT, Demo.CONTOSO)).isNotBlank();
  }

  @Test
  void thePresentedCertificate_isTheFileToTrustAndNamesTheLoopbackAddresses() throws Exception {
    X509Certificate certificate = readPem(dataDir.resolve("tls/dev-cert.pem"));

    Certificate[] chain = presented(https, trusting(certificate));

    assertThat(chain).containsExactly(certificate);
    assertThat(certificate.getSubjectAlternativeNames())
        .contains(
            java.util.List.of(2, "localhost"),
            java.util.List.of(7, "127.0.0.1"),
            java.util.List.of(7, "0:0:0:0:0:0:0:1"));
    assertThat(Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant()))
        .isBetween(Duration.ofDays(700), Duration.ofDays(760));
    assertThat(server.certificate().orElseThrow().certificateFile()).isEqualTo(dataDir.resolve("tls/dev-cert.pem"));
    // By name as well as by address.
    assertThat(presented(https.replace("127.0.0.1", "localhost"), trusting(certificate))).containsExactly(certificate);
  }

  @Test
  void aSecondStartOnTheSameDataDirectory_presentsTheSameCertificate(@TempDir Path data) throws Exception {
    ServerConfig config = ServerConfig.demo(data).withPort(0).withTls(TlsSettings.port(0));
    X509Certificate first;
    try (DialtoneServer one = DialtoneServer.start(config)) {
      first = readPem(data.resolve("tls/dev-cert.pem"));
      assertThat(presented(one.httpsBaseUrl().orElseThrow(), trusting(first))).containsExactly(first);
    }
    byte[] key = Files.readAllBytes(data.resolve("tls/dev-key.pem"));

    try (DialtoneServer two = DialtoneServer.start(config)) {
      assertThat(presented(two.httpsBaseUrl().orElseThrow(), trusting(first))).containsExactly(first);
    }
    assertThat(readPem(data.resolve("tls/dev-cert.pem"))).isEqualTo(first);
    assertThat(Files.readAllBytes(data.resolve("tls/dev-key.pem"))).isEqualTo(key);
  }

  @Test
  void theOperatorsPemCertificateAndKey_areServedWithTheirChain(@TempDir Path files) throws Exception {
    TestPki pki = TestPki.create();
    TestPki.Issued issued = pki.issue("dialtone.operator.test");
    TestPki.PemFiles pem = issued.written(files);
    ServerConfig config =
        ServerConfig.demo(files.resolve("data"))
            .withPort(0)
            .withInMemory(true)
            .withTls(TlsSettings.port(0).withCertificate(pem.certificate(), pem.key()));

    try (DialtoneServer operator = DialtoneServer.start(config)) {
      String base = operator.httpsBaseUrl().orElseThrow();
      // Trusting only the operator's CA: the server must send the chain it was given.
      SSLContext trustsTheCa = trusting(pki.ca());

      assertThat(presented(base, trustsTheCa)).containsExactly(issued.certificate(), pki.ca());
      assertThat(new TestClient(base, trustsTheCa).token(Demo.CALLING_BOT, Demo.CONTOSO)).isNotBlank();
      assertThat(operator.certificate().orElseThrow().source()).isEqualTo(ServerCertificate.Source.OPERATOR);
      assertThat(files.resolve("data/tls")).doesNotExist();
      String banner = banner(operator);
      assertThat(banner).contains("TLS certificate  " + pem.certificate() + "  (--tls-cert)");
      assertThat(banner).doesNotContain("truststore");
    }
  }

  @Test
  void inMemory_keepsTheCertificateInATemporaryDirectoryAndSaysSo(@TempDir Path data) throws Exception {
    ServerConfig config = ServerConfig.demo(data).withPort(0).withInMemory(true).withTls(TlsSettings.port(0));
    Path file;
    try (DialtoneServer temporary = DialtoneServer.start(config)) {
      ServerCertificate certificate = temporary.certificate().orElseThrow();
      file = certificate.certificateFile();

      assertThat(certificate.source()).isEqualTo(ServerCertificate.Source.TEMPORARY);
      assertThat(file.startsWith(data)).isFalse();
      assertThat(presented(temporary.httpsBaseUrl().orElseThrow(), trusting(readPem(file))))
          .containsExactly(certificate.certificate());
      assertThat(banner(temporary)).contains("TLS certificate  " + file + "  (development; --in-memory");
    }
    assertThat(file).doesNotExist();
    assertThat(data.resolve("tls")).doesNotExist();
  }

  @Test
  void theBanner_printsTheHttpsUrlsAndTheCertificateToTrust() {
    String banner = banner(server);
    String tls = dataDir.resolve("tls").toString();

    assertThat(banner).startsWith("Dialtone listening on " + server.baseUrl() + " and " + https + "\n");
    assertThat(banner).contains("                   " + https + "/v1.0\n");
    assertThat(banner).contains("                   " + https + "/" + Demo.CONTOSO + "/oauth2/v2.0/token\n");
    assertThat(banner).contains("  TLS certificate  " + tls + "/dev-cert.pem  (development;");
    assertThat(banner).contains("  Java truststore  " + tls + "/dev-truststore.p12  (password changeit)");
  }

  @Test
  void withHttpsOff_thereIsNoSecondListener(@TempDir Path data) {
    try (DialtoneServer plain = DialtoneServer.start(ServerConfig.demo(data).withPort(0).withInMemory(true))) {
      assertThat(plain.httpsBaseUrl()).isEmpty();
      assertThat(plain.httpsPort()).isEmpty();
      assertThat(banner(plain)).doesNotContain("https://127.0.0.1").doesNotContain("TLS certificate");
    }
  }

  @Test
  void anHttpsPortInUse_stopsStartUp(@TempDir Path data) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ServerConfig config =
          ServerConfig.demo(data).withPort(0).withInMemory(true).withTls(TlsSettings.port(taken.getLocalPort()));

      assertThatThrownBy(() -> DialtoneServer.start(config).close())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("HTTPS port " + taken.getLocalPort());
    }
  }

  private static String banner(DialtoneServer running) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Main.Banner.print(new PrintStream(out, true, StandardCharsets.UTF_8), running);
    return out.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
  }
}
