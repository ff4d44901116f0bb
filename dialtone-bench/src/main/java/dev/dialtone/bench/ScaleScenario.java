package dev.dialtone.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Option;

/**
 * The scale scenario ({@code bin/bench --scenario scale}): what Dialtone's memory and create
 * latency do as calls pile up. Two phases, each with Dialtones of its own (embedded SQLite store,
 * started as {@link Launcher} starts it, with the harness's {@link CallbackReceiver} as the bot).
 *
 * <p><b>Live calls.</b> After a JIT warm-up whose calls all end at once (a directory whose callee
 * answers and hangs up after 0 s), the end-to-end directory (callee answers at once and stays) is
 * loaded and, at each size (0, then each of {@link Sizes#live()}), calls are created until that
 * many are alive; every such call is {@code established} and holds its keepAlive-expiry timer,
 * which the harness checks by counting rows in Dialtone's database. Once Dialtone is idle (no
 * notification pending, no timer due) the harness reads its memory ({@link MemoryProbe}: heap used
 * after a full GC, the class histogram, RSS), then measures create latency at each client count.
 * The first size, 0, is the same server fresh from its warm-up: the baseline every ratio divides
 * by. The static-201 ceiling's memory after the same warm-up is read for reference.
 *
 * <p><b>Stored calls.</b> One Dialtone per size (1,000, 100,000, 1,000,000 by default), each given
 * the same warm-up; one of its finished warm-up calls is its template. Before each measured window
 * the harness brings that server's stored calls to exactly its size by inserting copies of the
 * template ({@link ScaleStore}) or deleting the newest calls (those the previous window created),
 * with Dialtone idle. Then {@link Settings#rounds()} rounds, each measuring every size at every
 * client count in turn, as the create scenario interleaves its targets: the machine's drift and the
 * JIT's falls on all sizes alike, and each p99 ratio is taken within a round. At the end the
 * largest is restarted on its database and the time to its ready line is recorded.
 *
 * <p>The smoke run takes both phases at tiny sizes and leaves out the ceiling and the restart.
 */
final class ScaleScenario {
  private static final String PAGE_CALLBACK = "https://bot.contoso.com/callback";
  private static final String WARMUP_DIRECTORY = "scale-warmup-directory.yaml";
  private static final Duration WARMUP_STEP = Duration.ofSeconds(2);
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

  /** The scenario's command-line options (a picocli mixin of {@code bin/bench}). */
  static final class Options {
    @Option(names = "--live-calls", split = ",", paramLabel = "N", description = "Scale scenario: live-call counts to measure at, "
        + "after the 0 baseline (full: 10000,100000; smoke: 200).")
    List<Integer> live;

    @Option(names = "--stored-calls", split = ",", paramLabel = "N", description = "Scale scenario: stored-call counts to measure "
        + "create latency at, growing (full: 1000,100000,1000000; smoke: 1000).")
    List<Integer> stored;

    @Option(names = "--scale-clients", split = ",", paramLabel = "N", description = "Scale scenario: client counts of its create-latency windows (default 1,16).")
    List<Integer> clients;

    @Option(names = "--fill-clients", paramLabel = "N", description = "Scale scenario: clients creating the live calls (default 16).")
    Integer fillClients;

    Sizes sizes(boolean smoke) {
      return new Sizes(
          live != null ? live : smoke ? List.of(200) : List.of(10_000, 100_000),
          stored != null ? stored : smoke ? List.of(1_000) : List.of(1_000, 100_000, 1_000_000),
          clients != null ? clients : List.of(1, 16),
          fillClients != null ? fillClients : 16);
    }
  }

  /** The sizes and client counts of a run. */
  record Sizes(List<Integer> live, List<Integer> stored, List<Integer> clients, int fillClients) {
    Sizes {
      if (live.stream().anyMatch(n -> n < 1) || stored.stream().anyMatch(n -> n < 1)) {
        throw new IllegalArgumentException("live and stored call counts must be at least 1, got " + live + " and " + stored);
      }
      if (clients.isEmpty() || clients.stream().anyMatch(c -> c < 1) || fillClients < 1) {
        throw new IllegalArgumentException("client counts must be at least 1, got " + clients + " and " + fillClients);
      }
      live = live.stream().sorted().toList();
      stored = stored.stream().sorted().toList();
      clients = List.copyOf(clients);
    }
  }

