package dev.dialtone.bench;

import java.util.List;
import java.util.Optional;

/**
 * How a run is done. Durations are in seconds.
 *
 * @param jitWarmupSeconds load at {@code e2eClients} clients right after a target starts, not
 *     recorded, so the JIT has compiled the hot paths before the first measured window
 * @param warmupSeconds load before each measured window, not recorded
 * @param windowSeconds each measured window
 * @param drainSeconds how long to wait after the end-to-end window for the last calls' {@code
 *     established}
 * @param pinCpus a {@code taskset -c} CPU list for every target, if wanted
 */
record Settings(
    String mode,
    int rounds,
    double jitWarmupSeconds,
    double warmupSeconds,
    double windowSeconds,
    List<Integer> clients,
    int e2eClients,
    double drainSeconds,
    List<Target> targets,
    Optional<String> pinCpus) {

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
    if (clients.isEmpty() || clients.stream().anyMatch(c -> c < 1) || e2eClients < 1) {
      throw new IllegalArgumentException("client counts must be at least 1, got " + clients + " and " + e2eClients);
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("at least one target is needed");
    }
    clients = List.copyOf(clients);
    targets = List.copyOf(targets);
  }

  /** The full run: a few minutes. */
  static Settings full() {
    return new Settings("full", 3, 4, 1, 4, List.of(1, 16, 64), 16, 10, List.of(Target.values()), Optional.empty());
  }

  /** The CI run: every code path, a few seconds of load, no timing asserted. */
  static Settings smoke() {
    return new Settings("smoke", 1, 0.3, 0.1, 0.3, List.of(1, 16, 64), 16, 10, List.of(Target.values()), Optional.empty());
  }
}
