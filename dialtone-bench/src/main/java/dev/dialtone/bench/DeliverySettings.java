package dev.dialtone.bench;

import java.util.List;

/**
 * How the delivery and recovery scenarios are run. Counts are of calls; each call owes the bot two
 * notifications ({@link Backlog#NOTIFICATIONS_PER_CALL}).
 *
 * @param delivery run the delivery-throughput scenario
 * @param recovery run the recovery scenario
 * @param warmupCalls calls of the backlog delivered unrecorded first, after each start (JIT)
 * @param deliveryCalls calls of the measured backlog
 * @param recoveryCalls calls of the backlog pending at the {@code kill -9}
 * @param creators connections creating the backlog's calls at once
 * @param senderConnections connections of the {@link NotificationSender} baseline
 * @param timeoutSeconds the longest any backlog may take to build or to arrive
 * @param targets the delivery scenario's slots, in the order of each round
 */
record DeliverySettings(
    boolean delivery,
    boolean recovery,
    int warmupCalls,
    int deliveryCalls,
    int recoveryCalls,
    int creators,
    int senderConnections,
    double timeoutSeconds,
    List<DeliveryTarget> targets) {

  DeliverySettings {
    if (warmupCalls < 0 || deliveryCalls < 1 || recoveryCalls < 1 || creators < 1 || senderConnections < 1) {
      throw new IllegalArgumentException(
          "the backlogs need at least one call (warm-up none or more) and the clients at least one connection, got warm-up "
              + warmupCalls + ", delivery " + deliveryCalls + ", recovery " + recoveryCalls + ", creators " + creators
              + ", sender connections " + senderConnections);
    }
    if (timeoutSeconds <= 0) {
      throw new IllegalArgumentException("the timeout must be positive, got " + timeoutSeconds);
    }
    targets = List.copyOf(targets);
  }

  /**
   * The full run: a backlog of 20,000 notifications after another as large to warm up (Dialtone's
   * JIT still compiles through the first), and 10,000 pending at the {@code kill -9} (the issue's
   * figure).
   */
  static DeliverySettings full() {
    return new DeliverySettings(true, true, 10_000, 10_000, 5_000, 16, 64, 120, List.of(DeliveryTarget.values()));
  }

  /**
   * The CI run: the scenarios' code paths with a few hundred notifications, and no warm-up backlog
   * or unsigned slot (each would start Dialtone once more, for code the measured slots run too).
   */
  static DeliverySettings smoke() {
    return new DeliverySettings(
        true, true, 0, 100, 100, 8, 8, 60, List.of(DeliveryTarget.DIALTONE, DeliveryTarget.SENDER));
  }
}