  private final Settings settings;
  private final Sizes sizes;
  private final Launcher launcher;
  private final CallbackReceiver receiver;
  private final Path work;
  private final ScaleResults results;
  private final byte[] body;
  private final Path ceilingBody;

  ScaleScenario(Settings settings, Sizes sizes, Machine machine, Launcher launcher, CallbackReceiver receiver, Path work) {
    this.settings = settings;
    this.sizes = sizes;
    this.launcher = launcher;
    this.receiver = receiver;
    this.work = work.resolve("scale");
    this.results = new ScaleResults(settings, machine, sizes);
    this.body =
        new String(Launcher.Resources.bytes("create-call-request.json"), StandardCharsets.UTF_8)
            .replace(PAGE_CALLBACK, receiver.url())
            .getBytes(StandardCharsets.UTF_8);
    this.ceilingBody = this.work.resolve("ceiling-body.json");
  }

  /**
   * Runs both phases and writes {@code bench-scale.json} and {@code bench-scale.md} into {@code
   * outDir}.
   *
   * @return the failures (empty if everything worked)
   */
  List<String> run(Path outDir) throws IOException {
    Rounds.progress("scale: live calls %s, stored calls %s, clients %s", sizes.live(), sizes.stored(), sizes.clients());
    try {
      launcher.requireArtefacts(List.of(Target.DIALTONE));
      Files.createDirectories(work);
      Files.write(ceilingBody, Launcher.Resources.bytes("create-call-response.json"));
      livePhase();
      if (!settings.mode().equals("smoke")) {
        // The smoke run starts the ceiling in the create scenario already; here it only adds time.
        ceilingReference();
      }
      storedPhase();
    } catch (BenchException e) {
      results.fail(e.getMessage());
    } finally {
      results.write(outDir);
      Rounds.deleteRecursively(work);
    }
    System.out.println(results.markdown());
    System.out.println("Scale results: " + outDir.resolve("bench-scale.json") + " and " + outDir.resolve("bench-scale.md"));
    return results.failures();
  }

  // ---- live calls -------------------------------------------------------------------------

  private void livePhase() {
    Path dir = work.resolve("live");
    try (Launcher.Running dialtone = launcher.start(Target.DIALTONE, DialtoneStore.SQLITE, dir, log("scale-live"), ceilingBody);
        CreateCallRequests requests = CreateCallRequests.withTokens(dialtone.base(), body);
        ScaleStore store = ScaleStore.open(database(dir))) {
      warmUp(dialtone, requests, store);
      Launcher.useEndToEndDirectory(dialtone);
      List<Integer> targets = new ArrayList<>(List.of(0));
      targets.addAll(sizes.live());
      for (int target : targets) {
        long live = store.liveCalls();
        if (target > live) {
          createCalls(dialtone, requests, target - live);
        }
        awaitIdle(dialtone, store, Duration.ofSeconds((long) settings.drainSeconds() + target / 100), target + " live calls");
        live = store.liveCalls();
        if (live < target) {
          // A call lives 45 minutes without a keepAlive: a phase slower than that loses its first calls.
          results.fail("scale: " + target + " live calls wanted, " + live + " alive once Dialtone was idle");
        }
        Map<String, Long> calls = store.callsByState();
        Map<String, Long> timers = store.timersByKind();
        checkTimers(live, calls, timers);
        MemoryProbe.Reading memory = MemoryProbe.read(dialtone.nodes().getFirst().process());
        Rounds.progress("scale: %,d live calls: heap %.1f MiB after full GC, RSS %.1f MiB; calls %s; timers %s",
            live, memory.heapUsedBytes() / 1048576.0, memory.rssBytes() / 1048576.0, calls, timers);
        List<ScaleResults.Window> windows = new ArrayList<>();
        for (int clients : sizes.clients()) {
          Sample sample = sample(dialtone, requests, store, clients, ScaleStore::liveCalls);
          progress(String.format(java.util.Locale.ROOT, "%,d live", live), clients, sample);
          windows.add(merge(clients, List.of(sample)));
        }
        results.add(new ScaleResults.LivePoint(live, calls, timers, memory, windows));
      }
    }
  }

