package dev.dialtone.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * What a run measured, summarised over its rounds, written as {@code bench-results.json} and
 * {@code bench-results.md}.
 *
 * <p>Every comparison is a ratio taken <em>within</em> a round (Dialtone's figure over the
 * baseline's, measured minutes apart on the same machine), then summarised over the rounds as
 * median (min–max). Absolute figures are given the same way; on a shared machine only the ratios
 * travel.
 */
final class Results {
  private static final ObjectMapper JSON =
      new ObjectMapper().registerModule(new Jdk8Module()).enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One target at one client count in one round. Times in milliseconds; CPU as cores used over the
   * window ({@code targetJitCpuCores}: the part of it spent by the JIT compiler threads, which shows
   * whether the target was still warming up). The database's CPU (PostgreSQL's processes, 0 for
   * the embedded store and the baselines) is apart from the target's.
   */
  record Measurement(
      int round,
      String target,
      int clients,
      long requests,
      double throughput,
      double p50Ms,
      double p90Ms,
      double p99Ms,
      double p999Ms,
      double maxMs,
      long errors,
      double targetCpuCores,
      double targetJitCpuCores,
      double targetCpuMicrosPerRequest,
      double harnessCpuCores,
      double notificationsPerSecond,
      double databaseCpuCores,
      double databaseCpuMicrosPerRequest) {}

  /** The POST-to-established measurement of one round on one Dialtone target. Times in milliseconds. */
  record EndToEnd(
      int round,
      int clients,
      long creates,
      double createThroughput,
      double createP50Ms,
      double createP99Ms,
      long established,
      double p50Ms,
      double p99Ms,
      double p999Ms,
      double maxMs,
      long missing,
      long errors,
      String target) {}

  /** How long a target was warmed up, and how busy its JIT still was at the end. */
  record WarmUp(int round, String target, double seconds, double jitCoresInLastStep) {}

  /** Median, min and max of one figure over the rounds. */
  record Spread(double median, double min, double max, int rounds) {
    static Optional<Spread> of(List<Double> values) {
      if (values.isEmpty()) {
        return Optional.empty();
      }
      List<Double> sorted = values.stream().sorted().toList();
      int n = sorted.size();
      double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
      return Optional.of(new Spread(median, sorted.get(0), sorted.get(n - 1), n));
    }

    String format(String pattern) {
      if (rounds == 1) {
        return String.format(Locale.ROOT, pattern, median);
      }
      return String.format(Locale.ROOT, pattern + " (" + pattern + "–" + pattern + ")", median, min, max);
    }
  }

  record Summary(
      String target,
      int clients,
      Spread throughput,
      Spread p50Ms,
      Spread p99Ms,
      Spread p999Ms,
      Spread targetCpuMicrosPerRequest,
      Spread notificationsPerSecond,
      long errors,
      Spread databaseCpuMicrosPerRequest) {}

  /** Dialtone's figure (on the store of {@code target}) over a baseline's, per round. */
  record Ratio(String target, int clients, String baseline, Spread throughput, Spread p99) {}

  /** An issue target and where this run left it: met, not met, or not measured yet. */
  record Verdict(String target, String status, String detail) {}

  private final Settings settings;
  private final Machine machine;
  private final DeliveryResults delivery;
  private final Instant started = Instant.now();
  private final List<Measurement> measurements = new ArrayList<>();
  private final List<EndToEnd> endToEnd = new ArrayList<>();
  private final List<WarmUp> warmUps = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();

  Results(Settings settings, Machine machine, DeliveryResults delivery) {
    this.settings = settings;
    this.machine = machine;
    this.delivery = delivery;
  }

  synchronized void add(Measurement measurement) {
    measurements.add(measurement);
  }

  synchronized void add(EndToEnd measurement) {
    endToEnd.add(measurement);
  }

  synchronized void add(WarmUp warmUp) {
    warmUps.add(warmUp);
  }

  synchronized void fail(String failure) {
    failures.add(failure);
  }

  synchronized List<String> failures() {
    return List.copyOf(failures);
  }

  synchronized List<Summary> summaries() {
    List<Summary> summaries = new ArrayList<>();
    for (String target : settings.targetKeys()) {
      for (int clients : settings.clients()) {
        List<Measurement> of = of(target, clients);
        if (of.isEmpty()) {
          continue;
        }
        summaries.add(
            new Summary(
                target,
                clients,
                spread(of, Measurement::throughput),
                spread(of, Measurement::p50Ms),
                spread(of, Measurement::p99Ms),
                spread(of, Measurement::p999Ms),
                spread(of, Measurement::targetCpuMicrosPerRequest),
                spread(of, Measurement::notificationsPerSecond),
                of.stream().mapToLong(Measurement::errors).sum(),
                spread(of, Measurement::databaseCpuMicrosPerRequest)));
      }
    }
    return summaries;
  }

  synchronized List<Ratio> ratios() {
    List<Ratio> ratios = new ArrayList<>();
    for (String target : settings.targetKeys().stream().filter(DialtoneStore::isDialtone).toList()) {
      for (String baseline : List.of(Target.CEILING.key(), Target.WIREMOCK.key())) {
        for (int clients : settings.clients()) {
          List<Double> throughput = new ArrayList<>();
          List<Double> p99 = new ArrayList<>();
          for (Measurement dialtone : of(target, clients)) {
            find(baseline, clients, dialtone.round())
                .ifPresent(
                    base -> {
                      throughput.add(dialtone.throughput() / base.throughput());
                      p99.add(dialtone.p99Ms() / base.p99Ms());
                    });
          }
          Spread.of(throughput)
              .ifPresent(t -> ratios.add(new Ratio(target, clients, baseline, t, Spread.of(p99).orElseThrow())));
        }
      }
    }
    return ratios;
  }

  synchronized List<Verdict> verdicts() {
    List<Verdict> verdicts = new ArrayList<>();
    List<Ratio> ratios = ratios();
    String embedded = DialtoneStore.SQLITE.key();
    verdicts.add(ratioVerdict("1. create, 64 clients, embedded store: ≥ 50 % of the static-201 ceiling", embedded, ratios, Target.CEILING, 0.5));
    verdicts.add(ratioVerdict("1. create, 64 clients, embedded store: ≥ 5× WireMock", embedded, ratios, Target.WIREMOCK, 5));
    verdicts.add(p99Verdict("1. create p99 ≤ 10 ms at 64 clients", embedded, 64, 10));
    verdicts.add(p99Verdict("1. create p99 ≤ 2 ms at 1 client", embedded, 1, 2));
    String postgres = new DialtoneStore(DialtoneStore.Kind.POSTGRES, 1).key();
    verdicts.add(ratioVerdict("1. create, 64 clients, PostgreSQL: ≥ 50 % of the static-201 ceiling", postgres, ratios, Target.CEILING, 0.5));
    verdicts.add(ratioVerdict("1. create, 64 clients, PostgreSQL: ≥ 5× WireMock", postgres, ratios, Target.WIREMOCK, 5));
    verdicts.add(p99Verdict("1. create p99 on PostgreSQL ≤ 10 ms at 64 clients", postgres, 64, 10));
    verdicts.add(p99Verdict("1. create p99 on PostgreSQL ≤ 2 ms at 1 client", postgres, 1, 2));
    List<Double> creates = of(postgres, 64).stream().map(Measurement::throughput).toList();
    String perNode = "2. PostgreSQL (fsync, synchronous_commit on), one node, 64 clients: ≥ 10,000 creates/s";
    verdicts.add(
        Spread.of(creates).map(s -> verdict(perNode, s, creates, v -> v >= 10_000, "%.0f/s")).orElseGet(() -> notMeasured(perNode)));
    List<Double> e2e =
        endToEnd.stream().filter(e -> e.clients() == 16 && e.target().equals(embedded)).map(EndToEnd::p99Ms).toList();
    verdicts.add(
        Spread.of(e2e)
            .map(s -> verdict("3. POST → established received by the bot: p99 ≤ 20 ms at 16 clients", s, e2e, v -> v <= 20, "%.1f ms"))
            .orElseGet(() -> notMeasured("3. POST → established received by the bot: p99 ≤ 20 ms at 16 clients")));
    verdicts.add(delivery.throughputVerdict());
    verdicts.add(notMeasured("5. 100,000 live calls in ≤ 1 GiB of heap; create p99 with 1,000,000 calls stored within 1.5× of 1,000"));
    verdicts.add(delivery.recoveryVerdict());
    return verdicts;
  }

  private Verdict ratioVerdict(String name, String target, List<Ratio> ratios, Target baseline, double atLeast) {
    List<Double> perRound = new ArrayList<>();
    for (Measurement dialtone : of(target, 64)) {
      find(baseline.key(), 64, dialtone.round()).ifPresent(base -> perRound.add(dialtone.throughput() / base.throughput()));
    }
    return ratios.stream()
        .filter(r -> r.target().equals(target) && r.clients() == 64 && r.baseline().equals(baseline.key()))
        .findFirst()
        .map(r -> verdict(name, r.throughput(), perRound, v -> v >= atLeast, "%.3f×"))
        .orElseGet(() -> notMeasured(name));
  }

  private Verdict p99Verdict(String name, String target, int clients, double atMostMs) {
    List<Double> p99 = of(target, clients).stream().map(Measurement::p99Ms).toList();
    return Spread.of(p99)
        .map(s -> verdict(name, s, p99, v -> v <= atMostMs, "%.2f ms"))
        .orElseGet(() -> notMeasured(name));
  }

  private Verdict verdict(
      String name, Spread spread, List<Double> perRound, java.util.function.DoublePredicate ok, String pattern) {
    long good = perRound.stream().filter(ok::test).count();
    // A smoke run's windows are far too short to say anything about a target.
    String status = settings.mode().equals("smoke") ? "not judged (smoke run)" : ok.test(spread.median()) ? "met" : "not met";
    return new Verdict(
        name,
        status,
        spread.format(pattern) + "; met in " + good + " of " + perRound.size() + " round" + (perRound.size() == 1 ? "" : "s"));
  }

  private static Verdict notMeasured(String name) {
    return new Verdict(name, "not measured yet", "");
  }

  private List<Measurement> of(String target, int clients) {
    return measurements.stream()
        .filter(m -> m.target().equals(target) && m.clients() == clients)
        .sorted(Comparator.comparingInt(Measurement::round))
        .toList();
  }

  private Optional<Measurement> find(String target, int clients, int round) {
    return measurements.stream()
        .filter(m -> m.target().equals(target) && m.clients() == clients && m.round() == round)
        .findFirst();
  }

  private static Spread spreadOf(List<EndToEnd> of, ToDoubleFunction<EndToEnd> figure) {
    return Spread.of(of.stream().map(e -> figure.applyAsDouble(e)).toList()).orElseThrow();
  }

  private static Spread spread(List<Measurement> of, ToDoubleFunction<Measurement> figure) {
    return Spread.of(of.stream().map(m -> figure.applyAsDouble(m)).toList()).orElseThrow();
  }

  /** Writes {@code bench-results.json} and {@code bench-results.md} into {@code dir}. */
  synchronized void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("mode", settings.mode());
    json.put("started", started.toString());
    json.put("finished", Instant.now().toString());
    json.put("machine", machine);
    json.put("settings", settings);
    json.put("failures", failures);
    json.put("summary", summaries());
    json.put("ratios", ratios());
    json.put("endToEnd", endToEnd);
    json.put("targets", verdicts());
    json.put("measurements", measurements);
    json.put("warmUps", warmUps);
    json.put("delivery", delivery.json());
    JSON.writeValue(dir.resolve("bench-results.json").toFile(), json);
    Files.writeString(dir.resolve("bench-results.md"), markdown());
  }

  synchronized String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Dialtone benchmark, ").append(settings.mode()).append(" run, ").append(started).append("\n\n");
    md.append("Machine: ").append(machine.summary()).append(".\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Method: %d round%s, targets interleaved (%s) in each, each target started afresh in its slot; closed loop; "
                + "after each start %.1f–%.1f s of load unrecorded (until the JIT threads are quiet), then per client count "
                + "%.1f s warm-up and a %.1f s window (Dialtone: once the notifications of earlier calls have all arrived). "
                + "Figures: median (min–max) over the rounds.%s\n\n",
            settings.rounds(),
            settings.rounds() == 1 ? "" : "s",
            String.join(", ", settings.targetKeys()),
            settings.jitWarmupSeconds(),
            settings.jitWarmupMaxSeconds(),
            settings.warmupSeconds(),
            settings.windowSeconds(),
            settings.pinCpus().map(c -> " Targets pinned to CPUs " + c + ".").orElse("")));
    if (!failures.isEmpty()) {
      md.append("**Failures:**\n\n");
      failures.forEach(f -> md.append("- ").append(f.lines().findFirst().orElse(f)).append('\n'));
      md.append('\n');
    }
    List<Summary> summaries = summaries();
    if (!summaries.isEmpty()) {
      md.append("## Create call: `POST /v1.0/communications/calls`\n\n");
      md.append(
          "| target | clients | requests/s | p50 ms | p99 ms | p99.9 ms | target CPU µs/request "
              + "| database CPU µs/request | notifications/s received (steady state: 2 × requests/s) | errors |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Summary s : summaries) {
        md.append("| ")
            .append(DialtoneStore.labelOf(s.target()))
            .append(" | ")
            .append(s.clients())
            .append(" | ")
            .append(s.throughput().format("%.0f"))
            .append(" | ")
            .append(s.p50Ms().format("%.2f"))
            .append(" | ")
            .append(s.p99Ms().format("%.2f"))
            .append(" | ")
            .append(s.p999Ms().format("%.2f"))
            .append(" | ")
            .append(s.targetCpuMicrosPerRequest().format("%.0f"))
            .append(" | ")
            .append(s.databaseCpuMicrosPerRequest().median() > 0 ? s.databaseCpuMicrosPerRequest().format("%.0f") : "–")
            .append(" | ")
            .append(DialtoneStore.isDialtone(s.target()) ? s.notificationsPerSecond().format("%.0f") : "–")
            .append(" | ")
            .append(s.errors())
            .append(" |\n");
      }
    }
    List<Ratio> ratios = ratios();
    if (!ratios.isEmpty()) {
      md.append("\n## Dialtone relative to the baselines (ratio per round)\n\n");
      md.append("| Dialtone | clients | baseline | Dialtone throughput ÷ baseline's | Dialtone p99 ÷ baseline's |\n");
      md.append("|---|---:|---|---:|---:|\n");
      for (Ratio r : ratios) {
        md.append("| ")
            .append(DialtoneStore.labelOf(r.target()))
            .append(" | ")
            .append(r.clients())
            .append(" | ")
            .append(Target.of(r.baseline()).label())
            .append(" | ")
            .append(r.throughput().format("%.3f"))
            .append(" | ")
            .append(r.p99().format("%.2f"))
            .append(" |\n");
      }
    }
    if (!endToEnd.isEmpty()) {
      md.append("\n## End to end: create request sent → `established` notification received (callee answers at once)\n\n");
      md.append("| Dialtone | clients | creates/s | create p99 ms | established p50 ms | p99 ms | p99.9 ms | established received | missing |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (String target : settings.targetKeys().stream().filter(DialtoneStore::isDialtone).toList()) {
        for (int clients : settings.e2eClients()) {
          List<EndToEnd> of = endToEnd.stream().filter(e -> e.clients() == clients && e.target().equals(target)).toList();
          if (of.isEmpty()) {
            continue;
          }
          md.append("| ")
              .append(DialtoneStore.labelOf(target))
              .append(" | ")
              .append(clients)
              .append(" | ")
              .append(spreadOf(of, EndToEnd::createThroughput).format("%.0f"))
              .append(" | ")
              .append(spreadOf(of, EndToEnd::createP99Ms).format("%.2f"))
              .append(" | ")
              .append(spreadOf(of, EndToEnd::p50Ms).format("%.1f"))
              .append(" | ")
              .append(spreadOf(of, EndToEnd::p99Ms).format("%.1f"))
              .append(" | ")
              .append(spreadOf(of, EndToEnd::p999Ms).format("%.1f"))
              .append(" | ")
              .append(of.stream().mapToLong(EndToEnd::established).sum())
              .append(" | ")
              .append(of.stream().mapToLong(EndToEnd::missing).sum())
              .append(" |\n");
        }
      }
    }
    if (!warmUps.isEmpty()) {
      md.append("\n## Warm-up per slot\n\n| round | target | seconds | JIT threads in the last step (cores) |\n|---:|---|---:|---:|\n");
      for (WarmUp w : warmUps) {
        md.append(String.format(Locale.ROOT, "| %d | %s | %.1f | %.2f |%n", w.round(), w.target(), w.seconds(), w.jitCoresInLastStep()));
      }
    }
    md.append(delivery.markdown());
    md.append("\n## Targets of issue 5\n\n| target | status | figure |\n|---|---|---|\n");
    for (Verdict v : verdicts()) {
      md.append("| ").append(v.target()).append(" | ").append(v.status()).append(" | ").append(v.detail()).append(" |\n");
    }
    return md.toString();
  }
}
