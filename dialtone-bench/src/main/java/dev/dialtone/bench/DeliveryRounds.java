package dev.dialtone.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The delivery and recovery scenarios' part of each round, run after the create-call slots.
 *
 * <p><b>Delivery.</b> Each Dialtone slot starts a fresh Dialtone, loads the end-to-end directory
 * (its callee answers at once), and delivers two backlogs: one to warm up, then the measured one.
 * A backlog is built with delivery paused: calls are created, and the harness waits until the
 * outbox holds both notifications of every call (so every timer has fired and nothing but delivery
 * is left); then delivery is resumed and the receiver times the arrivals. The sender slot replays
 * one notification Dialtone sent, as it was received, as fast as the receiver takes it: the same
 * receiver, the same bytes, nothing else to do.
 *
 * <p><b>Recovery.</b> A fresh Dialtone builds a backlog the same way, is killed with SIGKILL while
 * it is pending, and is started again on the same data directory; the time from starting it to
 * the last notification's arrival is the figure.
 */
final class DeliveryRounds {
  private static final String PAGE_CALLBACK = "https://bot.contoso.com/callback";

  private final DeliverySettings settings;
  private final Launcher launcher;
  private final CallbackReceiver receiver;
  private final Results results;
  private final DeliveryResults delivery;
  private final Path work;
  private final byte[] body;

  DeliveryRounds(
      DeliverySettings settings, Launcher launcher, CallbackReceiver receiver, Results results, DeliveryResults delivery, Path work) {
    this.settings = settings;
    this.launcher = launcher;
    this.receiver = receiver;
    this.results = results;
    this.delivery = delivery;
    this.work = work;
    this.body =
        new String(Launcher.Resources.bytes("create-call-request.json"), StandardCharsets.UTF_8)
            .replace(PAGE_CALLBACK, receiver.url())
            .getBytes(StandardCharsets.UTF_8);
  }

  void round(int round) {
    if (settings.delivery()) {
      for (DeliveryTarget target : settings.targets()) {
        try {
          if (target.isDialtone()) {
            dialtone(round, target);
          } else {
            sender(round);
          }
        } catch (BenchException e) {
          results.fail("delivery, round " + round + ", " + target.key() + ": " + e.getMessage());
        }
      }
    }
    if (settings.recovery()) {
      try {
        recovery(round);
      } catch (BenchException e) {
        results.fail("recovery, round " + round + ": " + e.getMessage());
      }
    }
  }

  private void dialtone(int round, DeliveryTarget target) {
    Path dir = work.resolve("r" + round + "-delivery-" + target.key());
    Path log = work.resolve("logs").resolve("r" + round + "-delivery-" + target.key() + ".log");
    Rounds.progress("round %d: delivery, %s", round, target.label());
    try (Launcher.Running running = launcher.dialtone(dir.resolve("data"), log, target.jvmArgs());
        CreateCallRequests requests = CreateCallRequests.withTokens(running.base(), body)) {
      Launcher.useEndToEndDirectory(running);
      if (settings.warmupCalls() > 0) {
        deliver(round, target, running, requests, settings.warmupCalls());
      }
      DeliveryResults.Measurement m = deliver(round, target, running, requests, settings.deliveryCalls());
      delivery.add(m);
      Rounds.progress(
          "round %d %-17s %,d notifications: %,.0f/s (%.2f s; %.2f s since resumed)  CPU %.2f cores (JIT %.2f), %.0f µs/notification  harness %.2f cores",
          round, target.key(), m.notifications(), m.perSecond(), m.seconds(), m.sinceResumeSeconds(), m.targetCpuCores(),
          m.targetJitCpuCores(), m.targetCpuMicrosPerNotification(), m.harnessCpuCores());
    } finally {
      Rounds.deleteRecursively(dir);
    }
  }