  /** Every live call must be established and hold its keepAlive-expiry timer. */
  private void checkTimers(long live, Map<String, Long> calls, Map<String, Long> timers) {
    long established = calls.getOrDefault("established", 0L);
    long keepAlive = timers.getOrDefault("keep_alive_expiry", 0L);
    if (established != live || keepAlive != live) {
      results.fail("scale: " + live + " live calls, but " + established + " established and " + keepAlive
          + " keepAlive-expiry timers (calls " + calls + ", timers " + timers + ")");
    }
  }

  private void ceilingReference() {
    try (Launcher.Running ceiling = launcher.start(Target.CEILING, DialtoneStore.SQLITE, work.resolve("ceiling"), log("scale-ceiling"), ceilingBody);
        CreateCallRequests requests = CreateCallRequests.fixed(ceiling.base(), body, "Bearer " + "x".repeat(1100))) {
      Launcher.probe(ceiling, List.of(requests.current()));
      LoadGenerator.Result result =
          LoadGenerator.run(ceiling.address(), requests::current, 201, settings.warmupClients(), Duration.ZERO,
              seconds(settings.jitWarmupSeconds() + 0.1), LoadGenerator.Observer.NONE, LoadGenerator.Window.NONE);
      check(ceiling, "ceiling warm-up", result);
      MemoryProbe.Reading memory = MemoryProbe.read(ceiling.nodes().getFirst().process());
      results.ceiling(memory);
      Rounds.progress("scale: ceiling heap %.1f MiB after full GC, RSS %.1f MiB", memory.heapUsedBytes() / 1048576.0, memory.rssBytes() / 1048576.0);
    }
  }

  // ---- stored calls -----------------------------------------------------------------------

  /** One Dialtone of the stored phase, holding one size. */
  private record StoredServer(
      int size, Path dir, Launcher.Running dialtone, CreateCallRequests requests, ScaleStore store, ScaleStore.Template template)
      implements AutoCloseable {
    @Override
    public void close() {
      store.close();
      requests.close();
      dialtone.close();
    }
  }

  private void storedPhase() {
    List<StoredServer> servers = new ArrayList<>();
    try {
      for (int size : sizes.stored()) {
        servers.add(startStored(size));
      }
      long inserted = 0;
      double insertSeconds = 0;
      for (StoredServer server : servers) {
        long start = System.nanoTime();
        long changed = reset(server);
        if (changed > 0) {
          inserted += changed;
          insertSeconds += (System.nanoTime() - start) / 1e9;
        }
      }
      results.copies(new ScaleResults.Copies(servers.get(0).template().shape(), servers.get(0).template().varyingIds(), insertSeconds, inserted));
      // Rounds, as in the create scenario: each round measures every size at every client count,
      // so the machine's drift (and the JIT's) falls on all sizes alike.
      Map<String, List<Sample>> samples = new java.util.HashMap<>();
      for (int round = 1; round <= settings.rounds(); round++) {
        for (StoredServer server : servers) {
          for (int clients : sizes.clients()) {
            reset(server);
            Sample sample = sample(server.dialtone(), server.requests(), server.store(), clients, ScaleStore::calls);
            samples.computeIfAbsent(server.size() + "/" + clients, k -> new ArrayList<>()).add(sample);
            progress("round " + round + ", " + String.format(java.util.Locale.ROOT, "%,d", server.size()) + " stored", clients, sample);
          }
        }
      }
      for (StoredServer server : servers) {
        List<ScaleResults.Window> windows = new ArrayList<>();
        for (int clients : sizes.clients()) {
          windows.add(merge(clients, samples.get(server.size() + "/" + clients)));
        }
        awaitIdle(server.dialtone(), server.store(), seconds(settings.drainSeconds()), "reading memory");
        server.store().checkpoint();
        Map<String, Long> rows = new java.util.LinkedHashMap<>();
        for (String table : List.of("calls", "notifications", "delivery_attempts", "timers")) {
          rows.put(table, server.store().rows(table));
        }
        MemoryProbe.Reading memory = MemoryProbe.read(server.dialtone().nodes().getFirst().process());
        results.add(new ScaleResults.StoredPoint(server.size(), databaseBytes(server.dir()), rows, memory, windows));
      }
      if (!settings.mode().equals("smoke")) {
        // A third start of Dialtone would add seconds to every CI run for one figure.
        StoredServer largest = servers.get(servers.size() - 1);
        largest.dialtone().close();
        restart(largest.dir(), largest.store().calls());
      }
    } finally {
      servers.forEach(StoredServer::close);
    }
  }

