package dev.dialtone.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IssuerPolicyTest {
  @Test
  void issuer_isThePrefixTheTenantAndASlash() {
    assertThat(IssuerPolicy.azureAdV1().issuerFor("t1")).isEqualTo("https://sts.windows.net/t1/");
    assertThat(IssuerPolicy.under(URI.create("https://localhost:8443")).issuerFor("t1"))
        .isEqualTo("https://localhost:8443/t1/");
    assertThat(IssuerPolicy.under(URI.create("https://localhost:8443/")).issuerFor("t1"))
        .isEqualTo("https://localhost:8443/t1/");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"sts.windows.net/", "https://sts.windows.net", "ftp://x/", "https://x/?q=1/"})
  void prefixThatIsNotAnHttpUriEndingInSlash_isRefused(String prefix) {
    assertThatThrownBy(() -> new IssuerPolicy(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(prefix);
  }
}