  /** Builds a backlog of {@code calls} calls' notifications, then lets it go and times it. */
  private DeliveryResults.Measurement deliver(
      int round, DeliveryTarget target, Launcher.Running running, CreateCallRequests requests, int calls) {
    long notifications = calls * (long) Backlog.NOTIFICATIONS_PER_CALL;
    Backlog.pause(running, true);
    Backlog.createCalls(running, requests, calls, settings.creators());
    Backlog.awaitPending(running, notifications, timeout());
    Arrivals arrivals = new Arrivals(notifications);
    receiver.attach(arrivals);
    try {
      Cpu before = Cpu.of(running.nodes().getFirst().process());
      long resumed = System.nanoTime();
      Backlog.pause(running, false);
      awaitArrivals(arrivals, running.nodes().getFirst().process());
      Cpu after = Cpu.of(running.nodes().getFirst().process());
      awaitNothingPending(running);
      return measurement(round, target.key(), notifications, arrivals, resumed, before, after);
    } finally {
      receiver.detachArrivals();
    }
  }

  private void sender(int round) {
    NotificationSender.Sample sample =
        receiver.sample().orElseThrow(() -> new BenchException("no notification was received yet to replay; run a Dialtone slot first"));
    Path file = work.resolve("notification-sample.json");
    sample.write(file);
    Path log = work.resolve("logs").resolve("r" + round + "-delivery-sender.log");
    Rounds.progress("round %d: delivery, %s", round, DeliveryTarget.SENDER.label());
    long warm = settings.warmupCalls() * (long) Backlog.NOTIFICATIONS_PER_CALL;
    long notifications = settings.deliveryCalls() * (long) Backlog.NOTIFICATIONS_PER_CALL;
    Arrivals arrivals = new Arrivals(warm, notifications);
    receiver.attach(arrivals);
    ChildProcess process = launcher.sender(java.net.URI.create(receiver.url()), file, warm + notifications, settings.senderConnections(), log);
    try {
      // The sender's CPU is read once the batch begins, so its start and warm-up are left out.
      long deadline = System.nanoTime() + timeout().toNanos();
      while (arrivals.count() == 0 && System.nanoTime() < deadline) {
        process.requireAliveOrDone();
        sleep(Duration.ofMillis(1));
      }
      Cpu before = Cpu.of(process);
      awaitArrivals(arrivals, process);
      Cpu after = Cpu.of(process);
      if (!process.awaitExit(Duration.ofSeconds(30)).map(status -> status == 0).orElse(false)) {
        throw new BenchException("the sender did not finish cleanly; see " + log);
      }
      DeliveryResults.Measurement m =
          measurement(round, DeliveryTarget.SENDER.key(), notifications, arrivals, arrivals.firstNanos(), before, after);
      delivery.add(m);
      Rounds.progress(
          "round %d %-17s %,d notifications: %,.0f/s (%.2f s)  CPU %.2f cores, %.0f µs/notification  harness %.2f cores",
          round, DeliveryTarget.SENDER.key(), m.notifications(), m.perSecond(), m.seconds(), m.targetCpuCores(),
          m.targetCpuMicrosPerNotification(), m.harnessCpuCores());
    } finally {
      receiver.detachArrivals();
      process.close();
    }
  }