  /** Starts the Dialtone that will hold {@code size} stored calls, warms it up, takes its template. */
  private StoredServer startStored(int size) {
    Path dir = work.resolve("stored-" + size);
    Launcher.Running dialtone = launcher.start(Target.DIALTONE, DialtoneStore.SQLITE, dir, log("scale-stored-" + size), ceilingBody);
    CreateCallRequests requests = null;
    ScaleStore store = null;
    try {
      requests = CreateCallRequests.withTokens(dialtone.base(), body);
      store = ScaleStore.open(database(dir));
      warmUp(dialtone, requests, store);
      ScaleStore.Template template = store.template(store.newestTerminatedCall(), fixedIds());
      Launcher.useEndToEndDirectory(dialtone);
      return new StoredServer(size, dir, dialtone, requests, store, template);
    } catch (RuntimeException e) {
      if (store != null) {
        store.close();
      }
      if (requests != null) {
        requests.close();
      }
      dialtone.close();
      throw e;
    }
  }

  /**
   * Brings {@code server}'s stored calls back to its size once Dialtone is idle: copies inserted,
   * or the calls the last window created deleted.
   *
   * @return the calls inserted (positive) or deleted (negative)
   */
  private long reset(StoredServer server) {
    awaitIdle(server.dialtone(), server.store(), seconds(settings.drainSeconds()), server.size() + " stored calls");
    long start = System.nanoTime();
    long changed = server.store().bringTo(server.size(), server.template(), done -> progressEvery(done, server.size(), start));
    if (changed > 0) {
      Rounds.progress("scale: %,d copies inserted in %.1f s", changed, (System.nanoTime() - start) / 1e9);
    }
    return changed;
  }

  /** Restarts Dialtone on the stored phase's database: time to its ready line, then one create. */
  private void restart(Path dir, long storedCalls) {
    long start = System.nanoTime();
    try (Launcher.Running dialtone = launcher.start(Target.DIALTONE, DialtoneStore.SQLITE, dir, log("scale-restart"), ceilingBody)) {
      double ready = (System.nanoTime() - start) / 1e9;
      try (CreateCallRequests requests = CreateCallRequests.withTokens(dialtone.base(), body)) {
        long sent = System.nanoTime();
        Launcher.probe(dialtone, List.of(requests.current()));
        double firstMs = (System.nanoTime() - sent) / 1e6;
        results.restart(new ScaleResults.Restart(storedCalls, ready, firstMs));
        Rounds.progress("scale: restarted on %,d stored calls: ready after %.1f s, first create %.1f ms", storedCalls, ready, firstMs);
      }
    }
  }

  /** The directory's ids, which every copy of a stored call keeps: the tenant, the app, the callee. */
  private Set<String> fixedIds() {
    Set<String> ids = new HashSet<>(ScaleStore.uuidsIn(new String(body, StandardCharsets.UTF_8)));
    ids.add(CreateCallRequests.TENANT);
    ids.add(CreateCallRequests.CLIENT_ID);
    return ids;
  }

  // ---- shared steps -----------------------------------------------------------------------

  /**
   * Loads Dialtone until its JIT has settled (as {@link Rounds} does) with calls that end at once,
   * then waits until they have all ended and been reported, so the warm-up leaves finished calls
   * only.
   */
  private void warmUp(Launcher.Running dialtone, CreateCallRequests requests, ScaleStore store) {
    Launcher.putDirectory(dialtone, WARMUP_DIRECTORY);
    Launcher.probe(dialtone, List.of(requests.current()));
    long start = System.nanoTime();
    double jitCores;
    double elapsed;
    do {
      double left = Math.min(settings.jitWarmupMaxSeconds() - (System.nanoTime() - start) / 1e9, WARMUP_STEP.toNanos() / 1e9);
      Duration step = seconds(Math.max(left, Math.min(settings.jitWarmupSeconds(), 0.1)));
      Duration jitBefore = dialtone.process().jitCpuTime();
      check(dialtone, "warm-up",
          LoadGenerator.run(dialtone.address(), requests::current, 201, settings.warmupClients(), Duration.ZERO, step,
              LoadGenerator.Observer.NONE, LoadGenerator.Window.NONE));
      jitCores = dialtone.process().jitCpuTime().minus(jitBefore).toNanos() / (double) step.toNanos();
      elapsed = (System.nanoTime() - start) / 1e9;
    } while (elapsed < settings.jitWarmupMaxSeconds() && (elapsed < settings.jitWarmupSeconds() || jitCores > settings.jitQuietCores()));
    long created = store.calls();
    awaitIdle(dialtone, store, Duration.ofSeconds((long) settings.drainSeconds() + created / 100), "the end of the warm-up");
    Rounds.progress("scale: warmed up for %.1f s (%,d calls, all ended: %s); JIT threads at %.2f cores in the last step",
        elapsed, created, store.callsByState(), jitCores);
  }

