package dev.dialtone.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinnedHttpClientTest {
  private static final String NAME = "bot.example.test";
  private static final byte[] BODY = "{\"value\":[]}".getBytes(StandardCharsets.UTF_8);
  private static final Map<String, String> HEADERS = Map.of("Content-Type", "application/json");

  @TempDir static Path directory;
  private static TestTls tls;
  private static TestTls otherName;

  private final InetAddress loopback = InetAddress.getLoopbackAddress();
  private PinnedHttpClient client = client(defaultContext(), Duration.ofSeconds(5));

  @BeforeAll
  static void certificates() throws Exception {
    tls = TestTls.forName(directory, NAME);
    otherName = TestTls.forName(directory, "other.example.test");
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  @Test
  void connectsToTheGivenAddress_withTheUrisHostInTheHostHeader() throws Exception {
    try (TestBot bot = TestBot.http()) {
      int status = client.post(bot.uri(NAME), List.of(loopback), HEADERS, BODY).status();

      assertThat(status).isEqualTo(202);
      assertThat(bot.requests())
          .singleElement()
          .satisfies(
              request -> {
                assertThat(request.header("Host")).isEqualTo(NAME + ":" + bot.port());
                assertThat(request.body()).isEqualTo("{\"value\":[]}");
                assertThat(request.header("Content-Type")).isEqualTo("application/json");
              });
    }
  }

  @Test
  void https_checksTheCertificateAgainstTheUrisHost_notTheAddressConnectedTo() throws Exception {
    client = client(tls.client(), Duration.ofSeconds(5));
    try (TestBot bot = TestBot.https(tls.server())) {
      int status = client.post(bot.uri(NAME), List.of(loopback), HEADERS, BODY).status();

      assertThat(status).isEqualTo(202);
      assertThat(bot.requests().get(0).header("Host")).isEqualTo(NAME + ":" + bot.port());
    }
  }

  @Test
  void https_certificateForAnotherName_isRefused() {
    client = client(otherName.client(), Duration.ofSeconds(5));
    try (TestBot bot = TestBot.https(otherName.server())) {
      assertThatThrownBy(() -> client.post(bot.uri(NAME), List.of(loopback), HEADERS, BODY))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining(NAME);
      assertThat(bot.requests()).isEmpty();
    }
  }

  @Test
  void keepsTheConnectionAlive_andReusesIt() throws Exception {
    try (TestBot bot = TestBot.http()) {
      client.post(bot.uri(), List.of(loopback), HEADERS, BODY);
      client.post(bot.uri(), List.of(loopback), HEADERS, BODY);

      List<Integer> ports = bot.requests().stream().map(TestBot.Request::remotePort).toList();
      assertThat(ports).hasSize(2);
      assertThat(ports.get(1)).isEqualTo(ports.get(0));
    }
  }

  @Test
  void triesTheNextAddress_whenOneRefuses() throws Exception {
    try (TestBot bot = TestBot.http()) {
      InetAddress nobodyListens = InetAddress.getByName("::1");

      int status = client.post(bot.uri(), List.of(nobodyListens, loopback), HEADERS, BODY).status();

      assertThat(status).isEqualTo(202);
    }
  }

  @Test
  void reusedConnectionTheServerClosed_isSentAgainOnANewOne() throws Exception {
    CountDownLatch firstClosed = new CountDownLatch(1);
    AtomicInteger connections = new AtomicInteger();
    try (ServerSocket server = new ServerSocket(0, 50, loopback)) {
      Thread.ofVirtual()
          .start(
              () -> {
                try {
                  while (true) {
                    Socket socket = server.accept();
                    int number = connections.incrementAndGet();
                    readRequest(socket);
                    answer(socket, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n");
                    if (number == 1) {
                      socket.close(); // as an idle keep-alive connection is closed by its server
                      firstClosed.countDown();
                    } else {
                      readRequest(socket);
                    }
                  }
                } catch (IOException e) {
                  // The test is over.
                }
              });
      URI target = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/callback");

      assertThat(client.post(target, List.of(loopback), HEADERS, BODY).status()).isEqualTo(202);
      assertThat(firstClosed.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(client.post(target, List.of(loopback), HEADERS, BODY).status()).isEqualTo(202);
      assertThat(connections.get()).isEqualTo(2);
    }
  }

  @Test
  void answerTrickledByteByByte_timesOutAtTheRequestTimeout() throws Exception {
    client = client(defaultContext(), Duration.ofMillis(300));
    try (ServerSocket server = new ServerSocket(0, 50, loopback)) {
      Thread.ofVirtual()
          .start(
              () -> {
                try (Socket socket = server.accept()) {
                  readRequest(socket);
                  OutputStream out = socket.getOutputStream();
                  for (byte b :
                      "HTTP/1.1 202 Accepted\r\nX-Slow: yes".getBytes(StandardCharsets.US_ASCII)) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(
                        100); // a slow-loris server; this thread is the bot, not the code under
                    // test
                  }
                } catch (IOException | InterruptedException e) {
                  // The client hung up, as it should.
                }
              });
      URI target = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/callback");
      long started = System.nanoTime();

      assertThatThrownBy(() -> client.post(target, List.of(loopback), HEADERS, BODY))
          .isInstanceOf(HttpTimeoutException.class)
          .hasMessage("no answer within 300 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void headerValueWithALineBreak_isRefusedBeforeSending() {
    URI target = URI.create("http://127.0.0.1:9/callback");

    assertThatThrownBy(
            () -> client.post(target, List.of(loopback), Map.of("X-Evil", "a\r\nHost: x"), BODY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("X-Evil holds a control");
  }

  private static PinnedHttpClient client(SSLContext ssl, Duration requestTimeout) {
    return new PinnedHttpClient(ssl, Duration.ofSeconds(5), requestTimeout);
  }

  private static void readRequest(Socket socket) throws IOException {
    BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    int length = 0;
    String line;
    while ((line = reader.readLine()) != null && !line.isEmpty()) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    reader.skip(length);
  }

  private static void answer(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  private static SSLContext defaultContext() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
