package dev.dialtone.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the scale scenario measured, written as {@code bench-scale.json} and {@code
 * bench-scale.md}: memory and create latency with live calls, create latency with stored calls.
 */
final class ScaleResults {
  private static final ObjectMapper JSON =
      new ObjectMapper().registerModule(new Jdk8Module()).enable(SerializationFeature.INDENT_OUTPUT);
  private static final double MIB = 1024.0 * 1024;

  /**
   * Create latency over one or more windows at one client count (their histograms merged). Times in
   * milliseconds.
   *
   * @param callsBefore calls (live or stored, as the phase counts them) before the first window's
   *     warm-up
   * @param callsAfter the same after the last window
   * @param loadAverage the machine's highest one-minute load average at the end of a window
   * @param p99ByWindowMs each window's own p99, in the order taken (for the stored phase: by round)
   */
  record Window(
      int clients,
      int windows,
      long callsBefore,
      long callsAfter,
      long requests,
      double throughput,
      double p50Ms,
      double p99Ms,
      double p999Ms,
      double maxMs,
      double cpuMicrosPerRequest,
      long errors,
      double loadAverage,
      List<Double> p99ByWindowMs) {}

  /**
   * Dialtone with {@code liveCalls} calls alive.
   *
   * @param callsByState every row of {@code calls} by state, finished warm-up calls included
   * @param timersByKind every row of {@code timers} by kind
   */
  record LivePoint(
      long liveCalls,
      Map<String, Long> callsByState,
      Map<String, Long> timersByKind,
      MemoryProbe.Reading memory,
      List<Window> windows) {}

  /** Dialtone with {@code storedCalls} finished calls stored. */
  record StoredPoint(
      long storedCalls,
      long databaseBytes,
      Map<String, Long> rows,
      MemoryProbe.Reading memory,
      List<Window> windows) {}

  /** The stored calls' template: rows per table of the finished call every copy repeats. */
  record Copies(Map<String, Integer> rowsPerCall, int idsVariedPerCopy, double insertSeconds, long inserted) {}

  /** Restarting Dialtone on the largest database: start to its ready line, then the first create. */
  record Restart(long storedCalls, double readySeconds, double firstCreateMs) {}

  record Verdict(String target, String status, String detail) {}

  private final Settings settings;
  private final Machine machine;
  private final ScaleScenario.Sizes sizes;
  private final Instant started = Instant.now();
  private final List<LivePoint> live = new ArrayList<>();
  private final List<StoredPoint> stored = new ArrayList<>();
  private Optional<MemoryProbe.Reading> ceiling = Optional.empty();
  private List<MemoryProbe.ClassBytes> heapGrowth = List.of();
  private Optional<Copies> copies = Optional.empty();
  private Optional<Restart> restart = Optional.empty();
  private final List<String> failures = new ArrayList<>();

  ScaleResults(Settings settings, Machine machine, ScaleScenario.Sizes sizes) {
    this.settings = settings;
    this.machine = machine;
    this.sizes = sizes;
  }

  synchronized void add(LivePoint point) {
    live.add(point);
    if (live.size() > 1) {
      heapGrowth = MemoryProbe.growth(live.get(0).memory(), point.memory(), 10);
    }
  }

  synchronized void add(StoredPoint point) {
    stored.add(point);
  }

  synchronized void ceiling(MemoryProbe.Reading reading) {
    ceiling = Optional.of(reading);
  }

  synchronized void copies(Copies made) {
    copies = Optional.of(made);
  }

  synchronized void restart(Restart measured) {
    restart = Optional.of(measured);
  }

  synchronized void fail(String failure) {
    failures.add(failure);
  }

  synchronized List<String> failures() {
    return List.copyOf(failures);
  }

  synchronized List<Verdict> verdicts() {
    List<Verdict> verdicts = new ArrayList<>();
    String heapTarget = "5. 100,000 live calls in ≤ 1 GiB of heap";
    verdicts.add(
        live.stream()
            .filter(p -> p.liveCalls() == 100_000)
            .findFirst()
            .map(p -> judge(heapTarget, p.memory().heapUsedBytes() <= 1L << 30,
                String.format(Locale.ROOT, "%.0f MiB used after a full GC", p.memory().heapUsedBytes() / MIB)))
            .orElse(new Verdict(heapTarget, "not measured", "no point with exactly 100,000 live calls in this run")));
    String storedTarget = "5. create p99 with 1,000,000 calls stored within 1.5× of 1,000 (1 client)";
    Optional<Window> small = storedWindow(1_000, 1);
    Optional<Window> large = storedWindow(1_000_000, 1);
    Optional<Results.Spread> ratio = small.flatMap(s -> large.flatMap(l -> perRound(l, s)));
    verdicts.add(
        ratio.isPresent()
            ? judge(storedTarget, ratio.get().median() <= 1.5,
                ratio.get().format("%.2f×") + String.format(Locale.ROOT, " (p99 ratio per round; merged windows %.2f ms ÷ %.2f ms)",
                    large.get().p99Ms(), small.get().p99Ms()))
            : new Verdict(storedTarget, "not measured", "this run did not measure 1,000 and 1,000,000 stored calls at 1 client"));
    return verdicts;
  }

