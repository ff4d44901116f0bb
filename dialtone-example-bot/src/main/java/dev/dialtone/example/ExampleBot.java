package dev.dialtone.example;

import com.azure.identity.ClientSecretCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.core.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.IdentitySet;
import com.microsoft.graph.models.Identity;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.Modality;
import com.microsoft.graph.models.ServiceHostedMediaConfig;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A calling bot written against Microsoft Graph with the official Java SDK and azure-identity. It
 * is pointed at Dialtone by configuration alone (the token authority, the Graph base URL, the
 * OpenID configuration of notification tokens): it places the Create call page's first example
 * call, prints every notification it gets after checking its token as the official samples do,
 * hangs up once the call is established, and exits when the call has ended.
 *
 * <p>Run it against a running {@code ./dialtone} with {@code bin/example-bot}. Settings, from the
 * environment: {@code DIALTONE_URL} (default {@code https://127.0.0.1:8443}), {@code
 * DIALTONE_TENANT}, {@code DIALTONE_CLIENT_ID}, {@code DIALTONE_CLIENT_SECRET} (defaults: the demo
 * directory's Calling Bot), {@code DIALTONE_CALLEE} (default John). The JVM must trust Dialtone's
 * certificate ({@code -Djavax.net.ssl.trustStore=…/tls/dev-truststore.p12}, as the script does).
 */
public final class ExampleBot {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ExampleBot() {}

  public static void main(String[] args) throws Exception {
    String dialtone = env("DIALTONE_URL", "https://127.0.0.1:8443");
    String tenant = env("DIALTONE_TENANT", "aa67bd4c-8475-432d-bd41-39f255720e0a");
    String clientId = env("DIALTONE_CLIENT_ID", "2891555a-92ff-42e6-80fa-6e1300c6b5c6");
    String secret = env("DIALTONE_CLIENT_SECRET", "calling-bot-demo-secret");
    String callee = env("DIALTONE_CALLEE", "112f7296-5fa4-42ca-bae8-6a692b15d4b8");
    URI base = URI.create(dialtone);

    // 1. What changes from a bot on Microsoft Graph: the authority and the Graph base URL.
    ClientSecretCredential credential =
        new ClientSecretCredentialBuilder()
            .authorityHost(dialtone)
            .tenantId(tenant)
            .clientId(clientId)
            .clientSecret(secret)
            .disableInstanceDiscovery()
            .additionallyAllowedTenants("*")
            .build();
    var auth =
        new AzureIdentityAuthenticationProvider(
            credential, new String[] {base.getHost()}, "https://graph.microsoft.com/.default");
    GraphServiceClient graph = new GraphServiceClient(auth);
    graph.getRequestAdapter().setBaseUrl(dialtone + "/v1.0");

    // 2. ...and the OpenID configuration that notification tokens are checked against.
    DefaultJWTProcessor<SecurityContext> tokens = notificationTokens(dialtone, clientId);

    CountDownLatch established = new CountDownLatch(1);
    CountDownLatch ended = new CountDownLatch(1);
    HttpServer webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    webhook.createContext(
        "/callback",
        exchange -> {
          String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          String authorization = exchange.getRequestHeaders().getFirst("Authorization");
          try {
            JWTClaimsSet claims = tokens.process(authorization.substring("Bearer ".length()), null);
            exchange.sendResponseHeaders(202, -1);
            for (JsonNode notification : JSON.readTree(body).path("value")) {
              String state = notification.path("resourceData").path("state").asText("(roster)");
              System.out.printf(
                  "notification %-8s %-55s state=%s (token from %s for tenant %s)%n",
                  notification.path("changeType").asText(),
                  notification.path("resourceUrl").asText(),
                  state,
                  claims.getIssuer(),
                  claims.getStringClaim("tid"));
              if (state.equals("established")) {
                established.countDown();
              } else if (state.equals("terminated")) {
                ended.countDown();
              }
            }
          } catch (Exception refused) {
            System.out.println("refused a notification: " + refused.getMessage());
            exchange.sendResponseHeaders(401, -1);
          }
          exchange.close();
        });
    webhook.start();
    String callbackUri = "http://127.0.0.1:" + webhook.getAddress().getPort() + "/callback";

    try {
      Call call = new Call();
      call.setCallbackUri(callbackUri);
      InvitationParticipantInfo target = new InvitationParticipantInfo();
      IdentitySet identity = new IdentitySet();
      Identity user = new Identity();
      user.setId(callee);
      identity.setUser(user);
      target.setIdentity(identity);
      call.setTargets(List.of(target));
      call.setRequestedModalities(List.of(Modality.Audio));
      call.setMediaConfig(new ServiceHostedMediaConfig());

      Call created = graph.communications().calls().post(call);
      System.out.println("created call " + created.getId() + ", state " + created.getState());
      if (!established.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the call was not established within 30 s");
      }
      graph.communications().calls().byCallId(created.getId()).delete();
      System.out.println("hung up");
      if (!ended.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no terminated notification within 30 s");
      }
    } finally {
      webhook.stop(0);
    }
  }

  /** Checks a notification's token as the official samples do: issuer, audience, signature, tid. */
  private static DefaultJWTProcessor<SecurityContext> notificationTokens(String dialtone, String appId)
      throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(dialtone + "/v1/.well-known/OpenIdConfiguration")).build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode configuration = JSON.readTree(response.body());
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(
            JWSAlgorithm.RS256,
            JWKSourceBuilder.create(URI.create(configuration.path("jwks_uri").asText()).toURL()).build()));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            appId,
            new JWTClaimsSet.Builder().issuer(configuration.path("issuer").asText()).build(),
            Set.of("tid", "iat", "exp")));
    return processor;
  }

  private static String env(String name, String otherwise) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? otherwise : value;
  }
}
