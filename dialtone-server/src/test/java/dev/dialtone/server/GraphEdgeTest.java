package dev.dialtone.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Graph edge's HTTP behaviour: authentication, media types, limits, methods, routes, ids. */
class GraphEdgeTest {
  @TempDir static Path dataDir;
  static DialtoneServer server;
  static TestClient client;
  static String token;

  static final String P2P =
      "{\"callbackUri\":\"https://bot.example.com/callback\",\"targets\":[{\"identity\":{\"user\":{\"id\":\""
          + Demo.JOHN
          + "\"}}}],\"requestedModalities\":[\"audio\"],"
          + "\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"}}";

  @BeforeAll
  static void start() {
    server = DialtoneServer.start(
        ServerConfig.demo(dataDir).withPort(0).withInMemory(true).withMaxRequestBytes(4096));
    client = new TestClient(server.baseUrl());
    token = client.token(Demo.CALLING_BOT, Demo.CONTOSO);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static void assertGraphError(TestClient.Response response, int status, String code) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    JsonNode error = response.json().path("error");
    assertThat(error.path("code").asText()).isEqualTo(code);
    assertThat(error.path("message").asText()).isNotBlank();
    JsonNode inner = error.path("innerError");
    assertThat(inner.path("request-id").asText()).isEqualTo(response.header("request-id"));
    assertThat(inner.path("date").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");
    assertThat(inner.has("client-request-id")).isTrue();
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
  }

  @Test
  void requestWithoutToken_isUnauthorizedWithWwwAuthenticate() {
    TestClient.Response response = client.send(request("/v1.0/communications/calls")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(P2P)));
    assertGraphError(response, 401, "InvalidAuthenticationToken");
    assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
  }

  @Test
  void delegatedToken_isForbidden_theCallsApiTakesApplicationPermissionsOnly() throws Exception {
    String appToken = client.token(Demo.CALLING_BOT, Demo.CONTOSO);
    var claims = com.nimbusds.jwt.SignedJWT.parse(appToken).getJWTClaimsSet();
    var delegated = new com.nimbusds.jwt.JWTClaimsSet.Builder(claims).claim("scp", "Calls.Initiate").build();
    // The server's own keys, as every node reads them from the store.
    String token = dev.dialtone.server.identity.SigningKeys
        .shared(server.store(), java.util.Optional.empty(), java.time.Instant.now()).sign(delegated);
    TestClient.Response response = client.postJson("/v1.0/communications/calls", token, P2P);
    assertThat(response.status()).as(response.body()).isEqualTo(403);
    assertThat(response.json().path("error").path("message").asText()).containsIgnoringCase("application");
  }

  @Test
  void garbageToken_isUnauthorized() {
    assertGraphError(client.postJson("/v1.0/communications/calls", "not.a.jwt", P2P), 401, "InvalidAuthenticationToken");
  }

  @Test
  void wrongContentType_isUnsupportedMediaType() {
    TestClient.Response response = client.send(request("/v1.0/communications/calls")
        .header("Authorization", "Bearer " + token).header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString(P2P)));
    assertGraphError(response, 415, "unsupportedMediaType");
  }

  @Test
  void contentTypeWithCharset_isAccepted() {
    TestClient.Response response = client.send(request("/v1.0/communications/calls")
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(P2P)));
    assertThat(response.status()).as(response.body()).isEqualTo(201);
  }

  @Test
  void malformedJson_isBadRequestNamingThePosition() {
    TestClient.Response response = client.postJson("/v1.0/communications/calls", token, "{\"callbackUri\": ");
    assertGraphError(response, 400, "invalidRequest");
    assertThat(response.json().path("error").path("message").asText()).contains("line 1");
  }

  @Test
  void oversizedBody_isPayloadTooLarge() {
    String big = P2P.replace("}}}]", "}, \"padding\":\"" + "x".repeat(5000) + "\"}}]");
    assertGraphError(client.postJson("/v1.0/communications/calls", token, big), 413, "requestEntityTooLarge");
  }

  @Test
  void wrongMethodOnTheCollection_isMethodNotAllowed() {
    TestClient.Response response = client.send(request("/v1.0/communications/calls")
        .header("Authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.ofString(P2P)));
    assertGraphError(response, 405, "notAllowed");
    assertThat(response.header("Allow")).isEqualTo("POST");
  }

  @Test
  void unknownSegment_isBadRequestLikeGraph() {
    TestClient.Response response = client.get("/v1.0/communications/callz", token);
    assertGraphError(response, 400, "BadRequest");
    assertThat(response.json().path("error").path("message").asText())
        .isEqualTo("Resource not found for the segment 'callz'.");
  }

  @Test
  void unknownCall_isNotFound() {
    assertGraphError(client.get("/v1.0/communications/calls/nope", token), 404, "itemNotFound");
  }

  @Test
  void hangUp_endsTheCall_andItStaysEnded() {
    String id = client.postJson("/v1.0/communications/calls", token, P2P).json().path("id").asText();
    TestClient.Response deleted = client.delete("/v1.0/communications/calls/" + id, token);
    assertThat(deleted.status()).isEqualTo(204);
    assertGraphError(client.get("/v1.0/communications/calls/" + id, token), 404, "itemNotFound");
    assertGraphError(client.delete("/v1.0/communications/calls/" + id, token), 404, "itemNotFound");
    TestClient.Response stored = client.send(request("/dialtone/calls/" + id)
        .header("Authorization", "Bearer " + ServerConfig.DEMO_ADMIN_KEY).GET());
    assertThat(stored.json().path("state").asText()).isEqualTo("terminated");
    assertThat(stored.json().path("resource").path("resultInfo").path("subcode").asInt()).isEqualTo(5001);
  }

  @Test
  void callOfAnotherApplication_isNotVisible() {
    String id = client.postJson("/v1.0/communications/calls", token, P2P).json().path("id").asText();
    String other = client.token(Demo.P2P_BOT, Demo.CONTOSO);
    assertGraphError(client.get("/v1.0/communications/calls/" + id, other), 404, "itemNotFound");
    assertGraphError(client.delete("/v1.0/communications/calls/" + id, other), 404, "itemNotFound");
    assertThat(client.get("/v1.0/communications/calls/" + id, token).status()).isEqualTo(200);
  }

  @Test
  void betaAndDeprecatedAppAlias_createCallsToo() {
    for (String path : new String[] {"/beta/communications/calls", "/v1.0/app/calls", "/V1.0/Communications/Calls"}) {
      TestClient.Response response = client.postJson(path, token, P2P);
      assertThat(response.status()).as(path + " " + response.body()).isEqualTo(201);
    }
  }

  @Test
  void clientRequestId_isEchoedInHeadersAndErrors() {
    TestClient.Response response = client.send(request("/v1.0/communications/calls/nope")
        .header("Authorization", "Bearer " + token).header("client-request-id", "my-id-123").GET());
    assertThat(response.header("client-request-id")).isEqualTo("my-id-123");
    assertThat(response.json().path("error").path("innerError").path("client-request-id").asText())
        .isEqualTo("my-id-123");
  }

  @Test
  void unknownPathOutsideGraph_isNotFoundWithGraphBody() {
    assertGraphError(client.get("/nothing/here/at/all/really", token), 404, "itemNotFound");
  }

  @Test
  void aForeignHostHeader_isNotHandedBackInLocation() {
    TestClient.Response response = client.send(request("/v1.0/communications/calls")
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .header("Host", "evil.example").POST(HttpRequest.BodyPublishers.ofString(P2P)));
    assertThat(response.status()).isEqualTo(201);
    assertThat(response.header("Location")).startsWith(server.baseUrl() + "/v1.0/communications/calls/");
  }

  @Test
  void tokenRequest_withBrokenPercentEncoding_isAnOAuthError() {
    TestClient.Response response = client.send(request("/" + Demo.CONTOSO + "/oauth2/v2.0/token")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_secret=%zz")));
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().path("error").asText()).isEqualTo("invalid_request");
  }

  @Test
  void openIdConfiguration_ofAnUnknownTenant_isAnOAuthError() {
    TestClient.Response response = client.send(request("/no-such-tenant/v2.0/.well-known/openid-configuration").GET());
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().path("error_codes").get(0).asInt()).isEqualTo(90002);
    assertThat(client.send(request("/common/v2.0/.well-known/openid-configuration").GET()).status()).isEqualTo(200);
  }

  @Test
  void health_answersWithoutCredentials() {
    TestClient.Response response = client.send(request("/health").GET());
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().path("status").asText()).isEqualTo("UP");
  }

  @Test
  void tokenEndpoint_withWrongSecret_isInvalidClient() {
    TestClient.Response response = client.form("/" + Demo.CONTOSO + "/oauth2/v2.0/token", Map.of(
        "grant_type", "client_credentials", "client_id", Demo.CALLING_BOT.appId(),
        "client_secret", "wrong", "scope", "https://graph.microsoft.com/.default"));
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.json().path("error").asText()).isEqualTo("invalid_client");
    assertThat(response.json().path("error_description").asText()).startsWith("AADSTS7000215");
  }

  @Test
  void openIdConfiguration_pointsAtTheServersKeys() {
    TestClient.Response config = client.send(request("/" + Demo.CONTOSO + "/v2.0/.well-known/openid-configuration").GET());
    assertThat(config.status()).isEqualTo(200);
    String jwksUri = config.json().path("jwks_uri").asText();
    assertThat(jwksUri).startsWith(server.baseUrl());
    TestClient.Response jwks = client.send(HttpRequest.newBuilder(URI.create(jwksUri)).GET());
    assertThat(jwks.json().path("keys").get(0).path("kid").asText()).isNotBlank();
  }
}
