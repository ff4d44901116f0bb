package dev.dialtone.server.identity;

import dev.dialtone.server.MutableClock;
import static dev.dialtone.server.identity.Fixtures.APP;
import static dev.dialtone.server.identity.Fixtures.HOME;
import static dev.dialtone.server.identity.Fixtures.NOW;
import static dev.dialtone.server.identity.Fixtures.SECRET;
import static dev.dialtone.server.identity.Fixtures.secretForm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import org.junit.jupiter.api.Test;

class OpenIdConfigurationTest {
  private static final URI BASE = URI.create("https://127.0.0.1:8443/");
  private final ObjectMapper json = new ObjectMapper();

  private JsonNode document(String tenant, IssuerPolicy issuers) throws Exception {
    return json.readTree(OpenIdConfiguration.json(BASE, tenant, issuers));
  }

  @Test
  void document_pointsAtThisServersEndpointsForTheTenant() throws Exception {
    JsonNode doc = document(HOME, IssuerPolicy.azureAdV1());

    String authority = "https://127.0.0.1:8443/" + HOME;
    assertThat(doc.get("token_endpoint").asText()).isEqualTo(authority + "/oauth2/v2.0/token");
    assertThat(doc.get("jwks_uri").asText()).isEqualTo(authority + "/discovery/v2.0/keys");
    assertThat(doc.get("authorization_endpoint").asText())
        .isEqualTo(authority + "/oauth2/v2.0/authorize");
    assertThat(doc.get("issuer").asText()).isEqualTo("https://sts.windows.net/" + HOME + "/");
  }

  @Test
  void document_hasAzureAdsV2Members() throws Exception {
    JsonNode doc = document(HOME, IssuerPolicy.azureAdV1());

    assertThat(json.convertValue(doc.get("token_endpoint_auth_methods_supported"), String[].class))
        .containsExactly("client_secret_post", "private_key_jwt", "client_secret_basic");
    assertThat(json.convertValue(doc.get("id_token_signing_alg_values_supported"), String[].class))
        .containsExactly("RS256");
    assertThat(json.convertValue(doc.get("response_types_supported"), String[].class))
        .containsExactly("code", "id_token", "code id_token", "id_token token");
    assertThat(json.convertValue(doc.get("subject_types_supported"), String[].class))
        .containsExactly("pairwise");
    assertThat(json.convertValue(doc.get("scopes_supported"), String[].class))
        .containsExactly("openid", "profile", "email", "offline_access");
    assertThat(doc.has("tenant_region_scope")).isTrue();
    assertThat(doc.get("tenant_region_scope").isNull()).isTrue();
    assertThat(doc.get("cloud_instance_name").asText()).isEqualTo("127.0.0.1");
    assertThat(doc.get("request_uri_parameter_supported").asBoolean()).isFalse();
    assertThat(doc.fieldNames())
        .toIterable()
        .startsWith("token_endpoint", "token_endpoint_auth_methods_supported", "jwks_uri");
  }

  @Test
  void issuer_isExactlyTheIssuerOfIssuedTokens() throws Exception {
    IssuerPolicy issuers = IssuerPolicy.under(URI.create("https://127.0.0.1:8443"));
    TokenIssuer tokenIssuer =
        new TokenIssuer(
            SigningKeys.inMemory(), Fixtures::directory, new MutableClock(NOW), issuers);
    TokenResponse.Success issued =
        (TokenResponse.Success)
            tokenIssuer.issue(
                TokenRequest.of(HOME, secretForm(APP, SECRET), Fixtures.tokenEndpoint(HOME)));

    assertThat(document(HOME, issuers).get("issuer").asText())
        .isEqualTo(SignedJWT.parse(issued.accessToken()).getJWTClaimsSet().getIssuer());
  }

  @Test
  void tenantlessDocument_hasTheTenantIdPlaceholderInItsIssuer() throws Exception {
    JsonNode doc = document("organizations", IssuerPolicy.azureAdV1());

    assertThat(doc.get("issuer").asText()).isEqualTo("https://sts.windows.net/{tenantid}/");
    assertThat(doc.get("token_endpoint").asText())
        .isEqualTo("https://127.0.0.1:8443/organizations/oauth2/v2.0/token");
  }
}
