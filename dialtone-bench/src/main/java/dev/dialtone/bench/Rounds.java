package dev.dialtone.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The run: rounds of slots, one slot per target in the order given (A, B, C, A, B, C, …), so that
 * whatever else the shared machine is doing drifts across all targets alike. Each slot starts its
 * target afresh (a new process, a new data directory), warms it up, measures it at each client
 * count, and stops it, so no target's background work (Dialtone's notifications and timers) runs
 * while another is measured.
 *
 * <p>Warm-up: at least {@link Settings#jitWarmupSeconds()} of load, continued while the target's
 * JIT compiler threads are still busy (Dialtone's code base keeps C2 compiling for half a minute on
 * 2 cores; a window taken before that measures the compiler).
 *
 * <p>Every call Dialtone creates here gives the bot two notifications ({@code establishing}, then
 * {@code established} when the callee answers). Before each measured phase the harness waits until
 * all notifications of the calls created so far have arrived, so that a window never pays for the
 * delivery backlog of the load before it; how many arrive during the window, beside the two per
 * create that steady state needs, shows whether delivery keeps up.
 *
 * <p>End to end: last in Dialtone's slot, its directory is replaced (admin API) by one whose callee
 * answers at once, and the time from sending each create request to the bot receiving that call's
 * {@code established} is recorded.
 */
final class Rounds {
  private static final String PAGE_CALLBACK = "https://bot.contoso.com/callback";
  /** Notifications the bot gets for each call created here: establishing and established. */
  private static final int NOTIFICATIONS_PER_CALL = 2;
  private static final Duration WARMUP_STEP = Duration.ofSeconds(2);

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

  /** The create-call slots of round {@code round}: each target in turn, Dialtone once per store. */
  void round(int round) {
    for (Target target : settings.targets()) {
      if (target == Target.DIALTONE) {
        for (DialtoneStore store : settings.stores()) {
          slot(round, target, store);
        }
      } else {
        slot(round, target, DialtoneStore.SQLITE);
      }
    }
  }

  private void slot(int round, Target target, DialtoneStore store) {
    String key = target == Target.DIALTONE ? store.key() : target.key();
    Path dir = work.resolve("r" + round + "-" + key);
    Path log = work.resolve("logs").resolve("r" + round + "-" + key + ".log");
    progress("round %d/%d: starting %s", round, settings.rounds(), target == Target.DIALTONE ? store.label() : target.label());
    try (Launcher.Running running = launcher.start(target, store, dir, log, ceilingBody);
        Clients requests = Clients.of(running, body, authorization)) {
      Created created = new Created(target == Target.DIALTONE);
      HttpConnection.Response first = Launcher.probe(running, requests.current());
      // The probe created one call on each node.
      for (int node = 0; node < running.nodes().size(); node++) {
        created.answered(first, 0, false);
      }
      if (target == Target.DIALTONE) {
        ceilingBody = work.resolve("ceiling-body.json");
        write(ceilingBody, first.body());
        authorization = requests.authorization();
      }
      warmUp(round, running, requests, created);
      for (int clients : settings.clients()) {
        created.drain(running, clients + " clients");
        measure(round, running, requests, clients, created);
      }
      if (target == Target.DIALTONE && !settings.e2eClients().isEmpty()) {
        Launcher.useEndToEndDirectory(running);
        for (int clients : settings.e2eClients()) {
          endToEnd(round, running, requests, created, clients);
        }
      }
    } finally {
      deleteRecursively(dir);
    }
  }

  /** Loads the target until its JIT has settled (see the class comment). */
  private void warmUp(int round, Launcher.Running running, Clients requests, LoadGenerator.Observer observer) {
    long start = System.nanoTime();
    double min = settings.jitWarmupSeconds();
    double max = settings.jitWarmupMaxSeconds();
    double jitCores;
    double elapsed;
    do {
      double left = Math.min(max - (System.nanoTime() - start) / 1e9, WARMUP_STEP.toNanos() / 1e9);
      Duration step = seconds(Math.max(left, Math.min(min, 0.1)));
      Duration jitBefore = running.process().jitCpuTime();
      check(running, "warm-up", run(running, requests, settings.warmupClients(), step, Duration.ZERO, observer, LoadGenerator.Window.NONE));
      jitCores = running.process().jitCpuTime().minus(jitBefore).toNanos() / (double) step.toNanos();
      elapsed = (System.nanoTime() - start) / 1e9;
    } while (elapsed < max && (elapsed < min || jitCores > settings.jitQuietCores()));
    results.add(new Results.WarmUp(round, running.key(), elapsed, jitCores));
    progress("round %d %-9s warmed up for %.1f s; JIT threads at %.2f cores in the last step", round, running.key(), elapsed, jitCores);
  }

  private LoadGenerator.Result run(
      Launcher.Running running,
      Clients requests,
      int clients,
      Duration warmup,
      Duration window,
      LoadGenerator.Observer observer,
      LoadGenerator.Window probe) {
    return LoadGenerator.run(requests.endpoints(), 201, clients, warmup, window, observer, probe);
  }

  private void measure(int round, Launcher.Running running, Clients requests, int clients, LoadGenerator.Observer observer) {
    Sampler sampler = new Sampler(running.process(), receiver);
    LoadGenerator.Result result =
        run(running, requests, clients, seconds(settings.warmupSeconds()), seconds(settings.windowSeconds()), observer, sampler);
    running.process().requireAlive();
    Histogram h = result.latencyNanos();
    double windowSeconds = settings.windowSeconds();
    Results.Measurement m =
        new Results.Measurement(
            round,
            running.key(),
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
            sampler.jitCpuSeconds() / windowSeconds,
            result.requests() == 0 ? 0 : sampler.targetCpuSeconds() * 1e6 / result.requests(),
            sampler.harnessCpuSeconds() / windowSeconds,
            sampler.notifications() / windowSeconds,
            sampler.databaseCpuSeconds() / windowSeconds,
            result.requests() == 0 ? 0 : sampler.databaseCpuSeconds() * 1e6 / result.requests());
    results.add(m);
    progress(
        "round %d %-9s %3d clients: %7.0f req/s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  CPU %.2f cores (JIT %.2f), %.0f µs/req  %.0f notifications/s  errors %d",
        round, running.key(), clients, m.throughput(), m.p50Ms(), m.p99Ms(), m.p999Ms(), m.targetCpuCores(),
        m.targetJitCpuCores(), m.targetCpuMicrosPerRequest(), m.notificationsPerSecond(), m.errors());
    check(running, clients + " clients", result);
  }

  private void endToEnd(int round, Launcher.Running running, Clients requests, Created created, int clients) {
    created.drain(running, "end to end at " + clients + " clients");
    EndToEndTracker tracker = new EndToEndTracker();
    LoadGenerator.Observer observer =
        (response, sent, measured) -> {
          created.answered(response, sent, measured);
          if (response.status() == 201) {
            String location =
                response.location().orElseThrow(() -> new BenchException("Dialtone's 201 has no Location header"));
            tracker.created(location.substring(location.lastIndexOf('/') + 1), sent, measured);
          }
        };
    receiver.attach(tracker);
    try {
      LoadGenerator.Result result =
          run(running, requests, clients, seconds(settings.warmupSeconds()), seconds(settings.windowSeconds()),
              observer, LoadGenerator.Window.NONE);
      long missing = tracker.awaitAll(seconds(settings.drainSeconds()));
      Histogram e2e = tracker.latencyNanos();
      Histogram create = result.latencyNanos();
      Results.EndToEnd m =
          new Results.EndToEnd(
              round,
              clients,
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
              result.errors(),
              running.key());
      results.add(m);
      progress(
          "round %d e2e       %3d clients: %7.0f creates/s  established p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  missing %d",
          round, m.clients(), m.createThroughput(), m.p50Ms(), m.p99Ms(), m.p999Ms(), missing);
      check(running, "end to end", result);
      if (missing > 0) {
        results.fail(
            "end to end, round " + round + ": " + missing + " calls created in the window were not reported established within "
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
              running.key(),
              phase,
              result.errors(),
              result.ioErrors(),
              result.unexpected(),
              result.firstUnexpected().orElse("-"),
              running.process().log()));
    }
  }

  /** Calls one Dialtone created, to know when all their notifications have arrived. */
  private final class Created implements LoadGenerator.Observer {
    private final boolean notifies;
    private final AtomicLong calls = new AtomicLong();
    private final long receivedBefore = receiver.received();

    Created(boolean notifies) {
      this.notifies = notifies;
    }

    @Override
    public void answered(HttpConnection.Response response, long sentNanos, boolean measured) {
      if (response.status() == 201) {
        calls.incrementAndGet();
      }
    }

    /** Notifications still to come for the calls created so far. */
    long outstanding() {
      return notifies ? NOTIFICATIONS_PER_CALL * calls.get() - (receiver.received() - receivedBefore) : 0;
    }

    /**
     * Waits until every notification of the calls created so far has arrived, at most {@link
     * Settings#drainSeconds()}; records a failure if they do not.
     */
    void drain(Launcher.Running running, String before) {
      long start = System.nanoTime();
      long deadline = start + seconds(settings.drainSeconds()).toNanos();
      while (outstanding() > 0 && System.nanoTime() < deadline) {
        running.process().requireAlive();
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new BenchException("interrupted while waiting for notifications", e);
        }
      }
      double waited = (System.nanoTime() - start) / 1e9;
      if (outstanding() > 0) {
        results.fail(
            running.key() + ": " + outstanding() + " notifications still undelivered "
                + settings.drainSeconds() + " s after the load before " + before + "; see " + running.process().log());
      } else if (waited >= 0.5) {
        progress("  %s: %.1f s to deliver the notification backlog before %s", running.key(), waited, before);
      }
    }
  }

  /** Samples CPU times and the notifications received as the window opens and closes. */
  private static final class Sampler implements LoadGenerator.Window {
    private final Processes target;
    private final CallbackReceiver receiver;
    private Duration targetAtOpen = Duration.ZERO;
    private Duration targetAtClose = Duration.ZERO;
    private Duration jitAtOpen = Duration.ZERO;
    private Duration jitAtClose = Duration.ZERO;
    private Duration databaseAtOpen = Duration.ZERO;
    private Duration databaseAtClose = Duration.ZERO;
    private Duration harnessAtOpen = Duration.ZERO;
    private Duration harnessAtClose = Duration.ZERO;
    private long notificationsAtOpen;
    private long notificationsAtClose;

    Sampler(Processes target, CallbackReceiver receiver) {
      this.target = target;
      this.receiver = receiver;
    }

    @Override
    public void opened() {
      targetAtOpen = target.cpuTime();
      jitAtOpen = target.jitCpuTime();
      databaseAtOpen = target.databaseCpuTime();
      harnessAtOpen = harnessCpu();
      notificationsAtOpen = receiver.received();
    }

    @Override
    public void closed() {
      targetAtClose = target.cpuTime();
      jitAtClose = target.jitCpuTime();
      databaseAtClose = target.databaseCpuTime();
      harnessAtClose = harnessCpu();
      notificationsAtClose = receiver.received();
    }

    double targetCpuSeconds() {
      return targetAtClose.minus(targetAtOpen).toNanos() / 1e9;
    }

    double jitCpuSeconds() {
      return jitAtClose.minus(jitAtOpen).toNanos() / 1e9;
    }

    double databaseCpuSeconds() {
      return databaseAtClose.minus(databaseAtOpen).toNanos() / 1e9;
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
