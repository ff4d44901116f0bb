package dev.dialtone.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/bench}: runs the benchmark and writes its results. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures Dialtone's create-call throughput and latency beside two baselines started in the same run "
          + "(a static-201 Helidon server and WireMock standalone), and POST-to-established latency; the delivery rate of a "
          + "notification backlog beside a minimal sender; the recovery of a backlog pending at a kill -9; and (--scenario scale) "
          + "memory and create latency with many calls live or stored.",
      "Writes dialtone-bench/target/bench-results.json and bench-results.md (--scenario scale: bench-scale.json and .md).",
      "Options left out take the values of the mode: a full run of a few minutes, or --smoke."
    },
    sortOptions = false)
public final class Main implements Callable<Integer> {
  // Held here: java.util.logging keeps loggers weakly, and a collected one loses its level.
  private static final Logger HELIDON_LOG = Logger.getLogger("io.helidon");

  @Option(names = "--smoke", description = "A few seconds in all, one round: checks that everything works; asserts no timing.")
  boolean smoke;

  @Option(names = {"--scenario", "--scenarios"}, split = ",", paramLabel = "NAME", description = "What to measure, in each round "
      + "in this order: create (create-call load beside the baselines, and end to end), delivery (a notification backlog to a "
      + "local receiver, beside a minimal sender), recovery (a backlog pending at a kill -9); after the rounds, scale (memory "
      + "and create latency with many live and stored calls, 10-25 minutes). Full run: create, delivery, recovery; smoke: all four.")
  List<String> scenarios;

  @Mixin ScaleScenario.Options scale = new ScaleScenario.Options();

  @Option(names = "--rounds", description = "Rounds; each runs every target once (full: 3, smoke: 1).")
  Integer rounds;

  @Option(names = "--jit-warmup", paramLabel = "SECONDS", description = "Least unrecorded load after each target starts (full: 4, smoke: 0.3).")
  Double jitWarmup;

  @Option(names = "--jit-warmup-max", paramLabel = "SECONDS", description = "Most unrecorded load after each target starts: "
      + "it goes on while the target's JIT compiler threads are busy (full: 15, smoke: 0.3).")
  Double jitWarmupMax;

  @Option(names = "--warmup-clients", description = "Clients of that warm-up (default 4: few enough that Dialtone's notification delivery keeps up).")
  Integer warmupClients;

  @Option(names = "--warmup", paramLabel = "SECONDS", description = "Unrecorded load before each window (full: 1, smoke: 0.1).")
  Double warmup;

  @Option(names = "--duration", paramLabel = "SECONDS", description = "Each measured window (full: 3, smoke: 0.3).")
  Double duration;

  @Option(names = "--clients", split = ",", description = "Client counts of the create-call load (default 1,16,64).")
  List<Integer> clients;

  @Option(names = "--e2e-clients", split = ",", description = "Client counts of the POST-to-established measurement, last in "
      + "Dialtone's slot; 0 leaves it out (default 1,16).")
  List<Integer> e2eClients;

  @Option(names = "--targets", split = ",", description = "Targets, in the order of each round: dialtone, ceiling, wiremock (default all three).")
  List<String> targets;

  @Option(names = "--store", split = ",", paramLabel = "STORE", description = "Where Dialtone keeps its calls: sqlite (the embedded "
      + "file), postgres (a PostgreSQL 14 server the harness starts, fsync and synchronous_commit on), or both, each in its own slot "
      + "(full: sqlite, smoke: sqlite,postgres).")
  List<String> stores;

  @Option(names = "--nodes", description = "Dialtone processes on the one PostgreSQL database (1 to 3; default 1), each on its own port "
      + "with its own --node-id; the clients are spread round-robin over them.")
  Integer nodes;

  @Option(names = "--pin-targets", paramLabel = "CPUS", description = "Run every target under taskset -c CPUS (e.g. 1); default: no pinning. "
      + "Pin the harness itself with taskset -c 0 bin/bench.")
  String pinTargets;

  @Option(names = "--dialtone-jvm-arg", paramLabel = "ARG", description = "An extra JVM option for Dialtone (repeatable), e.g. "
      + "-XX:StartFlightRecording=filename=dialtone.jfr,settings=profile")
  List<String> dialtoneJvmArgs = new ArrayList<>();

  @Option(names = "--delivery-calls", description = "Calls whose notifications (two each) make the delivery scenario's measured "
      + "backlog (full: 10000, smoke: 100); in a full run a first backlog as large warms up.")
  Integer deliveryCalls;

  @Option(names = "--recovery-calls", description = "Calls whose notifications (two each) are pending at the recovery scenario's "
      + "kill -9 (full: 5000, smoke: 100).")
  Integer recoveryCalls;

  @Option(names = "--delivery-targets", split = ",", description = "Slots of the delivery scenario, in order: dialtone, "
      + "dialtone-unsigned, sender (default all three; sender replays what a Dialtone slot sent, so it comes after one).")
  List<String> deliveryTargets;

  @Option(names = "--root", description = "The repository root (default: the current directory).")
  Path root = Path.of(".");