  private void recovery(int round) {
    Path dir = work.resolve("r" + round + "-recovery");
    Path data = dir.resolve("data");
    long pending = settings.recoveryCalls() * (long) Backlog.NOTIFICATIONS_PER_CALL;
    Rounds.progress("round %d: recovery, %,d notifications pending at a kill -9", round, pending);
    try {
      Arrivals arrivals = new Arrivals(pending);
      try (Launcher.Running first = launcher.dialtone(data, work.resolve("logs").resolve("r" + round + "-recovery-before.log"), List.of());
          CreateCallRequests requests = CreateCallRequests.withTokens(first.base(), body)) {
        Launcher.useEndToEndDirectory(first);
        Backlog.pause(first, true);
        Backlog.createCalls(first, requests, settings.recoveryCalls(), settings.creators());
        Backlog.awaitPending(first, pending, timeout());
        receiver.attach(arrivals);
        first.nodes().getFirst().process().kill();
      }
      long restarted = System.nanoTime();
      try (Launcher.Running second = launcher.dialtone(data, work.resolve("logs").resolve("r" + round + "-recovery-after.log"), List.of())) {
        long listening = System.nanoTime();
        awaitArrivals(arrivals, second.nodes().getFirst().process());
        awaitNothingPending(second);
        double listeningSeconds = (listening - restarted) / 1e9;
        double deliveredSeconds = (arrivals.lastNanos() - restarted) / 1e9;
        DeliveryResults.Recovery r =
            new DeliveryResults.Recovery(
                round,
                pending,
                listeningSeconds,
                deliveredSeconds,
                pending / Math.max(1e-9, (arrivals.lastNanos() - listening) / 1e9),
                arrivals.count());
        delivery.add(r);
        Rounds.progress(
            "round %d recovery  %,d pending: listening after %.2f s, all delivered %.2f s after the restart (%,.0f/s once listening)",
            round, pending, r.listeningSeconds(), r.deliveredSeconds(), r.perSecondAfterListening());
      }
    } finally {
      receiver.detachArrivals();
      Rounds.deleteRecursively(dir);
    }
  }

  private void awaitArrivals(Arrivals arrivals, ChildProcess process) {
    long deadline = System.nanoTime() + timeout().toNanos();
    try {
      while (!arrivals.await(Duration.ofMillis(200))) {
        process.requireAliveOrDone();
        if (System.nanoTime() > deadline) {
          throw new BenchException(
              arrivals.count() + " of " + arrivals.expected() + " notifications arrived within " + timeout().toSeconds()
                  + " s; see " + process.log());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while waiting for notifications", e);
    }
  }

  /** A notification arrives before its attempt is recorded: waits until the outbox agrees. */
  private void awaitNothingPending(Launcher.Running running) {
    long deadline = System.nanoTime() + timeout().toNanos();
    long pending;
    while ((pending = Backlog.pending(running)) > 0) {
      if (System.nanoTime() > deadline) {
        throw new BenchException(pending + " notifications still pending after all arrived; see " + running.nodes().getFirst().process().log());
      }
      sleep(Duration.ofMillis(20));
    }
  }

  private Duration timeout() {
    return Duration.ofMillis(Math.round(settings.timeoutSeconds() * 1000));
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted", e);
    }
  }

  /**
   * A delivery of {@code notifications}, its rate over their arrivals, its CPU (read at {@code
   * before} and {@code after}) over the window from {@code startNanos} to the last arrival.
   */
  private static DeliveryResults.Measurement measurement(
      int round, String key, long notifications, Arrivals arrivals, long startNanos, Cpu before, Cpu after) {
    double seconds = (arrivals.lastNanos() - arrivals.firstNanos()) / 1e9;
    double window = (arrivals.lastNanos() - startNanos) / 1e9;
    return new DeliveryResults.Measurement(
        round,
        key,
        notifications,
        seconds,
        arrivals.perSecond(),
        window,
        after.target(before) / window,
        after.target(before) * 1e6 / notifications,
        after.jit(before) / window,
        after.harness(before) / window);
  }

  /** CPU times read at one moment: the target's, its JIT threads', the harness's. */
  private record Cpu(Duration target, Duration jit, Duration harness) {
    static Cpu of(ChildProcess process) {
      return new Cpu(
          process.cpuTime(),
          process.jitCpuTime(),
          ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO));
    }

    double target(Cpu before) {
      return target.minus(before.target).toNanos() / 1e9;
    }

    double jit(Cpu before) {
      return jit.minus(before.jit).toNanos() / 1e9;
    }

    double harness(Cpu before) {
      return harness.minus(before.harness).toNanos() / 1e9;
    }
  }
}
