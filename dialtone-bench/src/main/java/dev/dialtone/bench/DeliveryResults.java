package dev.dialtone.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * What the delivery and recovery scenarios measured, summarised over the rounds as median (min–max)
 * like {@link Results}, with Dialtone's delivery rate as a ratio to the baseline sender's of the
 * same round.
 */
final class DeliveryResults {

  /**
   * One backlog delivered in one slot of one round. Times in seconds; CPU as cores over {@code
   * seconds}, and per notification.
   *
   * @param notifications the backlog, all of which arrived
   * @param seconds from the first notification's arrival to the last's
   * @param perSecond the notifications after the first over {@code seconds}
   * @param sinceResumeSeconds Dialtone: from resuming delivery to the last arrival; the sender: as
   *     {@code seconds}
   */
  record Measurement(
      int round,
      String target,
      long notifications,
      double seconds,
      double perSecond,
      double sinceResumeSeconds,
      double targetCpuCores,
      double targetCpuMicrosPerNotification,
      double targetJitCpuCores,
      double harnessCpuCores) {}

  /**
   * One recovery. Times in seconds from the moment the killed Dialtone's restart was started.
   *
   * @param pending notifications pending at the kill
   * @param listeningSeconds until the restarted Dialtone printed that it listens (read every 50 ms)
   * @param deliveredSeconds until the last of them arrived
   * @param perSecondAfterListening the pending notifications over the time from listening to the
   *     last arrival
   * @param received notifications received after the restart by the end (more than pending: duplicates)
   */
  record Recovery(
      int round,
      long pending,
      double listeningSeconds,
      double deliveredSeconds,
      double perSecondAfterListening,
      long received) {}

  record Summary(String target, Results.Spread perSecond, Results.Spread cpuMicrosPerNotification, Results.Spread targetCpuCores, Results.Spread harnessCpuCores) {}

  /** One delivery target's rate over another's, per round. */
  record Ratio(String target, String baseline, Results.Spread perSecond) {}

  private final DeliverySettings settings;
  private final String mode;
  private final List<Measurement> measurements = new ArrayList<>();
  private final List<Recovery> recoveries = new ArrayList<>();

  DeliveryResults(DeliverySettings settings, String mode) {
    this.settings = settings;
    this.mode = mode;
  }

  synchronized void add(Measurement measurement) {
    measurements.add(measurement);
  }

  synchronized void add(Recovery recovery) {
    recoveries.add(recovery);
  }

  synchronized List<Summary> summaries() {
    List<Summary> summaries = new ArrayList<>();
    for (DeliveryTarget target : settings.targets()) {
      List<Measurement> of = of(target);
      if (!of.isEmpty()) {
        summaries.add(
            new Summary(
                target.key(),
                spread(of, Measurement::perSecond),
                spread(of, Measurement::targetCpuMicrosPerNotification),
                spread(of, Measurement::targetCpuCores),
                spread(of, Measurement::harnessCpuCores)));
      }
    }
    return summaries;
  }

  synchronized List<Ratio> ratios() {
    List<Ratio> ratios = new ArrayList<>();
    ratio(DeliveryTarget.DIALTONE, DeliveryTarget.SENDER).ifPresent(ratios::add);
    ratio(DeliveryTarget.DIALTONE_UNSIGNED, DeliveryTarget.SENDER).ifPresent(ratios::add);
    ratio(DeliveryTarget.DIALTONE, DeliveryTarget.DIALTONE_UNSIGNED).ifPresent(ratios::add);
    return ratios;
  }

  private Optional<Ratio> ratio(DeliveryTarget target, DeliveryTarget baseline) {
    List<Double> perRound = new ArrayList<>();
    for (Measurement m : of(target)) {
      find(baseline, m.round()).ifPresent(b -> perRound.add(m.perSecond() / b.perSecond()));
    }
    return Results.Spread.of(perRound).map(s -> new Ratio(target.key(), baseline.key(), s));
  }

  /** Target 4 of the issue: signed notifications a second to a local receiver. */
  synchronized Results.Verdict throughputVerdict() {
    String name = "4. ≥ 20,000 signed notifications/s delivered to a local receiver";
    List<Double> perRound = of(DeliveryTarget.DIALTONE).stream().map(Measurement::perSecond).toList();
    return verdict(name, perRound, v -> v >= 20_000, "%,.0f/s");
  }

  /** Target 6 of the issue: a backlog pending at a kill -9, delivered after the restart. */
  synchronized Results.Verdict recoveryVerdict() {
    String name = "6. " + String.format(Locale.ROOT, "%,d", settings.recoveryCalls() * (long) Backlog.NOTIFICATIONS_PER_CALL)
        + " notifications pending at a kill -9: all delivered ≤ 5 s after the restart (from starting the process)";
    List<Double> perRound = recoveries.stream().map(Recovery::deliveredSeconds).toList();
    return verdict(name, perRound, v -> v <= 5, "%.2f s");
  }