  /** {@code w}'s p99 over {@code base}'s, window by window (round by round), as median (min–max). */
  static Optional<Results.Spread> perRound(Window w, Window base) {
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < Math.min(w.p99ByWindowMs().size(), base.p99ByWindowMs().size()); i++) {
      ratios.add(w.p99ByWindowMs().get(i) / base.p99ByWindowMs().get(i));
    }
    return Results.Spread.of(ratios);
  }

  private Verdict judge(String target, boolean met, String detail) {
    // A smoke run's sizes and windows say nothing about a target.
    String status = settings.mode().equals("smoke") ? "not judged (smoke run)" : met ? "met" : "not met";
    return new Verdict(target, status, detail);
  }

  private Optional<Window> storedWindow(long calls, int clients) {
    return stored.stream()
        .filter(p -> p.storedCalls() == calls)
        .flatMap(p -> p.windows().stream())
        .filter(w -> w.clients() == clients)
        .findFirst();
  }

  /** Writes {@code bench-scale.json} and {@code bench-scale.md} into {@code dir}. */
  synchronized void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("mode", settings.mode());
    json.put("started", started.toString());
    json.put("finished", Instant.now().toString());
    json.put("machine", machine);
    json.put("settings", settings);
    json.put("sizes", sizes);
    json.put("failures", failures);
    json.put("targets", verdicts());
    json.put("live", live);
    json.put("heapGrowth", heapGrowth);
    json.put("ceiling", ceiling);
    json.put("copies", copies);
    json.put("stored", stored);
    json.put("restart", restart);
    JSON.writeValue(dir.resolve("bench-scale.json").toFile(), json);
    Files.writeString(dir.resolve("bench-scale.md"), markdown());
  }

  synchronized String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Dialtone scale, ").append(settings.mode()).append(" run, ").append(started).append("\n\n");
    md.append("Machine: ").append(machine.summary()).append(".\n\n");
    if (!failures.isEmpty()) {
      md.append("**Failures:**\n\n");
      failures.forEach(f -> md.append("- ").append(f.lines().findFirst().orElse(f)).append('\n'));
      md.append('\n');
    }
    if (!live.isEmpty()) {
      LivePoint base = live.get(0);
      md.append("## Live calls: memory\n\n");
      md.append("| live calls | calls by state | timers by kind | heap used after full GC MiB | live objects MiB "
          + "| heap committed MiB | RSS MiB | heap ÷ first | RSS ÷ first |\n");
      md.append("|---:|---|---|---:|---:|---:|---:|---:|---:|\n");
      for (LivePoint p : live) {
        md.append(String.format(Locale.ROOT, "| %,d | %s | %s | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f |%n",
            p.liveCalls(), counts(p.callsByState()), counts(p.timersByKind()),
            p.memory().heapUsedBytes() / MIB, p.memory().liveObjectBytes() / MIB, p.memory().heapCommittedBytes() / MIB,
            p.memory().rssBytes() / MIB,
            p.memory().heapUsedBytes() / (double) base.memory().heapUsedBytes(),
            p.memory().rssBytes() / (double) base.memory().rssBytes()));
      }
      ceiling.ifPresent(c -> md.append(String.format(Locale.ROOT,
          "%nFor reference, the static-201 ceiling server after its warm-up: heap used after full GC %.1f MiB, RSS %.1f MiB.%n",
          c.heapUsedBytes() / MIB, c.rssBytes() / MIB)));
      if (!heapGrowth.isEmpty()) {
        md.append(String.format(Locale.ROOT, "%nLive bytes that grew most from %,d to %,d live calls (class histogram):%n%n",
            base.liveCalls(), live.get(live.size() - 1).liveCalls()));
        md.append("| class | instances added | MiB added |\n|---|---:|---:|\n");
        heapGrowth.forEach(g -> md.append(String.format(Locale.ROOT, "| `%s` | %,d | %.2f |%n", g.className(), g.instances(), g.bytes() / MIB)));
      }
      md.append("\n## Live calls: create latency\n\n");
      windowTable(md, "live calls", live.stream().map(p -> Map.entry(p.liveCalls(), p.windows())).toList());
    }
    if (!stored.isEmpty()) {
      md.append("\n## Stored calls\n\n");
      copies.ifPresent(c -> md.append(String.format(Locale.ROOT,
          "Each stored call is a copy of a finished call Dialtone wrote (rows per call: %s; %d ids varied per copy); "
              + "%,d copies inserted in %.0f s.%n%n",
          c.rowsPerCall(), c.idsVariedPerCopy(), c.inserted(), c.insertSeconds())));
      md.append("| stored calls | database MiB | rows | heap used after full GC MiB | RSS MiB |\n|---:|---:|---|---:|---:|\n");
      for (StoredPoint p : stored) {
        md.append(String.format(Locale.ROOT, "| %,d | %.0f | %s | %.1f | %.1f |%n",
            p.storedCalls(), p.databaseBytes() / MIB, counts(p.rows()), p.memory().heapUsedBytes() / MIB, p.memory().rssBytes() / MIB));
      }
      md.append("\n## Stored calls: create latency\n\n");
      md.append(String.format(Locale.ROOT, "One Dialtone per size; %d round%s, each measuring every size in turn; "
          + "figures over the merged windows, p99 ratios per round as median (min–max).%n%n", settings.rounds(), settings.rounds() == 1 ? "" : "s"));
      md.append("| stored calls | clients | windows | calls before → after | creates/s | p50 ms | p99 ms | p99.9 ms | max ms "
          + "| CPU µs/create | p99 ÷ smallest size's, per round | load average |\n");
      md.append("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (StoredPoint p : stored) {
        for (Window w : p.windows()) {
          Window base = stored.get(0).windows().stream().filter(b -> b.clients() == w.clients()).findFirst().orElse(w);
          md.append(String.format(Locale.ROOT, "| %,d | %d | %d | %,d → %,d | %.0f | %.2f | %.2f | %.2f | %.1f | %.0f | %s | %.1f |%n",
              p.storedCalls(), w.clients(), w.windows(), w.callsBefore(), w.callsAfter(), w.throughput(), w.p50Ms(), w.p99Ms(),
              w.p999Ms(), w.maxMs(), w.cpuMicrosPerRequest(), perRound(w, base).map(r -> r.format("%.2f")).orElse("–"), w.loadAverage()));
        }
      }
      restart.ifPresent(r -> md.append(String.format(Locale.ROOT,
          "%nRestarted on %,d stored calls: ready after %.1f s, first create answered in %.1f ms.%n",
          r.storedCalls(), r.readySeconds(), r.firstCreateMs())));
    }
    md.append("\n## Targets of issue 5\n\n| target | status | figure |\n|---|---|---|\n");
    for (Verdict v : verdicts()) {
      md.append("| ").append(v.target()).append(" | ").append(v.status()).append(" | ").append(v.detail()).append(" |\n");
    }
    return md.toString();
  }

  /** One row per point and client count; p99 and p99.9 also as a ratio to the first point's. */
  private static void windowTable(StringBuilder md, String what, List<Map.Entry<Long, List<Window>>> points) {
    md.append("| ").append(what).append(" | clients | windows | calls before → after | creates/s | p50 ms | p99 ms | p99.9 ms "
        + "| max ms | CPU µs/create | p99 ÷ first | p99.9 ÷ first | load average |\n");
    md.append("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    Map<Integer, Window> first = new LinkedHashMap<>();
    for (var point : points) {
      for (Window w : point.getValue()) {
        Window base = first.computeIfAbsent(w.clients(), c -> w);
        md.append(String.format(Locale.ROOT, "| %,d | %d | %d | %,d → %,d | %.0f | %.2f | %.2f | %.2f | %.1f | %.0f | %.2f | %.2f | %.1f |%n",
            point.getKey(), w.clients(), w.windows(), w.callsBefore(), w.callsAfter(), w.throughput(), w.p50Ms(), w.p99Ms(),
            w.p999Ms(), w.maxMs(), w.cpuMicrosPerRequest(), w.p99Ms() / base.p99Ms(), w.p999Ms() / base.p999Ms(), w.loadAverage()));
      }
    }
  }

  private static String counts(Map<String, Long> counts) {
    List<String> parts = new ArrayList<>();
    counts.forEach((k, v) -> parts.add(String.format(Locale.ROOT, "%s %,d", k, v)));
    return parts.isEmpty() ? "–" : String.join(", ", parts);
  }
}
