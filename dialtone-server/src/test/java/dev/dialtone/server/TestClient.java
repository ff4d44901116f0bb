package dev.dialtone.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** A real HTTP client against a running Dialtone: tokens from its token endpoint, Graph calls. */
final class TestClient {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final String base;

  TestClient(String base) {
    this(base, HttpClient.newBuilder());
  }

  /** A client of an {@code https} base URL that trusts what {@code tls} trusts. */
  TestClient(String base, javax.net.ssl.SSLContext tls) {
    this(base, HttpClient.newBuilder().sslContext(tls));
  }

  private TestClient(String base, HttpClient.Builder http) {
    this.http = http.connectTimeout(Duration.ofSeconds(10)).build();
    this.base = base;
  }

  String base() {
    return base;
  }

  /** A Graph access token for the app in the tenant, from the token endpoint. */
  String token(Demo.App app, String tenant) {
    Response response =
        form(
            "/" + tenant + "/oauth2/v2.0/token",
            Map.of(
                "grant_type", "client_credentials",
                "client_id", app.appId(),
                "client_secret", app.secret(),
                "scope", "https://graph.microsoft.com/.default"));
    if (response.status() != 200) {
      throw new AssertionError("token request failed: " + response.status() + " " + response.body());
    }
    return response.json().path("access_token").asText();
  }

  Response form(String path, Map<String, String> fields) {
    String body =
        fields.entrySet().stream()
            .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&"));
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  Response postJson(String path, String token, String json) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Response get(String path, String token) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + token)
            .GET());
  }

  Response delete(String path, String token) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + token)
            .DELETE());
  }

  /** A request to the admin API with the demo profile's admin key; {@code body} null for none. */
  Response admin(String method, String path, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + ServerConfig.DEMO_ADMIN_KEY)
            .header("Content-Type", "application/json")
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
  }

  Response send(HttpRequest.Builder request) {
    try {
      HttpRequest built = request.timeout(Duration.ofSeconds(30)).build();
      HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
      Response result = new Response(response.statusCode(), response.headers(), response.body());
      String path = built.uri().getPath().toLowerCase(java.util.Locale.ROOT);
      if ((path.startsWith("/v1.0/") || path.startsWith("/beta/")) && result.status() / 100 == 2 && !result.body().isEmpty()) {
        Conformance.call(result.json());
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  record Response(int status, java.net.http.HttpHeaders headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }
}
