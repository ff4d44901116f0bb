package dev.dialtone.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The run: rounds of slots, one slot per target in the order given (A, B, C, A, B, C, …), so that
 * whatever else the shared machine is doing drifts across all targets alike. Each slot starts its
 * target fresh (a new process, a new data directory), loads it for the JIT, measures it at each
 * client count, and stops it, so no target's background work (Dialtone's notifications and timers)
 * runs while another is measured.
 */
final class Rounds {
  private static final String PAGE_CALLBACK = "https://bot.contoso.com/callback";

  private final Settings settings;
  private final Launcher launcher;
  private final CallbackReceiver receiver;
  private final Results results;
  private final Path work;
  private final byte[] body;
  /** What the ceiling answers: Dialtone's own 201 body once Dialtone has answered one. */
  private Path ceilingBody;
  /** What the baselines get as Authorization: Dialtone's real token once there is one, else as long. */
  private String authorization = "Bearer " + "x".repeat(1100);

  Rounds(Settings settings, Launcher launcher, CallbackReceiver receiver, Results results, Path work) {
    this.settings = settings;
    this.launcher = launcher;
    this.receiver = receiver;
    this.results = results;
    this.work = work;
    this.body =
        new String(Launcher.Resources.bytes("create-call-request.json"), StandardCharsets.UTF_8)
            .replace(PAGE_CALLBACK, receiver.url())
            .getBytes(StandardCharsets.UTF_8);
    this.ceilingBody = work.resolve("ceiling-body.json");
    write(ceilingBody, Launcher.Resources.bytes("create-call-response.json"));
  }

  void run() {
    for (int round = 1; round <= settings.rounds(); round++) {
      for (Target target : settings.targets()) {
        slot(round, target);
      }
    }
  }

  private void slot(int round, Target target) {
    Path dir = work.resolve("r" + round + "-" + target.key());
    Path log = work.resolve("logs").resolve("r" + round + "-" + target.key() + ".log");
    progress("round %d/%d: starting %s", round, settings.rounds(), target.label());
    try (Launcher.Running running = launcher.start(target, dir, log, ceilingBody)) {
      if (target == Target.DIALTONE_E2E) {
        endToEnd(round, running);
      } else {
        createLoad(round, running);
      }
    } finally {
      deleteRecursively(dir);
    }
  }

  private void createLoad(int round, Launcher.Running running) {
    Target target = running.target();
    try (CreateCallRequests requests =
        target == Target.DIALTONE
            ? CreateCallRequests.withTokens(running.base(), body)
            : CreateCallRequests.fixed(running.base(), body, authorization)) {
      HttpConnection.Response first = Launcher.probe(running, requests.current());
      if (target == Target.DIALTONE) {
        ceilingBody = work.resolve("ceiling-body.json");
        write(ceilingBody, first.body());
        authorization = requests.authorization();
      }
      check(running, "JIT warm-up", warmUp(running, requests, LoadGenerator.Observer.NONE));
      for (int clients : settings.clients()) {
        measure(round, running, requests, clients);
      }
    }
  }

  private LoadGenerator.Result warmUp(Launcher.Running running, CreateCallRequests requests, LoadGenerator.Observer observer) {
    return LoadGenerator.run(
        running.address(),
        requests::current,
        201,
        settings.e2eClients(),
        seconds(settings.jitWarmupSeconds()),
        Duration.ZERO,
        observer,
        LoadGenerator.Window.NONE);
  }

  private void measure(int round, Launcher.Running running, CreateCallRequests requests, int clients) {
    Sampler sampler = new Sampler(running.process(), receiver);
    LoadGenerator.Result result =
        LoadGenerator.run(
            running.address(),
            requests::current,
            201,
            clients,
            seconds(settings.warmupSeconds()),
            seconds(settings.windowSeconds()),
            LoadGenerator.Observer.NONE,
            sampler);
    running.process().requireAlive();
    Histogram h = result.latencyNanos();
    double windowSeconds = settings.windowSeconds();
    Results.Measurement m =
        new Results.Measurement(
            round,
            running.target().key(),
            clients,
            result.requests(),
            result.throughput(),
            ms(h, 50),
            ms(h, 90),
            ms(h, 99),
            ms(h, 99.9),
            h.getTotalCount() == 0 ? 0 : h.getMaxValue() / 1e6,
            result.errors(),
            sampler.targetCpuSeconds() / windowSeconds,
            result.requests() == 0 ? 0 : sampler.targetCpuSeconds() * 1e6 / result.requests(),
            sampler.harnessCpuSeconds() / windowSeconds,
            sampler.notifications() / windowSeconds);
    results.add(m);
    progress(
        "round %d %-9s %3d clients: %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  target CPU %.2f cores, %.0f µs/req  errors %d",
        round, running.target().key(), clients, m.throughput(), m.p50Ms(), m.p99Ms(), m.p999Ms(), m.targetCpuCores(),
        m.targetCpuMicrosPerRequest(), m.errors());
    check(running, clients + " clients", result);
  }

