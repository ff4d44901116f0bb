package dev.dialtone.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The options and the one request of the commands that drive a running server through its admin
 * API ({@code simulate}, {@code incoming-call}, {@code drain}).
 */
final class AdminClient {
  @Option(names = "--url", defaultValue = "${env:DIALTONE_URL:-http://127.0.0.1:8080}",
      description = "The server (env DIALTONE_URL; default ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--admin-key", defaultValue = "${env:DIALTONE_ADMIN_KEY:-" + ServerConfig.DEMO_ADMIN_KEY + "}",
      description = "The admin API key (env DIALTONE_ADMIN_KEY; default the demo profile's).")
  String adminKey;

  /** POSTs a JSON body, prints the answer (to standard error if it is an error), returns the exit code. */
  int post(String path, String json) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + path))
            .header("Authorization", "Bearer " + adminKey)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(90))
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    boolean ok = response.statusCode() / 100 == 2;
    (ok ? System.out : System.err).println(response.body());
    return ok ? 0 : 1;
  }
}
