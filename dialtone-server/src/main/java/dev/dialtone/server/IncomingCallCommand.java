package dev.dialtone.server;

import dev.dialtone.server.graph.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin AdminClient admin;

  @Override
  public Integer call() throws Exception {
    return admin.post("/dialtone/incoming-calls", Json.MAPPER.createObjectNode().put("from", from).put("to", to).toString());
  }
}
