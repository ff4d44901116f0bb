package dev.dialtone.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialtone.server.notify.DeliveryPolicy.Rule;
import dev.dialtone.server.notify.DeliveryPolicy.Verdict;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryPolicyTest {
  private final DeliveryPolicy standard = DeliveryPolicy.standard();

  @Test
  void cloudMetadataAddress_isDenied() {
    assertThat(denial(standard.checkTarget(URI.create("http://169.254.169.254/latest/meta-data"))))
        .isEqualTo(Rule.CLOUD_METADATA);
    assertThat(denial(standard.checkTarget(URI.create("http://[fd00:ec2::254]/"))))
        .isEqualTo(Rule.CLOUD_METADATA);
    assertThat(denial(standard.checkTarget(URI.create("http://metadata.google.internal/"))))
        .isEqualTo(Rule.CLOUD_METADATA);
    assertThat(denial(standard.checkTarget(URI.create("http://METADATA.google.internal./"))))
        .isEqualTo(Rule.CLOUD_METADATA);
  }

  @Test
  void metadataAddress_isDeniedEvenWhenTheAllowListNamesIt() {
    DeliveryPolicy policy = DeliveryPolicy.builder().allow(List.of("169.254.0.0/16")).build();

    assertThat(denial(policy.checkTarget(URI.create("https://169.254.169.254/"))))
        .isEqualTo(Rule.CLOUD_METADATA);
  }

  @Test
  void linkLocalUnspecifiedAndMulticast_areDenied() {
    assertThat(denial(standard.checkTarget(URI.create("https://169.254.10.1/"))))
        .isEqualTo(Rule.LINK_LOCAL);
    assertThat(denial(standard.checkTarget(URI.create("https://[fe80::1]/"))))
        .isEqualTo(Rule.LINK_LOCAL);
    assertThat(denial(standard.checkTarget(URI.create("https://0.0.0.0/"))))
        .isEqualTo(Rule.UNSPECIFIED);
    assertThat(denial(standard.checkTarget(URI.create("https://[::]/"))))
        .isEqualTo(Rule.UNSPECIFIED);
    assertThat(denial(standard.checkTarget(URI.create("https://224.0.0.1/"))))
        .isEqualTo(Rule.MULTICAST);
    assertThat(denial(standard.checkTarget(URI.create("https://[ff02::1]/"))))
        .isEqualTo(Rule.MULTICAST);
    assertThat(denial(standard.checkTarget(URI.create("https://255.255.255.255/"))))
        .isEqualTo(Rule.MULTICAST);
  }

  @Test
  void ipv6FormsOfAMetadataAddress_areDeniedToo() {
    assertThat(denial(standard.checkTarget(URI.create("http://[::ffff:169.254.169.254]/"))))
        .isEqualTo(Rule.CLOUD_METADATA);
    Verdict nat64 = standard.checkTarget(URI.create("http://[64:ff9b::a9fe:a9fe]/"));
    assertThat(denial(nat64)).isEqualTo(Rule.CLOUD_METADATA);
    assertThat(((Verdict.Denied) nat64).detail()).contains("embeds 169.254.169.254");
  }

  @Test
  void loopback_isAllowedOnlyWhenThePolicySaysSo() {
    URI local = URI.create("http://127.0.0.1:8080/callback");

    assertThat(denial(standard.checkTarget(local))).isEqualTo(Rule.LOOPBACK);
    assertThat(denial(standard.checkTarget(URI.create("http://[::1]/")))).isEqualTo(Rule.LOOPBACK);
    assertThat(DeliveryPolicy.demo().checkTarget(local)).isInstanceOf(Verdict.Allowed.class);
  }

  @Test
  void privateNetworks_areAllowedByDefault_andCanBeTurnedOff() {
    URI office = URI.create("https://10.1.2.3/callback");

    assertThat(standard.checkTarget(office)).isInstanceOf(Verdict.Allowed.class);
    assertThat(standard.checkTarget(URI.create("https://[fd12:3456::1]/")))
        .isInstanceOf(Verdict.Allowed.class);
    DeliveryPolicy publicOnly = DeliveryPolicy.builder().allowPrivateNetworks(false).build();
    assertThat(denial(publicOnly.checkTarget(office))).isEqualTo(Rule.PRIVATE_NETWORK);
  }

  @Test
  void schemesOtherThanHttpAndHttps_areDenied() {
    assertThat(denial(standard.checkTarget(URI.create("file:///etc/passwd"))))
        .isEqualTo(Rule.SCHEME);
    assertThat(denial(standard.checkTarget(URI.create("gopher://bot.example.com/"))))
        .isEqualTo(Rule.SCHEME);
    assertThat(denial(standard.checkTarget(URI.create("/relative")))).isEqualTo(Rule.SCHEME);
  }

  @Test
  void denyListedHostName_isDeniedBeforeAnyLookup() {
    DeliveryPolicy policy =
        DeliveryPolicy.builder().deny(List.of("bot.blocked.test", "*.internal.example")).build();

    Verdict exact = policy.checkTarget(URI.create("https://Bot.Blocked.Test/callback"));
    assertThat(denial(exact)).isEqualTo(Rule.DENY_LIST);
    assertThat(((Verdict.Denied) exact).message())
        .isEqualTo(
            "denied by the delivery policy (rule deny-list): host bot.blocked.test is on the deny"
                + " list");
    assertThat(denial(policy.checkTarget(URI.create("https://a.b.internal.example/"))))
        .isEqualTo(Rule.DENY_LIST);
    assertThat(policy.checkTarget(URI.create("https://internal.example/")))
        .isInstanceOf(Verdict.Allowed.class);
  }

  @Test
  void denyListedBlock_isDeniedOnTheResolvedAddress() throws Exception {
    DeliveryPolicy policy = DeliveryPolicy.builder().deny(List.of("10.9.0.0/16")).build();
    URI target = URI.create("https://bot.example.com/");

    assertThat(policy.checkTarget(target)).isInstanceOf(Verdict.Allowed.class);
    assertThat(
            denial(
                policy.checkAddresses(target, List.of(address("10.8.0.1"), address("10.9.0.1")))))
        .isEqualTo(Rule.DENY_LIST);
  }

  @Test
  void nameThatResolvesToALinkLocalAddress_isDenied() throws Exception {
    URI target = URI.create("https://rebind.attacker.test/");

    assertThat(denial(standard.checkAddresses(target, List.of(address("169.254.169.254")))))
        .isEqualTo(Rule.CLOUD_METADATA);
  }

  @Test
  void allowList_admitsMatchingNamesOrAddressesOnly_andDenyWins() throws Exception {
    DeliveryPolicy policy =
        DeliveryPolicy.builder()
            .allow(List.of("*.bots.example", "192.168.10.0/24"))
            .deny(List.of("evil.bots.example"))
            .build();

    assertThat(
            policy.checkAddresses(
                URI.create("https://a.bots.example/"), List.of(address("10.0.0.7"))))
        .isInstanceOf(Verdict.Allowed.class);
    assertThat(
            policy.checkAddresses(
                URI.create("https://other.example/"), List.of(address("192.168.10.4"))))
        .isInstanceOf(Verdict.Allowed.class);
    assertThat(
            denial(
                policy.checkAddresses(
                    URI.create("https://other.example/"), List.of(address("192.168.11.4")))))
        .isEqualTo(Rule.ALLOW_LIST);
    assertThat(denial(policy.checkTarget(URI.create("https://evil.bots.example/"))))
        .isEqualTo(Rule.DENY_LIST);
  }

  @Test
  void malformedListEntries_failWithTheEntryNamed() {
    assertThatThrownBy(() -> DeliveryPolicy.builder().deny(List.of("10.0.0.0/33")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'10.0.0.0/33'");
    assertThatThrownBy(() -> DeliveryPolicy.builder().allow(List.of("10.0.0.1/8")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bits set after its prefix");
    assertThatThrownBy(() -> DeliveryPolicy.builder().allow(List.of("http://bot/")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'http://bot/' is neither a host name");
  }

  private static Rule denial(Verdict verdict) {
    assertThat(verdict).isInstanceOf(Verdict.Denied.class);
    return ((Verdict.Denied) verdict).rule();
  }

  private static InetAddress address(String literal) throws UnknownHostException {
    return InetAddress.getByAddress(AddressBlock.literal(literal).orElseThrow());
  }
}
