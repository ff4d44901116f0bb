package dev.dialtone.server;

import dev.dialtone.server.graph.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin AdminClient admin;

  @Override
  public Integer call() throws Exception {
    String path = "/dialtone/calls/" + encode(callId) + "/parties/" + encode(party) + "/" + encode(action);
    return admin.post(path, Json.MAPPER.createObjectNode().put("tones", tones).toString());
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