  private void endToEnd(int round, Launcher.Running running) {
    Launcher.useEndToEndDirectory(running);
    EndToEndTracker tracker = new EndToEndTracker();
    LoadGenerator.Observer observer =
        (response, sent, measured) -> {
          if (response.status() == 201) {
            String location =
                response.location().orElseThrow(() -> new BenchException("Dialtone's 201 has no Location header"));
            tracker.created(location.substring(location.lastIndexOf('/') + 1), sent, measured);
          }
        };
    try (CreateCallRequests requests = CreateCallRequests.withTokens(running.base(), body)) {
      Launcher.probe(running, requests.current());
      receiver.attach(tracker);
      check(running, "JIT warm-up", warmUp(running, requests, observer));
      LoadGenerator.Result result =
          LoadGenerator.run(
              running.address(),
              requests::current,
              201,
              settings.e2eClients(),
              seconds(settings.warmupSeconds()),
              seconds(settings.windowSeconds()),
              observer,
              LoadGenerator.Window.NONE);
      long missing = tracker.awaitAll(seconds(settings.drainSeconds()));
      Histogram e2e = tracker.latencyNanos();
      Histogram create = result.latencyNanos();
      Results.EndToEnd m =
          new Results.EndToEnd(
              round,
              settings.e2eClients(),
              result.requests(),
              result.throughput(),
              ms(create, 50),
              ms(create, 99),
              e2e.getTotalCount(),
              ms(e2e, 50),
              ms(e2e, 99),
              ms(e2e, 99.9),
              e2e.getTotalCount() == 0 ? 0 : e2e.getMaxValue() / 1e6,
              missing,
              result.errors());
      results.add(m);
      progress(
          "round %d e2e       %3d clients: %8.0f creates/s  established p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  missing %d",
          round, m.clients(), m.createThroughput(), m.p50Ms(), m.p99Ms(), m.p999Ms(), missing);
      check(running, "end to end", result);
      if (missing > 0) {
        results.fail(
            "e2e round " + round + ": " + missing + " calls created in the window were not reported established within "
                + settings.drainSeconds() + " s; see " + running.process().log());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while waiting for established notifications", e);
    } finally {
      receiver.detach();
    }
  }

  /** Records a failure if the run had errors: a benchmark of failing requests measures nothing. */
  private void check(Launcher.Running running, String phase, LoadGenerator.Result result) {
    if (result.errors() > 0) {
      results.fail(
          String.format(
              Locale.ROOT,
              "%s, %s: %d errors (%d I/O, unexpected statuses %s), first: %s; see %s",
              running.target().key(),
              phase,
              result.errors(),
              result.ioErrors(),
              result.unexpected(),
              result.firstUnexpected().orElse("-"),
              running.process().log()));
    }
  }

  /** Samples the target's and the harness's CPU time and the notifications received as the window opens and closes. */
  private static final class Sampler implements LoadGenerator.Window {
    private final ChildProcess target;
    private final CallbackReceiver receiver;
    private Duration targetAtOpen = Duration.ZERO;
    private Duration targetAtClose = Duration.ZERO;
    private Duration harnessAtOpen = Duration.ZERO;
    private Duration harnessAtClose = Duration.ZERO;
    private long notificationsAtOpen;
    private long notificationsAtClose;

    Sampler(ChildProcess target, CallbackReceiver receiver) {
      this.target = target;
      this.receiver = receiver;
    }

    @Override
    public void opened() {
      targetAtOpen = target.cpuTime();
      harnessAtOpen = harnessCpu();
      notificationsAtOpen = receiver.received();
    }

    @Override
    public void closed() {
      targetAtClose = target.cpuTime();
      harnessAtClose = harnessCpu();
      notificationsAtClose = receiver.received();
    }

    double targetCpuSeconds() {
      return targetAtClose.minus(targetAtOpen).toNanos() / 1e9;
    }

    double harnessCpuSeconds() {
      return harnessAtClose.minus(harnessAtOpen).toNanos() / 1e9;
    }

    long notifications() {
      return notificationsAtClose - notificationsAtOpen;
    }

    private static Duration harnessCpu() {
      return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    }
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e6;
  }

  private static Duration seconds(double seconds) {
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  private static void write(Path path, byte[] bytes) {
    try {
      Files.createDirectories(path.getParent());
      Files.write(path, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.err.println("bench: could not delete " + dir + ": " + e.getMessage());
    }
  }

  static void progress(String format, Object... args) {
    System.err.println("bench: " + String.format(Locale.ROOT, format, args));
  }
}