  @Option(names = "--out", description = "Where the results go, relative to the root (default dialtone-bench/target).")
  Path out = Path.of("dialtone-bench/target");

  private List<DialtoneStore> stores(Settings mode) {
    if (stores == null) {
      if (nodes != null && nodes != 1) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--nodes needs --store postgres");
      }
      return mode.stores();
    }
    try {
      return stores.stream()
          .map(name -> DialtoneStore.of(name, name.equalsIgnoreCase("sqlite") ? 1 : nodes == null ? 1 : nodes))
          .toList();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
    }
  }

  public static void main(String[] args) {
    HELIDON_LOG.setLevel(Level.WARNING);
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Settings mode = smoke ? Settings.smoke() : Settings.full();
    Settings settings =
        new Settings(
            mode.mode(),
            rounds != null ? rounds : mode.rounds(),
            jitWarmup != null ? jitWarmup : mode.jitWarmupSeconds(),
            jitWarmupMax != null ? jitWarmupMax : Math.max(mode.jitWarmupMaxSeconds(), jitWarmup != null ? jitWarmup : 0),
            mode.jitQuietCores(),
            warmupClients != null ? warmupClients : mode.warmupClients(),
            warmup != null ? warmup : mode.warmupSeconds(),
            duration != null ? duration : mode.windowSeconds(),
            clients != null ? clients : mode.clients(),
            e2eClients == null ? mode.e2eClients() : e2eClients.stream().filter(c -> c != 0).toList(),
            mode.drainSeconds(),
            targets != null ? targets.stream().map(Target::of).toList() : mode.targets(),
            Optional.ofNullable(pinTargets),
            stores(mode));
    List<String> all = List.of("create", "delivery", "recovery", "scale");
    List<String> chosen =
        scenarios != null ? scenarios : smoke ? all : List.of("create", "delivery", "recovery");
    for (String scenario : chosen) {
      if (!all.contains(scenario)) {
        throw new CommandLine.ParameterException(
            new CommandLine(this), "no scenario '" + scenario + "'; they are " + String.join(", ", all));
      }
    }
    boolean roundsRun = chosen.stream().anyMatch(scenario -> !scenario.equals("scale"));
    DeliverySettings deliveryMode = smoke ? DeliverySettings.smoke() : DeliverySettings.full();
    int measuredCalls = deliveryCalls != null ? deliveryCalls : deliveryMode.deliveryCalls();
    DeliverySettings deliverySettings =
        new DeliverySettings(
            chosen.contains("delivery"),
            chosen.contains("recovery"),
            deliveryCalls != null && !smoke ? deliveryCalls : deliveryMode.warmupCalls(),
            measuredCalls,
            recoveryCalls != null ? recoveryCalls : deliveryMode.recoveryCalls(),
            deliveryMode.creators(),
            deliveryMode.senderConnections(),
            deliveryMode.timeoutSeconds(),
            deliveryTargets != null ? deliveryTargets.stream().map(DeliveryTarget::of).toList() : deliveryMode.targets());
    Machine machine = Machine.describe();
    if (settings.pinCpus().isPresent() && !machine.tasksetAvailable()) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--pin-targets needs taskset, which this machine does not have");
    }
    Path root = this.root.toAbsolutePath().normalize();
    Path outDir = root.resolve(out);
    Path work = outDir.resolve("bench-work");
    Rounds.deleteRecursively(work);
    DeliveryResults delivery = new DeliveryResults(deliverySettings, settings.mode());
    Results results = new Results(settings, machine, delivery);
    Launcher launcher = new Launcher(root, settings.pinCpus(), dialtoneJvmArgs);
    Rounds.progress("%s run on %s", settings.mode(), machine.summary());
    try (CallbackReceiver receiver = CallbackReceiver.start()) {
      boolean create = chosen.contains("create");
      launcher.requireArtefacts(create ? settings.targets() : List.of(Target.DIALTONE));
      if (!create || settings.targets().contains(Target.DIALTONE)) {
        launcher.prepareDialtone(work.resolve("prepare"), work.resolve("logs").resolve("prepare.log"));
      }
      Rounds rounds = new Rounds(settings, launcher, receiver, results, work);
      DeliveryRounds deliveryRounds = new DeliveryRounds(deliverySettings, launcher, receiver, results, delivery, work);
      for (int round = 1; round <= settings.rounds(); round++) {
        if (create) {
          rounds.round(round);
        }
        deliveryRounds.round(round);
      }
      if (chosen.contains("scale")) {
        new ScaleScenario(settings, scale.sizes(smoke), machine, launcher, receiver, work).run(outDir).forEach(results::fail);
      }
    } catch (BenchException e) {
      results.fail(e.getMessage());
    } finally {
      if (roundsRun) {
        results.write(outDir);
      }
    }
    if (roundsRun) {
      System.out.println(results.markdown());
      System.out.println("Results: " + outDir.resolve("bench-results.json") + " and " + outDir.resolve("bench-results.md"));
    }
    List<String> failures = results.failures();
    if (!failures.isEmpty()) {
      System.err.println("bench: FAILED:");
      failures.forEach(f -> System.err.println("  " + f));
      return 1;
    }
    return 0;
  }
}
