package dev.dialtone.bench;

import java.util.List;
import java.util.Optional;

/**
 * How a run is done. Durations are in seconds.
 *
 * @param jitWarmupSeconds the least unrecorded load at {@code warmupClients} clients after a target
 *     starts, before anything is measured
 * @param jitWarmupMaxSeconds the most: the warm-up goes on, in 2-second steps, while the target's
 *     JIT compiler threads used more than {@code jitQuietCores} in the last step
 * @param warmupSeconds load before each measured window, not recorded
 * @param windowSeconds each measured window
 * @param e2eClients client counts of the POST-to-established measurement, in order; empty leaves it out
 * @param drainSeconds how long to wait, at most, for the notifications of the calls created so far:
 *     before each window, and after the end-to-end window
 * @param pinCpus a {@code taskset -c} CPU list for every target, if wanted
 * @param stores the stores Dialtone is measured on, each in a slot of its own in every round
 */
record Settings(
    String mode,
    int rounds,
    double jitWarmupSeconds,
    double jitWarmupMaxSeconds,
    double jitQuietCores,
    int warmupClients,
    double warmupSeconds,
    double windowSeconds,
    List<Integer> clients,
    List<Integer> e2eClients,
    double drainSeconds,
    List<Target> targets,
    Optional<String> pinCpus,
    List<DialtoneStore> stores) {

  Settings {
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be at least 1, got " + rounds);
    }
    if (windowSeconds <= 0 || warmupSeconds < 0 || jitWarmupSeconds < 0 || drainSeconds <= 0) {
      throw new IllegalArgumentException(
          "the window and drain must be positive and the warm-ups not negative, got window "
              + windowSeconds + " s, warm-up " + warmupSeconds + " s, JIT warm-up " + jitWarmupSeconds
              + " s, drain " + drainSeconds + " s");
    }
    if (jitWarmupMaxSeconds < jitWarmupSeconds) {
      throw new IllegalArgumentException(
          "the JIT warm-up's maximum (" + jitWarmupMaxSeconds + " s) is below its minimum (" + jitWarmupSeconds + " s)");
    }
    if (clients.isEmpty() || clients.stream().anyMatch(c -> c < 1) || warmupClients < 1 || e2eClients.stream().anyMatch(c -> c < 1)) {
      throw new IllegalArgumentException(
          "client counts must be at least 1, got " + clients
              + ", warm-up " + warmupClients + ", end-to-end " + e2eClients);
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("at least one target is needed");
    }
    if (stores.isEmpty()) {
      throw new IllegalArgumentException("at least one store is needed");
    }
    stores = List.copyOf(stores);
    clients = List.copyOf(clients);
    e2eClients = List.copyOf(e2eClients);
    targets = List.copyOf(targets);
  }

  /** The full run: about seven minutes on a busy 2-core machine. */
  static Settings full() {
    return new Settings(
        "full", 3, 4, 15, 0.05, 4, 1, 3, List.of(1, 16, 64), List.of(1, 16), 60, List.of(Target.values()), Optional.empty(),
        List.of(DialtoneStore.SQLITE));
  }

  /** The CI run: every code path (both stores) for a few seconds of load, no timing asserted. */
  static Settings smoke() {
    return new Settings(
        "smoke", 1, 0.3, 0.3, 0.05, 4, 0.1, 0.3, List.of(1, 16, 64), List.of(1, 16), 30, List.of(Target.values()), Optional.empty(),
        List.of(DialtoneStore.SQLITE, new DialtoneStore(DialtoneStore.Kind.POSTGRES, 1)));
  }

  /** The results' target keys in slot order: each store's Dialtone where Dialtone runs. */
  List<String> targetKeys() {
    List<String> keys = new java.util.ArrayList<>();
    for (Target target : targets) {
      if (target == Target.DIALTONE) {
        stores.forEach(store -> keys.add(store.key()));
      } else {
        keys.add(target.key());
      }
    }
    return keys;
  }
}
