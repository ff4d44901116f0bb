package dev.dialtone.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The create-call request every client sends, as ready-to-write bytes, with a bearer token that is
 * renewed before it expires.
 *
 * <p>Against Dialtone the token is a real one from its token endpoint, for the demo Calling Bot in
 * Contoso, as a bot gets it; a background thread fetches a new one when three quarters of its
 * lifetime have passed and swaps the bytes, so no client ever waits for the token endpoint. The
 * baselines ignore {@code Authorization}; they get a header of the same length so that every target
 * reads the same number of bytes.
 */
final class CreateCallRequests implements AutoCloseable {
  static final String TENANT = "aa67bd4c-8475-432d-bd41-39f255720e0a";
  static final String CLIENT_ID = "2891555a-92ff-42e6-80fa-6e1300c6b5c6";
  static final String CLIENT_SECRET = "calling-bot-demo-secret";
  static final String PATH = "/v1.0/communications/calls";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String hostAndPort;
  private final byte[] body;
  private volatile byte[] current;
  private volatile String authorization;
  private final Optional<Thread> refresher;

  private CreateCallRequests(String hostAndPort, byte[] body, String authorization, Optional<URI> tokenUrl, Duration lifetime) {
    this.hostAndPort = hostAndPort;
    this.body = body;
    use(authorization);
    this.refresher = tokenUrl.map(url -> Thread.ofVirtual().name("token-refresher").start(() -> refreshLoop(url, lifetime)));
  }

  /** Requests to a Dialtone at {@code base}, with tokens from its token endpoint. */
  static CreateCallRequests withTokens(URI base, byte[] body) {
    URI tokenUrl = base.resolve("/" + TENANT + "/oauth2/v2.0/token");
    Token token = fetchToken(tokenUrl);
    return new CreateCallRequests(hostAndPort(base), body, "Bearer " + token.value(), Optional.of(tokenUrl), token.lifetime());
  }

  /** Requests to a baseline at {@code base} carrying {@code authorization} as they are. */
  static CreateCallRequests fixed(URI base, byte[] body, String authorization) {
    return new CreateCallRequests(hostAndPort(base), body, authorization, Optional.empty(), Duration.ZERO);
  }

  /** The request to send now. */
  byte[] current() {
    return current;
  }

  /** The {@code Authorization} header value in use. */
  String authorization() {
    return authorization;
  }

  private void use(String newAuthorization) {
    this.authorization = newAuthorization;
    this.current = HttpConnection.post(hostAndPort, PATH, Optional.of(newAuthorization), body);
  }

  private void refreshLoop(URI tokenUrl, Duration lifetime) {
    Duration wait = lifetime.multipliedBy(3).dividedBy(4);
    while (!Thread.currentThread().isInterrupted()) {
      try {
        Thread.sleep(wait);
        Token token = fetchToken(tokenUrl);
        use("Bearer " + token.value());
        wait = token.lifetime().multipliedBy(3).dividedBy(4);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (BenchException e) {
        // The old token still has a quarter of its life: try again shortly.
        System.err.println("bench: token refresh failed, retrying in 1 s: " + e.getMessage());
        wait = Duration.ofSeconds(1);
      }
    }
  }

  @Override
  public void close() {
    refresher.ifPresent(Thread::interrupt);
  }

  record Token(String value, Duration lifetime) {}

  /** A client-credentials token for the demo Calling Bot. */
  static Token fetchToken(URI tokenUrl) {
    String form =
        "grant_type=client_credentials&client_id=" + CLIENT_ID
            + "&client_secret=" + CLIENT_SECRET
            + "&scope=" + URLEncoder.encode("https://graph.microsoft.com/.default", StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(tokenUrl)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new BenchException(
            "the token endpoint " + tokenUrl + " answered " + response.statusCode() + ": " + response.body());
      }
      JsonNode json = JSON.readTree(response.body());
      String value = json.path("access_token").asText("");
      long seconds = json.path("expires_in").asLong(0);
      if (value.isEmpty() || seconds <= 0) {
        throw new BenchException("the token endpoint's answer has no access_token or expires_in: " + response.body());
      }
      return new Token(value, Duration.ofSeconds(seconds));
    } catch (IOException e) {
      throw new BenchException("cannot get a token from " + tokenUrl + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while getting a token from " + tokenUrl, e);
    }
  }

  static String hostAndPort(URI base) {
    return base.getHost() + ":" + base.getPort();
  }
}
