package dev.dialtone.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScaleResultsTest {
  private static final Machine MACHINE = new Machine(2, 1L << 34, "cpu", "os", "jdk", "jvm", 1.0, false);
  private static final ScaleScenario.Sizes SIZES =
      new ScaleScenario.Sizes(List.of(100_000), List.of(1_000, 1_000_000), List.of(1), 16);

  private static Settings settings(String mode) {
    return new Settings(mode, 3, 0, 0, 0.05, 4, 0, 1, List.of(1), List.of(), 1, List.of(Target.DIALTONE), Optional.empty(), List.of(DialtoneStore.SQLITE));
  }

  private static MemoryProbe.Reading heap(long bytes) {
    return new MemoryProbe.Reading(bytes, bytes, bytes, 2 * bytes, List.of(), Map.of());
  }

  private static ScaleResults.Window p99(double ms, double... byRound) {
    List<Double> rounds = java.util.Arrays.stream(byRound).boxed().toList();
    return new ScaleResults.Window(1, 3, 1_000, 2_000, 900, 300, ms / 2, ms, ms, ms, 900, 0, 1.0, rounds);
  }

  @Test
  void judgesHeapAt100000LiveCallsAndTheStoredP99Ratio() {
    ScaleResults results = new ScaleResults(settings("full"), MACHINE, SIZES);
    results.add(new ScaleResults.LivePoint(0, Map.of(), Map.of(), heap(20L << 20), List.of(p99(10))));
    results.add(new ScaleResults.LivePoint(100_000, Map.of(), Map.of(), heap(30L << 20), List.of(p99(10))));
    // Round 2 ran on a busier machine: both sizes slowed, the ratio held.
    results.add(new ScaleResults.StoredPoint(1_000, 1 << 20, Map.of(), heap(20L << 20), List.of(p99(10, 10, 30, 10))));
    results.add(new ScaleResults.StoredPoint(1_000_000, 1 << 30, Map.of(), heap(20L << 20), List.of(p99(16, 12, 36, 20))));

    assertThat(results.verdicts())
        .extracting(ScaleResults.Verdict::status, ScaleResults.Verdict::detail)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("met", "30 MiB used after a full GC"),
            org.assertj.core.groups.Tuple.tuple(
                "met", "1.20× (1.20×–2.00×) (p99 ratio per round; merged windows 16.00 ms ÷ 10.00 ms)"));
    assertThat(results.markdown())
        .contains("| 100,000 | 1 | 3 | 1,000 → 2,000 | 300 | 5.00 | 10.00 | 10.00 | 10.0 | 900 | 1.00 | 1.00 | 1.0 |")
        .contains("| 1,000,000 | 1 | 3 | 1,000 → 2,000 | 300 | 8.00 | 16.00 | 16.00 | 16.0 | 900 | 1.20 (1.20–2.00) | 1.0 |");
  }

  @Test
  void aSmokeRunJudgesNothingAndMissingSizesAreNotMeasured() {
    ScaleResults results = new ScaleResults(settings("smoke"), MACHINE, SIZES);
    results.add(new ScaleResults.LivePoint(100_000, Map.of(), Map.of(), heap(30L << 20), List.of(p99(10))));

    assertThat(results.verdicts())
        .extracting(ScaleResults.Verdict::status)
        .containsExactly("not judged (smoke run)", "not measured");
  }
}