  /** One measured window and the calls counted around it. */
  private record Sample(LoadGenerator.Result result, double cpuSeconds, long callsBefore, long callsAfter, double loadAverage) {}

  /** One window of create load at {@code clients}, once Dialtone is idle. */
  private Sample sample(
      Launcher.Running dialtone,
      CreateCallRequests requests,
      ScaleStore store,
      int clients,
      java.util.function.ToLongFunction<ScaleStore> count) {
    awaitIdle(dialtone, store, seconds(settings.drainSeconds()), clients + " clients");
    long before = count.applyAsLong(store);
    Cpu cpu = new Cpu(dialtone.nodes().getFirst().process());
    LoadGenerator.Result result =
        LoadGenerator.run(dialtone.address(), requests::current, 201, clients, seconds(settings.warmupSeconds()),
            seconds(settings.windowSeconds()), LoadGenerator.Observer.NONE, cpu);
    dialtone.process().requireAlive();
    check(dialtone, clients + " clients", result);
    return new Sample(result, cpu.seconds(), before, count.applyAsLong(store), loadAverage());
  }

  /** The windows of one size and client count, their histograms merged. */
  private ScaleResults.Window merge(int clients, List<Sample> samples) {
    Histogram latency = new Histogram(3);
    long requestsCounted = 0;
    long errors = 0;
    double cpuSeconds = 0;
    List<Double> p99 = new ArrayList<>();
    for (Sample sample : samples) {
      latency.add(sample.result().latencyNanos());
      requestsCounted += sample.result().requests();
      errors += sample.result().errors();
      cpuSeconds += sample.cpuSeconds();
      p99.add(ms(sample.result().latencyNanos(), 99));
    }
    double windowSeconds = samples.size() * settings.windowSeconds();
    return new ScaleResults.Window(
        clients,
        samples.size(),
        samples.stream().mapToLong(Sample::callsBefore).min().orElse(0),
        samples.stream().mapToLong(Sample::callsAfter).max().orElse(0),
        requestsCounted,
        requestsCounted / windowSeconds,
        ms(latency, 50),
        ms(latency, 99),
        ms(latency, 99.9),
        latency.getTotalCount() == 0 ? 0 : latency.getMaxValue() / 1e6,
        requestsCounted == 0 ? 0 : cpuSeconds * 1e6 / requestsCounted,
        errors,
        samples.stream().mapToDouble(Sample::loadAverage).max().orElse(0),
        p99);
  }

  private static void progress(String what, int clients, Sample sample) {
    Histogram h = sample.result().latencyNanos();
    Rounds.progress("scale: %s, %2d clients (%,d → %,d calls): %6.0f creates/s  p50 %6.2f ms  p99 %6.2f ms  p99.9 %6.2f ms  %.0f CPU µs/create",
        what, clients, sample.callsBefore(), sample.callsAfter(), sample.result().throughput(), ms(h, 50), ms(h, 99), ms(h, 99.9),
        sample.result().requests() == 0 ? 0 : sample.cpuSeconds() * 1e6 / sample.result().requests());
  }

