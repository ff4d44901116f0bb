package dev.dialtone.server;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code dialtone drain}: takes a running node out of its cluster's work before a rolling restart.
 * Returns once the node's work in hand is finished; stop the node then.
 */
@Command(
    name = "drain",
    mixinStandardHelpOptions = true,
    description = "Drains a running node: /health turns 503 so the load balancer moves away, and the"
        + " node stops claiming timers and notifications; returns when its work in hand is done.")
final class DrainCommand implements Callable<Integer> {

  @Mixin AdminClient admin;

  @Override
  public Integer call() throws Exception {
    return admin.post("/dialtone/drain", "{}");
  }
}
