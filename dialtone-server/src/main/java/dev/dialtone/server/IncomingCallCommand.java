package dev.dialtone.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dialtone incoming-call FROM TO}: a simulated user or phone calls a bot. */
@Command(
    name = "incoming-call",
    mixinStandardHelpOptions = true,
    description = "A simulated user or phone calls a bot; the bot's calling webhook is notified.")
final class IncomingCallCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "The caller: user:{id} or phone:{+number}.")
  String from;

  @Parameters(index = "1", description = "The bot: application:{appId}, applicationInstance:{objectId} or phone:{+number}.")
  String to;

  @Option(names = "--url", defaultValue = "${env:DIALTONE_URL:-http://127.0.0.1:8080}",
      description = "The server (env DIALTONE_URL; default ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--admin-key", defaultValue = "${env:DIALTONE_ADMIN_KEY:-" + ServerConfig.DEMO_ADMIN_KEY + "}",
      description = "The admin API key (env DIALTONE_ADMIN_KEY; default the demo profile's).")
  String adminKey;

  @Override
  public Integer call() throws Exception {
    String body = dev.dialtone.server.graph.Json.MAPPER.createObjectNode().put("from", from).put("to", to).toString();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + "/dialtone/incoming-calls"))
            .header("Authorization", "Bearer " + adminKey)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    (response.statusCode() / 100 == 2 ? System.out : System.err).println(response.body());
    return response.statusCode() / 100 == 2 ? 0 : 1;
  }
}
