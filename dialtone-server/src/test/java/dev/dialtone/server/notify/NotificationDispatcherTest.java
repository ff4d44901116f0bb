package dev.dialtone.server.notify;

import dev.dialtone.server.MutableClock;
import static dev.dialtone.server.notify.Notifications.APP_ID;
import static dev.dialtone.server.notify.Notifications.CHAIN_ID;
import static dev.dialtone.server.notify.Notifications.TENANT_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.dialtone.engine.call.Delivery;
import dev.dialtone.engine.call.Notification;
import dev.dialtone.server.identity.SigningKeys;
import dev.dialtone.server.notify.FaultInjection.Faults;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NotificationDispatcherTest {
  private static final SigningKeys KEYS = SigningKeys.inMemory();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

  private final MutableClock clock = new MutableClock(START);
  private final FakeOutbox outbox = new FakeOutbox();
  private final FaultInjection faults = new FaultInjection();
  private final TestBot bot = TestBot.http();
  private final List<NotificationDispatcher> made = new ArrayList<>();
  private NotificationDispatcher dispatcher = dispatcher(builder -> builder);

  @AfterEach
  void tearDown() {
    made.forEach(NotificationDispatcher::close);
    bot.close();
  }

  @Test
  void deliversTheNotificationAsGraphDoes_body_headers_andRecordsIt() throws Exception {
    Notification notification = add("call-1", 1, bot.uri());

    assertThat(dispatcher.deliverDueOnce()).isEqualTo(1);

    TestBot.Request request = bot.requests().get(0);
    assertThat(JSON.readTree(request.body())).isEqualTo(notification.body());
    assertThat(request.headers())
        .containsEntry("content-type", "application/json")
        .containsEntry("accept", "application/json")
        .containsEntry("user-agent", "Dialtone/0.1 (Microsoft-Skype/3.0,(Calling/1.0) compatible)")
        .containsEntry("x-microsoft-skype-chain-id", CHAIN_ID)
        .containsEntry("x-microsoft-skype-message-id", notification.id())
        .containsEntry("client-request-id", notification.id());
    assertThat(request.header("Authorization")).startsWith("Bearer ");
    Delivery.Record record = outbox.record(notification.id());
    assertThat(record.state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(record.attempts())
        .singleElement()
        .satisfies(
            attempt -> {
              assertThat(attempt.number()).isEqualTo(1);
              assertThat(attempt.at()).isEqualTo(START);
              assertThat(attempt.status()).contains(202);
              assertThat(attempt.error()).isEmpty();
              assertThat(attempt.latency()).isPositive();
            });
  }

  @Test
  void unsigned_sendsTheNotificationWithoutAnAuthorizationHeader_andOtherwiseAlike() {
    dispatcher = dispatcher(builder -> builder.signed(false));
    Notification notification = add("call-1", 1, bot.uri());

    dispatcher.deliverDueOnce();

    TestBot.Request request = bot.requests().get(0);
    assertThat(request.header("Authorization")).isNull();
    assertThat(request.headers()).containsEntry("x-microsoft-skype-message-id", notification.id());
    assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.DELIVERED);
  }

  @Test
  void token_verifiesAgainstThePublishedJwks_withAudienceTenantAndIssuer() throws Exception {
    add("call-1", 1, bot.uri());
    dispatcher.deliverDueOnce();

    JWTClaimsSet claims = verify(bearer(bot.requests().get(0)), KEYS.publicJwks());

    assertThat(claims.getAudience()).containsExactly(APP_ID);
    assertThat(claims.getStringClaim("tid")).isEqualTo(TENANT_ID);
    assertThat(claims.getIssuer()).isEqualTo("https://api.botframework.com");
  }

  @Test
  void token_doesNotVerifyAgainstAnotherKeySet_evenUnderTheSameKeyId() throws Exception {
    add("call-1", 1, bot.uri());
    dispatcher.deliverDueOnce();
    String token = bearer(bot.requests().get(0));
    RSAKey other = (RSAKey) JWKSet.parse(SigningKeys.inMemory().publicJwks()).getKeys().get(0);
    String impostor =
        new JWKSet(new RSAKey.Builder(other).keyID(KEYS.currentKeyId()).build()).toString();

    assertThatThrownBy(() -> verify(token, impostor))
        .isInstanceOf(BadJWSException.class)
        .hasMessageContaining("Invalid signature");
    assertThatThrownBy(() -> verify(token, SigningKeys.inMemory().publicJwks()))
        .hasMessageContaining("no matching key");
  }

  @Test
  void redeliversNotificationWhenTheBotAnswers503ThreeTimes_andRecordsEveryAttempt() {
    bot.respond(request -> request.copy() <= 3 ? 503 : 202);
    Notification notification = add("call-1", 1, bot.uri());

    for (long delay : new long[] {1, 2, 4}) {
      assertThat(dispatcher.deliverDueOnce()).isEqualTo(1);
      clock.advance(Duration.ofSeconds(delay).minusMillis(1));
      assertThat(dispatcher.deliverDueOnce()).as("not due yet").isZero();
      clock.advance(Duration.ofMillis(1));
    }
    assertThat(dispatcher.deliverDueOnce()).isEqualTo(1);

    Delivery.Record record = outbox.record(notification.id());
    assertThat(record.state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(record.attempts()).extracting(Delivery.Attempt::number).containsExactly(1, 2, 3, 4);
    assertThat(record.attempts())
        .extracting(Delivery.Attempt::status)
        .containsExactly(Optional.of(503), Optional.of(503), Optional.of(503), Optional.of(202));
    assertThat(record.attempts())
        .extracting(Delivery.Attempt::at)
        .containsExactly(START, START.plusSeconds(1), START.plusSeconds(3), START.plusSeconds(7));
    assertThat(record.attempts()).allSatisfy(attempt -> assertThat(attempt.latency()).isPositive());
    assertThat(record.attempts().get(0).error()).contains("the bot answered 503");
    assertThat(outbox.outcomes(notification.id()))
        .containsExactly(
            new Delivery.Outcome.RetryAt(START.plusSeconds(1)),
            new Delivery.Outcome.RetryAt(START.plusSeconds(3)),
            new Delivery.Outcome.RetryAt(START.plusSeconds(7)),
            new Delivery.Outcome.Delivered());
    assertThat(bot.requests())
        .extracting(TestBot.Request::messageId)
        .containsOnly(notification.id());
  }

  @Test
  void attemptNumbers_continueFromTheOutbox_onAnotherNode() {
    bot.respond(request -> request.copy() == 1 ? 503 : 202);
    Notification notification = add("call-1", 1, bot.uri());
    dispatcher.deliverDueOnce();
    clock.advance(Duration.ofSeconds(1));

    try (NotificationDispatcher other = dispatcher(builder -> builder.nodeId("node-b"))) {
      other.deliverDueOnce();
    }

    assertThat(outbox.record(notification.id()).attempts())
        .extracting(Delivery.Attempt::number)
        .containsExactly(1, 2);
  }

  @Test
  void anAttemptWhoseLeaseAnotherNodeTookOver_isDropped_andLeavesThatNodesLeaseAlone() {
    Notification notification = add("call-1", 1, bot.uri());
    // The attempt outlives its lease (a stalled node), and node-b claims the notification.
    bot.respond(
        request -> {
          clock.advance(Duration.ofSeconds(31));
          outbox.claimNotifications("node-b", clock.instant(), Duration.ofSeconds(30), 10);
          return 202;
        });

    assertThat(dispatcher.deliverDueOnce()).isEqualTo(1);

    Delivery.Record record = outbox.record(notification.id());
    assertThat(record.state()).isEqualTo(Delivery.State.PENDING);
    assertThat(record.attempts()).isEmpty();
    assertThat(
            outbox.recordAttempt(
                "node-b",
                new Delivery.Attempt(
                    notification.id(),
                    1,
                    clock.instant(),
                    Optional.of(202),
                    Duration.ofMillis(1),
                    Optional.empty()),
                new Delivery.Outcome.Delivered()))
        .isTrue();
  }

  @Test
  void timeout_isRecordedAsAnError_andRetried() {
    CountDownLatch release = new CountDownLatch(1);
    bot.respond(request -> request.copy() == 1 ? answerWhenReleased(release) : 202);
    dispatcher = dispatcher(builder -> builder.requestTimeout(Duration.ofMillis(300)));
    Notification notification = add("call-1", 1, bot.uri());
    try {
      dispatcher.deliverDueOnce();

      Delivery.Attempt first = outbox.record(notification.id()).attempts().get(0);
      assertThat(first.status()).isEmpty();
      assertThat(first.error()).contains("timed out: no answer within 300 ms");
      assertThat(first.latency()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
      assertThat(outbox.outcomes(notification.id()))
          .containsExactly(new Delivery.Outcome.RetryAt(START.plusSeconds(1)));
    } finally {
      release.countDown();
    }
    clock.advance(Duration.ofSeconds(1));
    dispatcher.deliverDueOnce();

    assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.DELIVERED);
  }

  @Test
  void connectionRefused_isRecordedAsAnError_andRetried() {
    URI nobodyListens = bot.uri();
    bot.close();
    Notification notification = add("call-1", 1, nobodyListens);

    dispatcher.deliverDueOnce();

    assertThat(outbox.record(notification.id()).attempts().get(0).error())
        .hasValueSatisfying(error -> assertThat(error).contains("could not connect to 127.0.0.1"));
    assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.PENDING);
  }

  @Test
  void givesUp_whenTheNextAttemptWouldStartPastTheHorizon() {
    bot.respond(request -> 503);
    Notification notification = add("call-1", 1, bot.uri());

    for (int round = 0; round < 100 && pending(notification); round++) {
      dispatcher.deliverDueOnce();
      outbox.record(notification.id()).nextAttemptAt().ifPresent(clock::set);
    }

    Delivery.Record record = outbox.record(notification.id());
    assertThat(record.state()).isEqualTo(Delivery.State.GAVE_UP);
    assertThat(record.attempts()).hasSize(65);
    assertThat(record.attempts().get(64).at()).isEqualTo(START.plusSeconds(3543));
    assertThat(outbox.outcomes(notification.id())).last().isEqualTo(new Delivery.Outcome.GaveUp());
  }

  @Test
  void perCallOrderHoldsAcrossRetries_whileOtherCallsGoAhead() {
    Notification first = add("call-1", 1, bot.uri());
    Notification second = add("call-1", 2, bot.uri());
    Notification otherCall = add("call-2", 1, bot.uri());
    bot.respond(
        request -> request.messageId().equals(first.id()) && request.copy() <= 2 ? 503 : 202);

    assertThat(dispatcher.deliverDueOnce()).isEqualTo(2); // first (503) and otherCall, not second
    assertThat(dispatcher.deliverDueOnce()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(dispatcher.deliverDueOnce()).isEqualTo(1); // first again: 503
    clock.advance(Duration.ofSeconds(2));
    assertThat(dispatcher.deliverDueOnce()).isEqualTo(1); // first: 202
    assertThat(dispatcher.deliverDueOnce()).isEqualTo(1); // only now second

    List<String> callOne =
        bot.exchanges().stream()
            .map(exchange -> exchange.request().messageId() + " " + exchange.status())
            .filter(line -> !line.startsWith(otherCall.id()))
            .toList();
    assertThat(callOne)
        .containsExactly(
            first.id() + " 503", first.id() + " 503", first.id() + " 202", second.id() + " 202");
    assertThat(outbox.record(otherCall.id()).state()).isEqualTo(Delivery.State.DELIVERED);
  }

  @Test
  void policy_deniesTheCloudMetadataAddress_onceAndForAll() {
    Notification notification =
        add("call-1", 1, URI.create("http://169.254.169.254/latest/meta-data/"));

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
                      "denied by the delivery policy (rule cloud-metadata): 169.254.169.254 is a"
                          + " cloud metadata address");
            });
  }

  @Test
  void policy_deniesADenyListedHost_withoutLookingItUp() {
    dispatcher =
        dispatcher(
            builder ->
                builder
                    .policy(
                        DeliveryPolicy.builder()
                            .allowLoopback(true)
                            .deny(List.of("bot.blocked.test"))
                            .build())
                    .resolver(
                        host -> {
                          throw new AssertionError("looked up " + host);
                        }));
    Notification notification = add("call-1", 1, bot.uri("bot.blocked.test"));

    dispatcher.deliverDueOnce();

    assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.GAVE_UP);
    assertThat(outbox.record(notification.id()).attempts().get(0).error())
        .hasValueSatisfying(error -> assertThat(error).contains("rule deny-list"));
    assertThat(bot.requests()).isEmpty();
  }

  @Test
  void policy_allowsLoopbackOnlyWhenItSaysSo() {
    dispatcher = dispatcher(builder -> builder.policy(DeliveryPolicy.standard()));
    Notification denied = add("call-1", 1, bot.uri());
    dispatcher.deliverDueOnce();
    dispatcher.close();
    dispatcher = dispatcher(builder -> builder.policy(DeliveryPolicy.demo()));
    Notification allowed = add("call-2", 1, bot.uri());
    dispatcher.deliverDueOnce();

    assertThat(outbox.record(denied.id()).state()).isEqualTo(Delivery.State.GAVE_UP);
    assertThat(outbox.record(denied.id()).attempts().get(0).error())
        .hasValueSatisfying(error -> assertThat(error).contains("rule loopback"));
    assertThat(outbox.record(allowed.id()).state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(bot.requests()).extracting(TestBot.Request::messageId).containsExactly(allowed.id());
  }

  @Test
  void nameThatResolvesToTheMetadataAddress_isDeniedWithoutConnecting() {
    dispatcher =
        dispatcher(
            builder -> builder.resolver(answering("rebind.attacker.test", "169.254.169.254")));
    Notification notification =
        add("call-1", 1, URI.create("http://rebind.attacker.test/callback"));

    dispatcher.deliverDueOnce();

    assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.GAVE_UP);
    assertThat(outbox.record(notification.id()).attempts().get(0).error())
        .hasValueSatisfying(error -> assertThat(error).contains("rule cloud-metadata"));
  }

  @Test
  void resolvesOnce_andPostsToTheCheckedAddress_withTheOriginalHost() {
    AtomicInteger lookups = new AtomicInteger();
    Resolver resolver = answering("bot.example.test", "127.0.0.1");
    dispatcher =
        dispatcher(
            builder ->
                builder.resolver(
                    host -> {
                      lookups.incrementAndGet();
                      return resolver.resolve(host);
                    }));
    Notification notification = add("call-1", 1, bot.uri("bot.example.test"));

    dispatcher.deliverDueOnce();

    assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(bot.requests().get(0).header("Host")).isEqualTo("bot.example.test:" + bot.port());
    assertThat(lookups).hasValue(1);
  }

  @Test
  void unknownHost_isRecordedAsAnError_andRetried() {
    dispatcher =
        dispatcher(builder -> builder.resolver(answering("bot.example.test", "127.0.0.1")));
    Notification notification = add("call-1", 1, URI.create("https://gone.example.test/callback"));

    dispatcher.deliverDueOnce();

    assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.PENDING);
    assertThat(outbox.record(notification.id()).attempts().get(0).error())
        .hasValueSatisfying(
            error -> assertThat(error).startsWith("cannot resolve gone.example.test"));
  }

  @Test
  void chainIdHeader_isTheNotificationsChainId_notWhatTheBodySays() {
    Notification plain = add("call-1", 1, bot.uri());
    Notification otherChain =
        new Notification(
            "n-2",
            "call-2",
            1,
            APP_ID,
            TENANT_ID,
            bot.uri(),
            "call-2",
            Notifications.body("call-2", "establishing"),
            START);
    outbox.add(otherChain);

    dispatcher.deliverDueOnce();

    assertThat(bot.requests())
        .extracting(
            request -> request.messageId() + " " + request.header("X-Microsoft-Skype-Chain-ID"))
        .containsExactlyInAnyOrder(plain.id() + " " + CHAIN_ID, "n-2 call-2");
  }

  @Test
  void faultDuplicate_postsTheSameNotificationTwice_withOneId() {
    faults.setForApplication(APP_ID, Faults.none().withDuplicate(true));
    Notification notification = add("call-1", 1, bot.uri());

    dispatcher.deliverDueOnce();

    assertThat(bot.requests())
        .extracting(TestBot.Request::messageId)
        .containsExactly(notification.id(), notification.id());
    Delivery.Record record = outbox.record(notification.id());
    assertThat(record.state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(record.attempts())
        .singleElement()
        .satisfies(
            attempt ->
                assertThat(attempt.error())
                    .contains("duplicated by fault injection; the second POST answered 202"));
  }

  @Test
  void faultFailNext_answers503WithoutSending_thenDelivers() {
    faults.setForCall("call-1", Faults.none().withFailNext(2));
    Notification notification = add("call-1", 1, bot.uri());

    dispatcher.deliverDueOnce();
    clock.advance(Duration.ofSeconds(1));
    dispatcher.deliverDueOnce();
    assertThat(bot.requests()).isEmpty();
    clock.advance(Duration.ofSeconds(2));
    dispatcher.deliverDueOnce();

    Delivery.Record record = outbox.record(notification.id());
    assertThat(record.state()).isEqualTo(Delivery.State.DELIVERED);
    assertThat(record.attempts())
        .extracting(Delivery.Attempt::status)
        .containsExactly(Optional.of(503), Optional.of(503), Optional.of(202));
    assertThat(record.attempts().get(0).error())
        .contains("503 injected by fault injection, not sent (1 more to fail)");
    assertThat(bot.requests()).hasSize(1);
    assertThat(faults.forCall("call-1")).isEmpty();
  }

  @Test
  void faultDrop_recordsAFailedAttemptTheBotNeverSees_andRetries() {
    faults.setForApplication(APP_ID, Faults.none().withDrop(true));
    Notification notification = add("call-1", 1, bot.uri());

    dispatcher.deliverDueOnce();

    assertThat(bot.requests()).isEmpty();
    assertThat(outbox.record(notification.id()).attempts())
        .singleElement()
        .satisfies(
            attempt -> {
              assertThat(attempt.status()).isEmpty();
              assertThat(attempt.error()).contains("dropped by fault injection");
            });
    assertThat(outbox.outcomes(notification.id()))
        .containsExactly(new Delivery.Outcome.RetryAt(START.plusSeconds(1)));

    faults.setForApplication(APP_ID, Faults.none());
    clock.advance(Duration.ofSeconds(1));
    dispatcher.deliverDueOnce();
    assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.DELIVERED);
  }

  @Test
  void running_wakeDeliversAtOnce_andAFinishedAttemptFreesTheNextOfItsCall() {
    // An hour between polls: only wake() and finished attempts can make the loop claim.
    dispatcher = dispatcher(builder -> builder.pollInterval(Duration.ofHours(1)));
    dispatcher.start();
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> outbox.claims() >= 1); // it polled, found nothing
    Notification first = add("call-1", 1, bot.uri());
    Notification second = add("call-1", 2, bot.uri());

    dispatcher.wake();

    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(() -> outbox.record(second.id()).state() == Delivery.State.DELIVERED);
    assertThat(bot.requests())
        .extracting(TestBot.Request::messageId)
        .containsExactly(first.id(), second.id());
  }

  @Test
  void close_letsTheAttemptInFlightFinishAndRecordIt() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    bot.respond(
        request -> {
          arrived.countDown();
          return answerWhenReleased(release);
        });
    dispatcher.start();
    Notification notification = add("call-1", 1, bot.uri());
    dispatcher.wake();
    assertThat(arrived.await(5, TimeUnit.SECONDS)).isTrue();

    Thread closing = Thread.ofVirtual().start(dispatcher::close);
    await()
        .atMost(5, TimeUnit.SECONDS)
        .until(
            () ->
                closing.getState() == Thread.State.WAITING
                    || closing.getState() == Thread.State.TIMED_WAITING);
    release.countDown();
    closing.join(Duration.ofSeconds(5));

    assertThat(closing.isAlive()).isFalse();
    assertThat(outbox.record(notification.id()).state()).isEqualTo(Delivery.State.DELIVERED);
    assertThatThrownBy(dispatcher::deliverDueOnce).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void leaseNoLongerThanTheLongestAttempt_isRejected() {
    assertThatThrownBy(() -> dispatcher(builder -> builder.lease(Duration.ofSeconds(25))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the lease (PT25S) must be longer than the longest attempt (PT25S");
  }

  private NotificationDispatcher dispatcher(
      UnaryOperator<NotificationDispatcher.Builder> settings) {
    NotificationDispatcher made =
        settings
            .apply(
                NotificationDispatcher.builder(outbox, CallbackTokens.standard(KEYS, clock))
                    .nodeId("node-a")
                    .clock(clock)
                    .policy(DeliveryPolicy.demo())
                    .faults(faults))
            .build();
    this.made.add(made);
    return made;
  }

  private Notification add(String callId, long sequence, URI target) {
    Notification notification = Notifications.of(callId, sequence, target, clock.instant());
    outbox.add(notification);
    return notification;
  }

  private boolean pending(Notification notification) {
    return outbox.record(notification.id()).state() == Delivery.State.PENDING;
  }

  private JWTClaimsSet verify(String token, String jwks) throws Exception {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            JWSAlgorithm.RS256, new ImmutableJWKSet<>(JWKSet.parse(jwks))));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<SecurityContext>(
            APP_ID,
            new JWTClaimsSet.Builder()
                .issuer("https://api.botframework.com")
                .claim("tid", TENANT_ID)
                .build(),
            Set.of("iat", "nbf", "exp", "jti")) {
          @Override
          protected Date currentTime() {
            return Date.from(clock.instant());
          }
        });
    return processor.process(token, null);
  }

  private static String bearer(TestBot.Request request) {
    return request.header("Authorization").substring("Bearer ".length());
  }

  private static int answerWhenReleased(CountDownLatch release) {
    try {
      release.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 202;
  }

  private static Resolver answering(String name, String address) {
    Map<String, String> names = Map.of(name, address);
    return host -> {
      String literal = names.get(host);
      if (literal == null) {
        throw new UnknownHostException(host + ": no such name in this test");
      }
      return List.of(InetAddress.getByAddress(AddressBlock.literal(literal).orElseThrow()));
    };
  }
}
