package dev.dialtone.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.dialtone.store.SharedState.StoredDirectory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link SharedState} promises on every database: signing keys stored once, the first set
 * winning; one directory document changed only by compare and set. Extend it once per database.
 */
public abstract class SharedStateContract {
  protected static final Instant T0 = Instant.parse("2026-03-14T09:26:53.589Z");

  /**
   * A new, empty database. Each {@code get()} opens a store on it; a store opened after another was
   * closed sees what that one stored, if {@link #keepsDataAcrossReopen()}.
   */
  protected abstract Supplier<JdbcStore> newDatabase();

  /** False for stores whose data dies with them (in memory). */
  protected boolean keepsDataAcrossReopen() {
    return true;
  }

  private Supplier<JdbcStore> database;

  /** The store under test, opened before each test and closed after it. */
  protected JdbcStore store;

  @BeforeEach
  void openStore() {
    database = newDatabase();
    store = database.get();
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  public void aNewDatabaseHasNoSigningKeysAndNoDirectory() {
    assertThat(store.signingKeys()).isEmpty();
    assertThat(store.directory()).isEmpty();
    assertThat(store.directoryVersion()).isEmpty();
  }

  @Test
  public void theFirstSigningKeysStoredAreTheOnesEveryoneGets() {
    assertThat(store.insertSigningKeysIfAbsent("{\"keys\":[\"first\"]}", T0))
        .isEqualTo("{\"keys\":[\"first\"]}");

    assertThat(store.insertSigningKeysIfAbsent("{\"keys\":[\"second\"]}", T0.plusSeconds(1)))
        .isEqualTo("{\"keys\":[\"first\"]}");
    assertThat(store.signingKeys()).contains("{\"keys\":[\"first\"]}");
  }

  @Test
  public void concurrentInsertsOfSigningKeysConvergeOnOneSet() throws Exception {
    List<String> candidates =
        IntStream.range(0, 16).mapToObj(i -> "{\"keys\":[\"candidate-" + i + "\"]}").toList();

    List<String> returned =
        concurrently(
            candidates.stream()
                .<Callable<String>>map(jwks -> () -> store.insertSigningKeysIfAbsent(jwks, T0))
                .toList());

    assertThat(returned).containsOnly(returned.getFirst());
    assertThat(candidates).contains(returned.getFirst());
    assertThat(store.signingKeys()).contains(returned.getFirst());
  }

  @Test
  public void signingKeysSurviveAReopen() {
    assumeTrue(keepsDataAcrossReopen(), "this store keeps nothing once closed");
    store.insertSigningKeysIfAbsent("{\"keys\":[\"kept\"]}", T0);
    store.close();

    store = database.get();

    assertThat(store.signingKeys()).contains("{\"keys\":[\"kept\"]}");
  }

  @Test
  public void theFirstDirectoryIsStoredAtVersionOne() {
    Optional<StoredDirectory> stored =
        store.insertDirectoryIfAbsent("{\"tenants\":[]}", "seed-a", T0);

    StoredDirectory expected = new StoredDirectory(1, "{\"tenants\":[]}", "seed-a", T0);
    assertThat(stored).contains(expected);
    assertThat(store.directory()).contains(expected);
    assertThat(store.directoryVersion()).hasValue(1);
  }

  @Test
  public void aSecondInsertOfTheDirectoryChangesNothing() {
    store.insertDirectoryIfAbsent("{\"tenants\":[]}", "seed-a", T0);

    assertThat(store.insertDirectoryIfAbsent("{\"users\":[]}", "seed-b", T0.plusSeconds(1)))
        .isEmpty();
    assertThat(store.directory())
        .contains(new StoredDirectory(1, "{\"tenants\":[]}", "seed-a", T0));
  }

  @Test
  public void replacingTheStoredVersionStoresTheNextOne() {
    store.insertDirectoryIfAbsent("{\"tenants\":[]}", "seed-a", T0);

    Optional<StoredDirectory> replaced =
        store.replaceDirectory(1, "{\"users\":[]}", "seed-b", T0.plusSeconds(1));

    StoredDirectory expected = new StoredDirectory(2, "{\"users\":[]}", "seed-b", T0.plusSeconds(1));
    assertThat(replaced).contains(expected);
    assertThat(store.directory()).contains(expected);
    assertThat(store.directoryVersion()).hasValue(2);
  }

  @Test
  public void replacingAStaleVersionChangesNothing() {
    store.insertDirectoryIfAbsent("{\"tenants\":[]}", "seed-a", T0);
    store.replaceDirectory(1, "{\"users\":[]}", "seed-a", T0.plusSeconds(1));

    assertThat(store.replaceDirectory(1, "{\"phones\":[]}", "seed-a", T0.plusSeconds(2))).isEmpty();
    assertThat(store.directory().orElseThrow().document()).isEqualTo("{\"users\":[]}");
    assertThat(store.directoryVersion()).hasValue(2);
  }

  @Test
  public void replacingADirectoryNobodyStoredChangesNothing() {
    assertThat(store.replaceDirectory(1, "{\"users\":[]}", "seed-a", T0)).isEmpty();
    assertThat(store.directory()).isEmpty();
  }

  @Test
  public void directoryTimesAreKeptToTheMillisecond() {
    Instant precise = Instant.parse("2026-03-14T09:26:53.589793238Z");

    StoredDirectory stored =
        store.insertDirectoryIfAbsent("{}", "seed-a", precise).orElseThrow();

    assertThat(stored.updatedAt()).isEqualTo(Instant.parse("2026-03-14T09:26:53.589Z"));
    assertThat(store.directory().orElseThrow().updatedAt()).isEqualTo(stored.updatedAt());
  }

  @Test
  public void concurrentWritersThatRetryOnConflictLoseNoChange() throws Exception {
    store.insertDirectoryIfAbsent("", "seed-a", T0);
    List<String> marks = IntStream.range(0, 12).mapToObj(i -> "[writer-" + i + "]").toList();

    concurrently(
        marks.stream()
            .<Callable<String>>map(mark -> () -> appendWithRetry(store, mark))
            .toList());

    StoredDirectory result = store.directory().orElseThrow();
    assertThat(result.version()).isEqualTo(1 + marks.size());
    for (String mark : marks) {
      assertThat(result.document()).containsOnlyOnce(mark);
    }
  }

  @Test
  public void theDirectorySurvivesAReopen() {
    assumeTrue(keepsDataAcrossReopen(), "this store keeps nothing once closed");
    store.insertDirectoryIfAbsent("{\"tenants\":[]}", "seed-a", T0);
    store.replaceDirectory(1, "{\"users\":[]}", "seed-a", T0.plusSeconds(1));
    store.close();

    store = database.get();

    assertThat(store.directory())
        .contains(new StoredDirectory(2, "{\"users\":[]}", "seed-a", T0.plusSeconds(1)));
  }

  /** A read-modify-write of the document, retried until its compare-and-set succeeds. */
  protected static String appendWithRetry(SharedState state, String mark) {
    while (true) {
      StoredDirectory current = state.directory().orElseThrow();
      Optional<StoredDirectory> written =
          state.replaceDirectory(
              current.version(), current.document() + mark, current.seedFingerprint(), T0);
      if (written.isPresent()) {
        return written.get().document();
      }
    }
  }

  /** Runs the tasks on virtual threads released together, and returns their results in order. */
  protected static <T> List<T> concurrently(List<Callable<T>> tasks) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(
            executor.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get());
      }
      return results;
    }
  }
}