  private Results.Verdict verdict(String name, List<Double> perRound, java.util.function.DoublePredicate ok, String pattern) {
    Optional<Results.Spread> spread = Results.Spread.of(perRound);
    if (spread.isEmpty()) {
      return new Results.Verdict(name, "not measured yet", "");
    }
    long good = perRound.stream().filter(ok::test).count();
    String status = mode.equals("smoke") ? "not judged (smoke run)" : ok.test(spread.get().median()) ? "met" : "not met";
    return new Results.Verdict(
        name, status, spread.get().format(pattern) + "; met in " + good + " of " + perRound.size() + " round" + (perRound.size() == 1 ? "" : "s"));
  }

  /** The scenarios' part of {@code bench-results.json}. */
  synchronized Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("settings", settings);
    json.put("summary", summaries());
    json.put("ratios", ratios());
    json.put("measurements", measurements);
    json.put("recoveries", recoveries);
    return json;
  }

  /** The scenarios' sections of {@code bench-results.md}; empty if neither ran. */
  synchronized String markdown() {
    StringBuilder md = new StringBuilder();
    List<Summary> summaries = summaries();
    if (!summaries.isEmpty()) {
      md.append(String.format(Locale.ROOT,
          "%n## Notification delivery: a backlog of %,d notifications to a local receiver%n%n",
          settings.deliveryCalls() * (long) Backlog.NOTIFICATIONS_PER_CALL));
      long backlog = settings.deliveryCalls() * (long) Backlog.NOTIFICATIONS_PER_CALL;
      long warm = settings.warmupCalls() * (long) Backlog.NOTIFICATIONS_PER_CALL;
      md.append(String.format(Locale.ROOT,
          "Dialtone: delivery paused, %,d calls created (%,d notifications once every callee's timer fired), delivery resumed%s. "
              + "The sender: %s%,d POSTs of one notification as Dialtone sent it, on %d connections. "
              + "Rate: the notifications after the first over the time from the first arrival to the last.%n%n",
          settings.deliveryCalls(), backlog,
          warm == 0 ? "" : String.format(Locale.ROOT, ", after a first backlog of %,d delivered unrecorded", warm),
          warm == 0 ? "" : String.format(Locale.ROOT, "%,d unrecorded, then ", warm),
          backlog, settings.senderConnections()));
      md.append("| sender | notifications/s | CPU µs/notification (sender) | sender CPU cores | harness CPU cores (the receiver) |\n");
      md.append("|---|---:|---:|---:|---:|\n");
      for (Summary s : summaries) {
        md.append("| ").append(DeliveryTarget.of(s.target()).label())
            .append(" | ").append(s.perSecond().format("%,.0f"))
            .append(" | ").append(s.cpuMicrosPerNotification().format("%.0f"))
            .append(" | ").append(s.targetCpuCores().format("%.2f"))
            .append(" | ").append(s.harnessCpuCores().format("%.2f"))
            .append(" |\n");
      }
      List<Ratio> ratios = ratios();
      if (!ratios.isEmpty()) {
        md.append("\n| rate of | ÷ rate of (same round) | ratio |\n|---|---|---:|\n");
        for (Ratio r : ratios) {
          md.append("| ").append(r.target()).append(" | ").append(r.baseline()).append(" | ").append(r.perSecond().format("%.3f")).append(" |\n");
        }
      }
    }
    if (!recoveries.isEmpty()) {
      md.append(String.format(Locale.ROOT,
          "%n## Recovery: %,d notifications pending at a kill -9%n%n",
          settings.recoveryCalls() * (long) Backlog.NOTIFICATIONS_PER_CALL));
      md.append("Times from starting the killed Dialtone's restart on the same data directory.\n\n");
      md.append("| round | pending | listening s | all delivered s | notifications/s after listening | received after the restart |\n");
      md.append("|---:|---:|---:|---:|---:|---:|\n");
      for (Recovery r : recoveries) {
        md.append(String.format(Locale.ROOT, "| %d | %,d | %.2f | %.2f | %,.0f | %,d |%n",
            r.round(), r.pending(), r.listeningSeconds(), r.deliveredSeconds(), r.perSecondAfterListening(), r.received()));
      }
    }
    return md.toString();
  }

  private List<Measurement> of(DeliveryTarget target) {
    return measurements.stream()
        .filter(m -> m.target().equals(target.key()))
        .sorted(Comparator.comparingInt(Measurement::round))
        .toList();
  }

  private Optional<Measurement> find(DeliveryTarget target, int round) {
    return measurements.stream().filter(m -> m.target().equals(target.key()) && m.round() == round).findFirst();
  }

  private static Results.Spread spread(List<Measurement> of, ToDoubleFunction<Measurement> figure) {
    return Results.Spread.of(of.stream().map(figure::applyAsDouble).toList()).orElseThrow();
  }
}
