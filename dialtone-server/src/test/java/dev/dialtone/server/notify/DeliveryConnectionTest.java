package dev.dialtone.server.notify;

import dev.dialtone.server.MutableClock;
import static dev.dialtone.server.notify.Notifications.APP_ID;
import static dev.dialtone.server.notify.Notifications.TENANT_ID;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dialtone.engine.call.Delivery;
import dev.dialtone.engine.call.Notification;
import dev.dialtone.server.identity.SigningKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the dispatcher connects: only to addresses the delivery policy passed, by way of the
 * WebClient's DNS hook, with the URI's host in {@code Host}, SNI and the certificate check; and
 * what it makes of connections that fail, are reused, redirect or trickle.
 */
class DeliveryConnectionTest {
  private static final String NAME = "bot.example.test";
  private static final SigningKeys KEYS = SigningKeys.inMemory();
  private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

  @TempDir static Path directory;
  private static TestTls tls;
  private static TestTls otherName;

  private final MutableClock clock = new MutableClock(START);
  private final FakeOutbox outbox = new FakeOutbox();
  private final AtomicInteger lookups = new AtomicInteger();
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeAll
  static void certificates() throws Exception {
    tls = TestTls.forName(directory, NAME);
    otherName = TestTls.forName(directory, "other.example.test");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable resource : opened.reversed()) {
      resource.close();
    }
  }

  @Test
  void postsToTheAddressThePolicyPassed_withTheUrisHostInTheHostHeader() {
    TestBot bot = open(TestBot.http());
    NotificationDispatcher dispatcher = dispatcher(b -> b.resolver(answering("127.0.0.1")));
    Notification notification = add("call-1", bot.uri(NAME));

    dispatcher.deliverDueOnce();

    assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(bot.requests())
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.header("Host")).isEqualTo(NAME + ":" + bot.port());
              assertThat(request.header("Content-Type")).isEqualTo("application/json");
              assertThat(request.body()).contains("\"callChainId\"");
            });
    assertThat(lookups).hasValue(1);
  }

  @Test
  void https_sendsTheUrisHostAsSni_andChecksTheCertificateAgainstIt_notTheAddress() {
    TestBot bot = open(TestBot.https(tls.server()));
    NotificationDispatcher dispatcher =
        dispatcher(b -> b.resolver(answering("127.0.0.1")).sslContext(tls.client()));
    Notification notification = add("call-1", bot.uri(NAME));

    dispatcher.deliverDueOnce();

    assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(tls.serverNamesSeen()).containsOnly(NAME);
    assertThat(bot.requests().get(0).header("Host")).isEqualTo(NAME + ":" + bot.port());
  }

  @Test
  void https_certificateForAnotherName_isRefused_andRetried() {
    TestBot bot = open(TestBot.https(otherName.server()));
    NotificationDispatcher dispatcher =
        dispatcher(b -> b.resolver(answering("127.0.0.1")).sslContext(otherName.client()));
    Notification notification = add("call-1", bot.uri(NAME));

    dispatcher.deliverDueOnce();

    Delivery.Record record = outbox.record(notification.id());
    assertThat(record.state()).isEqualTo(Delivery.State.PENDING);
    assertThat(record.attempts().get(0).error())
        .hasValueSatisfying(error -> assertThat(error).contains(NAME));
    assertThat(bot.requests()).isEmpty();
  }

  @Test
  void nameResolvingToADeniedAddress_isGivenUp_withoutAConnection() throws Exception {
    RawServer server = open(new RawServer(socket -> answer(socket, "HTTP/1.1 202 Accepted")));
    NotificationDispatcher dispatcher =
        dispatcher(b -> b.policy(DeliveryPolicy.standard()).resolver(answering("127.0.0.1")));
    Notification notification = add("call-1", server.uri(NAME));

    dispatcher.deliverDueOnce();

    Delivery.Record record = outbox.record(notification.id());
    assertThat(record.state()).isEqualTo(Delivery.State.GAVE_UP);
    assertThat(record.attempts())
        .singleElement()
        .satisfies(
            attempt -> {
              assertThat(attempt.status()).isEmpty();
              assertThat(attempt.error())
                  .contains(
                      "denied by the delivery policy (rule loopback): 127.0.0.1 is a loopback"
                          + " address, and this policy does not allow loopback");
            });
    assertThat(server.connections()).isZero();
  }

  @Test
  void everyAddressOfTheName_mustPass_notJustTheOneConnectedTo() {
    TestBot bot = open(TestBot.http());
    NotificationDispatcher dispatcher =
        dispatcher(b -> b.resolver(answering("127.0.0.1", "169.254.169.254")));
    Notification notification = add("call-1", bot.uri(NAME));

    dispatcher.deliverDueOnce();

    assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.GAVE_UP);
    assertThat(outbox.record(notification.id()).attempts().get(0).error())
        .hasValueSatisfying(error -> assertThat(error).contains("rule cloud-metadata"));
    assertThat(bot.requests()).isEmpty();
  }

  @Test
  void keepsTheConnectionAlive_andReusesIt_withoutLookingTheNameUpAgain() {
    TestBot bot = open(TestBot.http());
    NotificationDispatcher dispatcher = dispatcher(b -> b.resolver(answering("127.0.0.1")));
    Notification first = add("call-1", bot.uri(NAME));
    dispatcher.deliverDueOnce();
    Notification second = add("call-2", bot.uri(NAME));
    dispatcher.deliverDueOnce();

    assertThat(outbox.record(first.id()).state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(outbox.record(second.id()).state()).isEqualTo(Delivery.State.DELIVERED);
    List<Integer> ports = bot.requests().stream().map(TestBot.Request::remotePort).toList();
    assertThat(ports).hasSize(2);
    assertThat(ports.get(1)).isEqualTo(ports.get(0));
    assertThat(lookups).hasValue(1);
  }

  @Test
  void everyNewConnection_isCheckedAgain_soANameRebindingAfterTheFirstPostIsCaught()
      throws Exception {
    RawServer server =
        open(
            new RawServer(
                socket -> {
                  readRequest(socket);
                  answer(socket, "HTTP/1.1 202 Accepted\r\nConnection: close");
                }));
    List<String> answers = List.of("127.0.0.1", "169.254.169.254");
    NotificationDispatcher dispatcher =
        dispatcher(
            b ->
                b.resolver(
                    counting(
                        host ->
                            List.of(
                                address(
                                    answers.get(Math.min(lookups.get(), answers.size()) - 1))))));
    Notification first = add("call-1", server.uri(NAME));
    dispatcher.deliverDueOnce();
    Notification second = add("call-2", server.uri(NAME));
    dispatcher.deliverDueOnce();

    assertThat(outbox.record(first.id()).state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(outbox.record(second.id()).state()).isEqualTo(Delivery.State.GAVE_UP);
    assertThat(outbox.record(second.id()).attempts().get(0).error())
        .hasValueSatisfying(error -> assertThat(error).contains("rule cloud-metadata"));
    assertThat(server.connections()).isEqualTo(1);
    assertThat(lookups).hasValue(2);
  }

  @Test
  void reusedConnectionTheServerClosed_isReplacedByANewOne() throws Exception {
    CountDownLatch firstClosed = new CountDownLatch(1);
    RawServer server =
        open(
            new RawServer(
                socket -> {
                  readRequest(socket);
                  answer(socket, "HTTP/1.1 202 Accepted");
                  socket.close(); // as an idle keep-alive connection is closed by its server
                  firstClosed.countDown();
                }));
    NotificationDispatcher dispatcher = dispatcher(b -> b);
    Notification first = add("call-1", server.uri("127.0.0.1"));
    dispatcher.deliverDueOnce();
    assertThat(firstClosed.await(5, TimeUnit.SECONDS)).isTrue();
    Notification second = add("call-2", server.uri("127.0.0.1"));
    dispatcher.deliverDueOnce();

    assertThat(outbox.record(first.id()).state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(outbox.record(second.id()).state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(server.connections()).isEqualTo(2);
  }

  @Test
  void pathAndQuery_areSentAsTheTargetHasThem() throws Exception {
    List<String> requestLines = new CopyOnWriteArrayList<>();
    RawServer server =
        open(
            new RawServer(
                socket -> {
                  requestLines.add(readRequest(socket));
                  answer(socket, "HTTP/1.1 202 Accepted");
                }));
    NotificationDispatcher dispatcher = dispatcher(b -> b);
    URI target = URI.create(server.uri("127.0.0.1") + "/a%2Fb%20c?tenant=x%26y&empty=&plus=a+b");
    Notification notification = add("call-1", target);

    dispatcher.deliverDueOnce();

    assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(requestLines)
        .containsExactly("POST /callback/a%2Fb%20c?tenant=x%26y&empty=&plus=a+b HTTP/1.1");
  }

  @Test
  void redirect_isNotFollowed_butRecordedAsAFailedAttempt() throws Exception {
    TestBot elsewhere = open(TestBot.http());
    RawServer server =
        open(
            new RawServer(
                socket -> {
                  readRequest(socket);
                  answer(socket, "HTTP/1.1 307 Temporary Redirect\r\nLocation: " + elsewhere.uri());
                  readRequest(socket);
                }));
    NotificationDispatcher dispatcher = dispatcher(b -> b);
    Notification notification = add("call-1", server.uri("127.0.0.1"));

    dispatcher.deliverDueOnce();

    Delivery.Record record = outbox.record(notification.id());
    assertThat(record.state()).isEqualTo(Delivery.State.PENDING);
    assertThat(record.attempts().get(0).status()).contains(307);
    assertThat(record.attempts().get(0).error()).contains("the bot answered 307");
    assertThat(elsewhere.requests()).isEmpty();
  }

  @Test
  void answerTrickledByteByByte_timesOutAtConnectPlusRequestTimeout() throws Exception {
    RawServer server =
        open(
            new RawServer(
                socket -> {
                  readRequest(socket);
                  OutputStream out = socket.getOutputStream();
                  // A slow-loris bot: every byte comes well within the read timeout.
                  for (byte b :
                      "HTTP/1.1 202 Accepted\r\nX-Slow: yes".getBytes(StandardCharsets.US_ASCII)) {
                    out.write(b);
                    out.flush();
                    sleep(Duration.ofMillis(100));
                  }
                }));
    NotificationDispatcher dispatcher =
        dispatcher(
            b -> b.connectTimeout(Duration.ofMillis(200)).requestTimeout(Duration.ofMillis(300)));
    Notification notification = add("call-1", server.uri("127.0.0.1"));

    dispatcher.deliverDueOnce();

    Delivery.Attempt attempt = outbox.record(notification.id()).attempts().get(0);
    assertThat(attempt.status()).isEmpty();
    assertThat(attempt.error())
        .contains(
            "timed out: the POST took longer than 500 ms (connect timeout + request timeout)");
    assertThat(attempt.latency())
        .isGreaterThanOrEqualTo(Duration.ofMillis(500))
        .isLessThan(Duration.ofSeconds(2));
    assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.PENDING);
  }

  @Test
  void headerValueThatCouldSplitTheRequest_isNeverSent() {
    TestBot bot = open(TestBot.http());
    NotificationDispatcher dispatcher = dispatcher(b -> b);
    Notification notification =
        new Notification(
            "n-1\r\nX-Injected: yes",
            "call-1",
            1,
            APP_ID,
            TENANT_ID,
            bot.uri(),
            Notifications.CHAIN_ID,
            Notifications.body("call-1", "established"),
            START);
    outbox.add(notification);

    dispatcher.deliverDueOnce();

    assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.GAVE_UP);
    assertThat(outbox.record(notification.id()).attempts().get(0).error())
        .hasValueSatisfying(error -> assertThat(error).startsWith("cannot build the request"));
    assertThat(bot.requests()).isEmpty();
  }

  @Test
  void connectTimeout_isRecordedAsAnError_andRetried() throws Exception {
    // A listener that never accepts, its backlog full: the kernel drops further SYNs.
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      try {
        for (int i = 0; i < 8; i++) {
          open(new Socket()).connect(full.getLocalSocketAddress(), 100);
        }
      } catch (IOException e) {
        // The backlog is full.
      }
      NotificationDispatcher dispatcher = dispatcher(b -> b.connectTimeout(Duration.ofMillis(300)));
      Notification notification =
          add("call-1", URI.create("http://127.0.0.1:" + full.getLocalPort() + "/callback"));

      dispatcher.deliverDueOnce();

      Delivery.Attempt attempt = outbox.record(notification.id()).attempts().get(0);
      assertThat(attempt.status()).isEmpty();
      assertThat(attempt.error())
          .contains(
              "timed out: could not connect to 127.0.0.1:"
                  + full.getLocalPort()
                  + " within 300 ms");
      assertThat(attempt.latency()).isLessThan(Duration.ofSeconds(2));
      assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.PENDING);
    }
  }

  private NotificationDispatcher dispatcher(
      UnaryOperator<NotificationDispatcher.Builder> settings) {
    return open(
        settings
            .apply(
                NotificationDispatcher.builder(outbox, CallbackTokens.standard(KEYS, clock))
                    .nodeId("node-a")
                    .clock(clock)
                    .policy(DeliveryPolicy.demo()))
            .build());
  }

  private Notification add(String callId, URI target) {
    Notification notification = Notifications.of(callId, 1, target, clock.instant());
    outbox.add(notification);
    return notification;
  }

  private <T extends AutoCloseable> T open(T resource) {
    opened.add(resource);
    return resource;
  }

  /** Answers {@link #NAME} with {@code addresses}, counting lookups; no other name resolves. */
  private Resolver answering(String... addresses) {
    return counting(host -> Arrays.stream(addresses).map(DeliveryConnectionTest::address).toList());
  }

  private Resolver counting(Resolver answers) {
    return host -> {
      if (!host.equals(NAME)) {
        throw new UnknownHostException(host + ": no such name in this test");
      }
      lookups.incrementAndGet();
      return answers.resolve(host);
    };
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByAddress(AddressBlock.literal(literal).orElseThrow());
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Reads a request off the socket; returns its request line. */
  private static String readRequest(Socket socket) throws IOException {
    BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    String requestLine = reader.readLine();
    int length = 0;
    String line;
    while ((line = reader.readLine()) != null && !line.isEmpty()) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    reader.skip(length);
    return requestLine;
  }

  /** Writes a status line and headers, and an empty body. */
  private static void answer(Socket socket, String head) throws IOException {
    socket
        .getOutputStream()
        .write((head + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A bot on a raw socket (127.0.0.1, port 0), for answers a real server would not give. */
  private static final class RawServer implements AutoCloseable {
    @FunctionalInterface
    interface Handler {
      void handle(Socket socket) throws IOException;
    }

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();

    RawServer(Handler handler) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual()
          .start(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket socket = server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual()
                        .start(
                            () -> {
                              try (socket) {
                                handler.handle(socket);
                              } catch (IOException e) {
                                // The client hung up.
                              }
                            });
                  } catch (IOException e) {
                    return; // Closed: the test is over.
                  }
                }
              });
    }

    URI uri(String host) {
      return URI.create("http://" + host + ":" + server.getLocalPort() + "/callback");
    }

    int connections() {
      return connections.get();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
