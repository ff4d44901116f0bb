package dev.dialtone.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.webclient.api.DnsAddressLookup;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class PolicyDnsResolverTest {
  private static final String NAME = "bot.example.test";
  private static final Resolver LOOPBACK =
      host -> List.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));

  @Test
  void returnsAnAddressThePolicyPassed_carryingTheHostNameForTls() {
    PolicyDnsResolver resolver = resolver(DeliveryPolicy.demo(), LOOPBACK);

    InetAddress address = resolver.resolveAddress(NAME, DnsAddressLookup.defaultLookup());

    assertThat(address.getAddress()).containsExactly(127, 0, 0, 1);
    assertThat(address.getHostName()).isEqualTo(NAME);
  }

  @Test
  void deniedAddress_failsTheConnectionWithThePolicysVerdict() {
    PolicyDnsResolver resolver = resolver(DeliveryPolicy.standard(), LOOPBACK);

    assertThatThrownBy(() -> resolver.resolveAddress(NAME, DnsAddressLookup.defaultLookup()))
        .isInstanceOfSatisfying(
            PolicyDnsResolver.Refusal.class,
            refusal ->
                assertThat(refusal.denied())
                    .hasValueSatisfying(
                        denied ->
                            assertThat(denied.rule()).isEqualTo(DeliveryPolicy.Rule.LOOPBACK)))
        .hasMessageStartingWith("denied by the delivery policy (rule loopback)");
  }

  @Test
  void addressLiteral_isCheckedWithoutALookup() {
    PolicyDnsResolver resolver =
        resolver(
            DeliveryPolicy.demo(),
            host -> {
              throw new AssertionError("looked up " + host);
            });

    InetAddress address = resolver.resolveAddress("[::1]", DnsAddressLookup.defaultLookup());

    assertThat(address.isLoopbackAddress()).isTrue();
    assertThatThrownBy(
            () -> resolver.resolveAddress("169.254.169.254", DnsAddressLookup.defaultLookup()))
        .hasMessageContaining("rule cloud-metadata");
  }

  @Test
  void slowLookup_failsAtTheTimeout_asAnAttemptToTryAgain() {
    PolicyDnsResolver resolver =
        new PolicyDnsResolver(
            DeliveryPolicy.demo(),
            host -> {
              LockSupport.parkNanos(Duration.ofSeconds(10).toNanos()); // a lookup that hangs
              return LOOPBACK.resolve(host);
            },
            Duration.ofMillis(100));
    long started = System.nanoTime();

    assertThatThrownBy(() -> resolver.resolveAddress(NAME, DnsAddressLookup.defaultLookup()))
        .isInstanceOfSatisfying(
            PolicyDnsResolver.Refusal.class, refusal -> assertThat(refusal.denied()).isEmpty())
        .hasMessage("could not resolve " + NAME + " within 100 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  private static PolicyDnsResolver resolver(DeliveryPolicy policy, Resolver names) {
    return new PolicyDnsResolver(policy, names, Duration.ofSeconds(5));
  }
}
