package dev.dialtone.store;

import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures durable creates per second through the group committer: 20,000 calls of about 2 KB
 * inserted from 64 virtual threads, into file SQLite and into embedded PostgreSQL (with {@code
 * synchronous_commit=on}), plus a single-thread baseline that commits one call at a time. Not a
 * test: the figures depend on the disk and the machine.
 *
 * <p>Run after {@code test-compile}, with the test class path, from {@code dialtone-store}: {@code
 * java -cp <test class path> dev.dialtone.store.GroupCommitProbe [data directory]}.
 */
final class GroupCommitProbe {
  private static final int CALLS = 20_000;
  private static final int THREADS = 64;
  private static final int BASELINE_CALLS = 2_000;
  private static final int RESOURCE_BYTES = 2_048;

  private GroupCommitProbe() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args.length > 0 ? args[0] : "target");
    Files.createDirectories(root);
    List<String> report = new ArrayList<>();
    report.add(measure("SQLite file", StoreConfig.sqliteFile(fresh(root)), THREADS, CALLS));
    report.add(measure("SQLite file", StoreConfig.sqliteFile(fresh(root)), 1, BASELINE_CALLS));
    try (TestPostgres postgres = TestPostgres.start()) {
      report.add(
          measure("PostgreSQL, 2 writers", postgres.newDatabase().withWriters(2), THREADS, CALLS));
      report.add(measure("PostgreSQL, 1 writer", postgres.newDatabase(), THREADS, CALLS));
      report.add(measure("PostgreSQL", postgres.newDatabase(), 1, BASELINE_CALLS));
    }
    System.out.println();
    report.forEach(System.out::println);
  }

  private static String measure(String name, StoreConfig config, int threads, int count)
      throws Exception {
    List<Call> calls = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      calls.add(bigCall());
    }
    try (JdbcStore store = JdbcStore.open(config);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      long start = System.nanoTime();
      List<Future<?>> futures = new ArrayList<>();
      int share = count / threads;
      for (int t = 0; t < threads; t++) {
        List<Call> mine = calls.subList(t * share, t == threads - 1 ? count : (t + 1) * share);
        futures.add(executor.submit(() -> mine.forEach(store::insert)));
      }
      for (Future<?> future : futures) {
        future.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      GroupCommitter.Stats stats = store.commitStats();
      if (store.count() != count) {
        throw new IllegalStateException("expected " + count + " calls, found " + store.count());
      }
      return String.format(
          Locale.ROOT,
          "%-24s %2d threads %6d calls: %7.0f creates/s, %5d commits, average batch %6.1f",
          name,
          threads,
          count,
          count / seconds,
          stats.commits(),
          stats.averageBatchSize());
    }
  }

  /** A call whose JSON is about {@link #RESOURCE_BYTES} long. */
  private static Call bigCall() {
    Call call = TestCalls.newCall();
    var resource = call.resourceCopy();
    int missing = RESOURCE_BYTES - CallRows.json(call).length();
    resource.put("myApp.padding", "x".repeat(Math.max(0, missing - 20)));
    return new Call(
        call.id(),
        call.tenantId(),
        call.applicationId(),
        CallState.ESTABLISHING,
        call.createdAt(),
        call.updatedAt(),
        1,
        resource);
  }

  private static Path fresh(Path root) throws IOException {
    return Files.createDirectories(root.resolve("probe-" + UUID.randomUUID()));
  }
}