  /**
   * Creates {@code count} calls as fast as {@link Sizes#fillClients()} clients can, each on its own
   * keep-alive connection.
   *
   * @throws BenchException if any create is not answered {@code 201}
   */
  private void createCalls(Launcher.Running dialtone, CreateCallRequests requests, long count) {
    AtomicLong left = new AtomicLong(count);
    AtomicLong done = new AtomicLong();
    AtomicReference<String> failure = new AtomicReference<>();
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < Math.min(sizes.fillClients(), count); i++) {
      clients.add(
          Thread.ofVirtual()
              .name("fill-" + i)
              .start(
                  () -> {
                    HttpConnection connection = null;
                    try {
                      connection = HttpConnection.open(dialtone.address());
                      while (failure.get() == null && left.getAndDecrement() > 0) {
                        HttpConnection.Response response = connection.exchange(requests.current());
                        if (response.status() != 201) {
                          failure.compareAndSet(null, "a create answered " + response.status() + ": "
                              + new String(response.body(), StandardCharsets.UTF_8));
                        }
                        done.incrementAndGet();
                        if (response.closes()) {
                          connection.close();
                          connection = HttpConnection.open(dialtone.address());
                        }
                      }
                    } catch (IOException e) {
                      failure.compareAndSet(null, "a create failed: " + e.getMessage());
                    } finally {
                      if (connection != null) {
                        connection.close();
                      }
                    }
                  }));
    }
    long start = System.nanoTime();
    try {
      for (Thread client : clients) {
        while (!client.join(PROGRESS_EVERY)) {
          dialtone.process().requireAlive();
          Rounds.progress("scale: created %,d of %,d calls (%.0f/s)", done.get(), count, done.get() / ((System.nanoTime() - start) / 1e9));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      clients.forEach(Thread::interrupt);
      throw new BenchException("interrupted while creating calls", e);
    }
    if (failure.get() != null) {
      throw new BenchException("scale: creating " + count + " calls: " + failure.get() + "; see " + dialtone.process().log());
    }
    Rounds.progress("scale: created %,d calls in %.1f s", count, (System.nanoTime() - start) / 1e9);
  }

  /**
   * Waits until Dialtone has delivered every notification and fired every due timer, at most
   * {@code timeout}.
   *
   * @throws BenchException if it is still busy then
   */
  private static void awaitIdle(Launcher.Running dialtone, ScaleStore store, Duration timeout, String before) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    long lastProgress = start;
    while (store.busy(System.currentTimeMillis())) {
      dialtone.process().requireAlive();
      long now = System.nanoTime();
      if (now > deadline) {
        throw new BenchException("scale: Dialtone still had notifications pending or timers due " + timeout.toSeconds()
            + " s after the load before " + before + " (notifications " + store.notificationsByState() + ", timers due "
            + store.timersDue(System.currentTimeMillis()) + "); see " + dialtone.process().log());
      }
      if (now - lastProgress > PROGRESS_EVERY.toNanos()) {
        Rounds.progress("scale: waiting for Dialtone's notifications and timers before %s: notifications %s, timers due %,d",
            before, store.notificationsByState(), store.timersDue(System.currentTimeMillis()));
        lastProgress = now;
      }
      sleep(Duration.ofMillis(50));
    }
  }

  private void check(Launcher.Running running, String phase, LoadGenerator.Result result) {
    if (result.errors() > 0) {
      throw new BenchException(
          "scale: " + running.target().key() + ", " + phase + ": " + result.errors() + " errors (unexpected statuses "
              + result.unexpected() + "), first: " + result.firstUnexpected().orElse("-") + "; see " + running.process().log());
    }
  }

  private void progressEvery(long done, long size, long startNanos) {
    if (done % 100_000 < ScaleStore.BATCH) {
      Rounds.progress("scale: inserted %,d copies toward %,d stored calls (%.0f/s)", done, size, done / ((System.nanoTime() - startNanos) / 1e9));
    }
  }

  /** Target CPU time across the measured window. */
  private static final class Cpu implements LoadGenerator.Window {
    private final ChildProcess process;
    private Duration atOpen = Duration.ZERO;
    private Duration atClose = Duration.ZERO;

    Cpu(ChildProcess process) {
      this.process = process;
    }

    @Override
    public void opened() {
      atOpen = process.cpuTime();
    }

    @Override
    public void closed() {
      atClose = process.cpuTime();
    }

    double seconds() {
      return atClose.minus(atOpen).toNanos() / 1e9;
    }
  }

  private Path log(String name) {
    return work.getParent().resolve("logs").resolve(name + ".log");
  }

  private static Path database(Path dir) {
    return dir.resolve("data").resolve("dialtone.db");
  }

  /** The database file with its write-ahead log. */
  private static long databaseBytes(Path dir) {
    long bytes = 0;
    for (String name : List.of("dialtone.db", "dialtone.db-wal")) {
      Path file = dir.resolve("data").resolve(name);
      try {
        bytes += Files.exists(file) ? Files.size(file) : 0;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return bytes;
  }

  private static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e6;
  }

  private static Duration seconds(double seconds) {
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while waiting for Dialtone", e);
    }
  }
}
