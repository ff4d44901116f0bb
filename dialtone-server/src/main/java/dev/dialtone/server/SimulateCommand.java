package dev.dialtone.server;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dialtone simulate CALL PARTY ACTION}: drives a simulated party of a running server's call
 * through its admin API, e.g. {@code dialtone simulate 2e1a… user:112f… answer}.
 */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = "Makes a simulated party of a call act now: answer, decline, busy, hang-up, join or tones.")
final class SimulateCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "The call id.")
  String callId;

  @Parameters(index = "1", description = "The party: user:{id}, phone:{+number} or application:{id}.")
  String party;

  @Parameters(index = "2", description = "answer, decline, busy, hang-up, join (a meeting) or tones.")
  String action;

  @Option(names = "--tones", defaultValue = "", description = "The DTMF keys to press with the tones action, e.g. 1#.")
  String tones;

  @Option(names = "--url", defaultValue = "${env:DIALTONE_URL:-http://127.0.0.1:8080}",
      description = "The server (env DIALTONE_URL; default ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--admin-key", defaultValue = "${env:DIALTONE_ADMIN_KEY:-" + ServerConfig.DEMO_ADMIN_KEY + "}",
      description = "The admin API key (env DIALTONE_ADMIN_KEY; default the demo profile's).")
  String adminKey;

  @Override
  public Integer call() throws Exception {
    String path = "/dialtone/calls/" + encode(callId) + "/parties/" + encode(party) + "/" + encode(action);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + path))
            .header("Authorization", "Bearer " + adminKey)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(
                dev.dialtone.server.graph.Json.MAPPER.createObjectNode().put("tones", tones).toString()))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    (response.statusCode() / 100 == 2 ? System.out : System.err).println(response.body());
    return response.statusCode() / 100 == 2 ? 0 : 1;
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
