package dev.dialtone.store;

import com.zaxxer.hikari.HikariDataSource;
import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;
import dev.dialtone.store.Write.Refusal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the writes of many concurrent callers in one transaction each time (two when a batch
 * holds both changes and delivery bookkeeping, below), and wakes every caller when its own write is
 * committed. Writes are call changes (with their notifications and
 * timers), delivery attempts, and the claims of notifications and timers, which are writes too:
 * they lease rows.
 *
 * <p><b>Why.</b> A durable commit costs one fsync (SQLite's WAL with {@code synchronous=FULL},
 * PostgreSQL's WAL flush), and a disk does a few thousand of them a second. One transaction per
 * create would cap the server there. Callers instead {@linkplain #submit queue} their write and
 * {@linkplain #await wait}; a committer thread takes everything queued (up to {@code
 * maxBatchSize}), applies it in one transaction and commits once. The busier the server, the larger
 * the batches, so throughput grows with load while each caller still returns only after its commit.
 * Within the transaction, a {@link BatchWriter} writes each kind of row with one JDBC batch per run
 * of independent writes, so that round trips do not grow with the batch either.
 *
 * <p><b>One caller's failure stays its own.</b> The refusals a caller can expect come back as
 * counts, not errors: an insert is {@code ON CONFLICT DO NOTHING} (0 rows: the id exists), an
 * update is guarded by {@code WHERE version = ?} (0 rows: someone else changed the call). A write
 * that the database refuses with an error for its data (a constraint, a value it cannot hold) would
 * abort the whole transaction in PostgreSQL, so the batch is rolled back and applied again with
 * each write in its own {@code SAVEPOINT}: the offending write is rolled back to its savepoint and
 * refused, the others commit. Savepoints are the fallback rather than the rule because each one
 * costs round trips, and in PostgreSQL more than 64 subtransactions in one transaction overflow the
 * per-backend cache and slow every session's snapshots.
 *
 * <p><b>Durability.</b> A caller's future completes after {@code commit()} returned, never before.
 * Call changes commit durably: flushed to disk, they survive a power loss (a {@code 201} means the
 * call is stored). Delivery bookkeeping (attempts, and the leases of claims) commits in a
 * transaction of its own, before the batch's changes, without waiting for the disk ({@link
 * Engine#durability}): it survives a crash of the process, and a crash of the machine can lose only
 * the latest of it, which costs at most a notification sent again with its id (bots drop
 * duplicates) and a lease that is gone. The next durable commit flushes it too. Delivering a
 * notification thus costs no flush at all, where it cost two (its claim's and its attempt's).
 * If the batch fails as a whole (no connection, I/O error, the commit itself fails), every caller
 * in it gets {@code UNAVAILABLE}, and the committer goes on with the next batch on a fresh
 * connection. When the failure hit the commit itself, the outcome is unknown (the connection may
 * have died after the database committed), and the message says so.
 *
 * <p><b>Claims.</b> A claim leases rows, so it is a write. On SQLite it must run on the one writer
 * connection anyway (a second writer would wait for this one's lock, or fail with {@code
 * SQLITE_BUSY}); on PostgreSQL it could run anywhere, but here too it shares the batch's commit
 * instead of paying its own WAL flush, and {@code SKIP LOCKED} keeps the claims of several
 * committers, and of several nodes, apart.
 *
 * <p><b>Threads.</b> {@code writers} platform threads share one bounded queue, each with its own
 * connection from the write pool (SQLite: exactly one, as SQLite has one writer anyway). Each batch
 * is sorted ({@link BatchWriter#ORDER}: changes by call id, then attempts, then claims), so two
 * PostgreSQL committers lock rows in the same order and do not deadlock each other; the sort is
 * stable, so writes to one call keep their queue order. A full queue refuses at once rather than
 * blocking. {@link #close} lets no new write in, lets the committers drain what is queued, and
 * returns when they have stopped.
 */
final class GroupCommitter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

  private static final Comparator<Pending> ORDER =
      Comparator.comparing(Pending::write, BatchWriter.ORDER);

  /** What the queue holds: writes, and one stop signal per committer once closed. */
  sealed interface Queued permits Pending, Stop {}

  /** A queued write and the future its caller waits on; empty outcome means stored. */
  record Pending(Write write, CompletableFuture<Optional<Refusal>> outcome) implements Queued {}

  enum Stop implements Queued {
    SIGNAL
  }

  /**
   * How much grouping happened.
   *
   * @param commits transactions the committers attempted
   * @param writes writes in them
   * @param relaxedCommits those of the transactions that held only delivery bookkeeping, committed
   *     without waiting for the disk
   */
  record Stats(long commits, long writes, long relaxedCommits) {
    double averageBatchSize() {
      return commits == 0 ? 0 : (double) writes / commits;
    }
  }

  private final HikariDataSource pool;
  private final Engine engine;
  private final int maxBatchSize;
  private final int queueCapacity;
  private final BlockingQueue<Queued> queue;
  private final List<Thread> threads;
  // Submitters hold the read side while they check for close and enqueue; close takes the write
  // side, so every write that got in is queued before the stop signals.
  private final ReadWriteLock gate = new ReentrantReadWriteLock();
  private volatile boolean started;
  private volatile boolean closed;
  private final LongAdder commits = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder relaxedCommits = new LongAdder();

  /**
   * @param pool the write pool, with auto-commit off and at least {@code writers} connections
   */
  GroupCommitter(
      HikariDataSource pool, Engine engine, int writers, int maxBatchSize, int queueCapacity) {
    this.pool = pool;
    this.engine = engine;
    this.maxBatchSize = maxBatchSize;
    this.queueCapacity = queueCapacity;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.threads =
        IntStream.range(0, writers)
            .mapToObj(
                i ->
                    Thread.ofPlatform()
                        .name("dialtone-committer-" + i)
                        .daemon()
                        .unstarted(this::run))
            .toList();
  }

  /** Starts the committer threads. Writes submitted before wait in the queue until then. */
  void start() {
    started = true;
    threads.forEach(Thread::start);
  }

  /**
   * Queues a write and returns at once.
   *
   * @throws EngineException {@code UNAVAILABLE} if the committer is closed or its queue is full
   */
  Pending submit(Write write) {
    Pending pending = new Pending(write, new CompletableFuture<>());
    gate.readLock().lock();
    try {
      if (closed) {
        throw new EngineException(
            Failure.UNAVAILABLE,
            "serviceNotAvailable",
            "the store is closed: " + write.subject() + " was not stored");
      }
      if (started && !threads.stream().allMatch(Thread::isAlive)) {
        throw new EngineException(
            Failure.UNAVAILABLE,
            "serviceNotAvailable",
            "the store's committer has stopped, so nothing can be committed: "
                + write.subject()
                + " was not stored; the server needs a restart (see its log for why it stopped)");
      }
      if (!queue.offer(pending)) {
        throw new EngineException(
            Failure.UNAVAILABLE,
            "serviceNotAvailable",
            "the store's write queue is full ("
                + queueCapacity
                + " changes waiting for commit): "
                + write.subject()
                + " was not stored; retrying may help");
      }
    } finally {
      gate.readLock().unlock();
    }
    return pending;
  }

  /** How long a caller waits for its commit before it is told the outcome is unknown. */
  static final java.time.Duration AWAIT_LIMIT = java.time.Duration.ofSeconds(60);

  /**
   * Waits until the write is committed or refused.
   *
   * @throws EngineException the write's own refusal ({@code CONFLICT} or {@code UNAVAILABLE}), or
   *     {@code UNAVAILABLE} if the thread is interrupted while waiting, with the interrupt flag set
   *     again and the write's fate unknown, or if it is not committed within {@link #AWAIT_LIMIT}
   */
  static void await(Pending pending) {
    Optional<Refusal> outcome;
    try {
      outcome = pending.outcome().get(AWAIT_LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new EngineException(
          Failure.UNAVAILABLE,
          "serviceNotAvailable",
          pending.write().subject()
              + " was not committed within "
              + AWAIT_LIMIT.toSeconds()
              + " s: it may or may not be stored; the database is too slow or the committer stopped",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException(
          Failure.UNAVAILABLE,
          "serviceNotAvailable",
          "interrupted while waiting for "
              + pending.write().subject()
              + " to commit: it may or may not be stored",
          e);
    } catch (ExecutionException e) {
      // The committer completes outcomes normally, refusals included.
      throw new IllegalStateException("the committer failed an outcome exceptionally", e);
    }
    if (outcome.isPresent()) {
      throw outcome.get().toException();
    }
  }

  /** True once started, until closed, while every committer thread runs. */
  boolean isRunning() {
    return started && !closed && threads.stream().allMatch(Thread::isAlive);
  }

  Stats stats() {
    return new Stats(commits.sum(), writes.sum(), relaxedCommits.sum());
  }

  /**
   * Refuses new writes, commits the queued ones and waits for the committers to stop. Idempotent.
   * An interrupt does not cut the drain short; the flag is set again on return.
   */
  @Override
  public void close() {
    gate.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      gate.writeLock().unlock();
    }
    boolean interrupted = false;
    if (started) {
      for (int i = 0; i < threads.size(); i++) {
        interrupted |= putUninterruptibly(Stop.SIGNAL);
      }
      for (Thread thread : threads) {
        interrupted |= joinUninterruptibly(thread);
      }
    }
    // Never started, or a committer died: nobody will take these any more.
    List<Queued> left = new ArrayList<>();
    queue.drainTo(left);
    for (Queued queued : left) {
      if (queued instanceof Pending pending) {
        pending
            .outcome()
            .complete(
                Optional.of(
                    new Refusal(
                        Failure.UNAVAILABLE,
                        "serviceNotAvailable",
                        "the store closed before "
                            + pending.write().subject()
                            + " was committed: it was not stored",
                        Optional.empty())));
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    List<Queued> taken = new ArrayList<>(maxBatchSize);
    List<Pending> batch = new ArrayList<>(maxBatchSize);
    while (true) {
      try {
        taken.add(queue.take());
      } catch (InterruptedException e) {
        // Nothing here interrupts a committer; whoever did wants it gone. isRunning() turns false.
        Thread.currentThread().interrupt();
        LOG.warn("{} interrupted: it stops committing", Thread.currentThread().getName());
        return;
      }
      queue.drainTo(taken, maxBatchSize - 1);
      int stops = 0;
      for (Queued queued : taken) {
        switch (queued) {
          case Pending pending -> batch.add(pending);
          case Stop stop -> stops++;
        }
      }
      if (!batch.isEmpty()) {
        commitGuarded(batch);
      }
      if (stops > 0) {
        // Every write was queued before the first stop signal: nothing is left for this thread.
        // Signals meant for the other committers go back.
        for (int i = 1; i < stops; i++) {
          queue.add(Stop.SIGNAL);
        }
        return;
      }
      taken.clear();
      batch.clear();
    }
  }

  private void commitGuarded(List<Pending> batch) {
    try {
      commit(batch);
    } finally {
      // Whatever escaped commit() (an Error), no caller is left waiting forever.
      for (Pending pending : batch) {
        if (!pending.outcome().isDone()) {
          pending
              .outcome()
              .complete(
                  Optional.of(
                      new Refusal(
                          Failure.UNAVAILABLE,
                          "serviceNotAvailable",
                          "the store's committer failed while committing "
                              + pending.write().subject()
                              + ": it may or may not be stored",
                          Optional.empty())));
        }
      }
    }
  }

  /**
   * Commits a batch as two transactions: first the delivery bookkeeping (attempts and claims),
   * which need not wait for the disk, then the changes, which do. So a claim or an attempt queued
   * beside a create does not wait for the create's flush; a claim then sees the changes of earlier
   * batches only, which is all it could rely on anyway (whoever made them wakes the claimer after
   * their commit).
   */
  private void commit(List<Pending> batch) {
    batch.sort(ORDER);
    List<Pending> delivery = new ArrayList<>(batch.size());
    List<Pending> changes = new ArrayList<>(batch.size());
    for (Pending pending : batch) {
      (pending.write() instanceof Write.Change ? changes : delivery).add(pending);
    }
    if (!delivery.isEmpty()) {
      commit(delivery, false);
    }
    if (!changes.isEmpty()) {
      commit(changes, true);
    }
  }

  private void commit(List<Pending> batch, boolean durable) {
    commits.increment();
    writes.add(batch.size());
    if (!durable) {
      relaxedCommits.increment();
    }
    Connection connection = null;
    boolean committing = false;
    try {
      connection = pool.getConnection();
      engine.durability(connection, durable);
      List<Optional<Refusal>> outcomes = new ArrayList<>(batch.size());
      if (!applyAll(connection, batch, outcomes)) {
        connection.rollback();
        outcomes.clear();
        applyEachInSavepoint(connection, batch, outcomes);
      }
      committing = true;
      connection.commit();
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).outcome().complete(outcomes.get(i));
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn(
          "the store could not {} a batch of {} changes; every caller in it is told to retry",
          committing ? "commit" : "apply",
          batch.size(),
          e);
      for (Pending pending : batch) {
        pending.outcome().complete(Optional.of(batchFailed(pending, e, committing)));
      }
      discard(connection);
      connection = null;
    } finally {
      closeQuietly(connection);
    }
  }

  /**
   * Applies the batch without savepoints, segment by segment, adding one outcome per write.
   *
   * @return false if a write raised a data error: the transaction is then unusable in PostgreSQL,
   *     and the outcomes are incomplete
   * @throws SQLException any other failure, which fails the batch
   */
  private boolean applyAll(
      Connection connection, List<Pending> batch, List<Optional<Refusal>> outcomes)
      throws SQLException {
    try (BatchWriter writer = new BatchWriter(connection, engine)) {
      for (List<Pending> segment : BatchWriter.segments(batch, Pending::write)) {
        try {
          outcomes.addAll(writer.apply(segment.stream().map(Pending::write).toList()));
        } catch (SQLException e) {
          if (engine.isDataError(e)) {
            return false;
          }
          throw e;
        }
      }
    }
    return true;
  }

  /**
   * Applies each write in its own savepoint, so a data error refuses that write alone (all of it: a
   * change's call, notifications and timers). Each write gets a writer of its own, so that what a
   * failed one left queued on a statement goes with it.
   */
  private void applyEachInSavepoint(
      Connection connection, List<Pending> batch, List<Optional<Refusal>> outcomes)
      throws SQLException {
    for (Pending pending : batch) {
      Savepoint savepoint = connection.setSavepoint();
      Optional<Refusal> outcome;
      try (BatchWriter writer = new BatchWriter(connection, engine)) {
        outcome = writer.apply(List.of(pending.write())).getFirst();
      } catch (SQLException e) {
        if (!engine.isDataError(e)) {
          throw e;
        }
        connection.rollback(savepoint);
        outcomes.add(Optional.of(dataError(pending, e)));
        continue;
      }
      connection.releaseSavepoint(savepoint);
      outcomes.add(outcome);
    }
  }

  private static Refusal dataError(Pending pending, SQLException e) {
    return Refusal.unavailable(
        "the database refused "
            + pending.write().subject()
            + ": "
            + e.getMessage()
            + ". It was not stored (the other changes committed with it were); retrying helps"
            + " only if the cause was transient",
        e);
  }

  private static Refusal batchFailed(Pending pending, Exception e, boolean committing) {
    String subject = pending.write().subject();
    String outcome =
        committing
            ? "The commit did not confirm, so "
                + subject
                + " may or may not be stored; retrying may help (a retried insert that did commit"
                + " is then refused as a conflict)"
            : "It failed before the commit, so " + subject + " was not stored; retrying may help";
    return Refusal.unavailable("the store failed: " + e.getMessage() + ". " + outcome, e);
  }

  /** Rolls back and evicts a connection that failed a batch, so the next batch gets a fresh one. */
  private void discard(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.rollback();
    } catch (SQLException e) {
      LOG.debug("rollback after a failed batch failed too", e);
    }
    pool.evictConnection(connection);
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.debug("closing a write connection failed", e);
    }
  }

  private boolean putUninterruptibly(Queued queued) {
    boolean interrupted = false;
    while (true) {
      try {
        queue.put(queued);
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  private static boolean joinUninterruptibly(Thread thread) {
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        return interrupted;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }
}
