package dev.dialtone.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResultsTest {
  private static final Machine MACHINE = new Machine(2, 1L << 34, "cpu", "os", "jdk", "jvm", 1.0, false);

  private static Results.Measurement m(int round, Target target, int clients, double throughput, double p99) {
    return m(round, target.key(), clients, throughput, p99);
  }

  private static Results.Measurement m(int round, String target, int clients, double throughput, double p99) {
    return new Results.Measurement(round, target, clients, 100, throughput, 1, 2, p99, p99, p99, 0, 1, 0, 10, 0.5, 0, 0, 0);
  }

  @Test
  void spreadIsTheMedianAndRangeOverRounds() {
    assertThat(Results.Spread.of(List.of(3.0, 1.0, 2.0))).contains(new Results.Spread(2.0, 1.0, 3.0, 3));
    assertThat(Results.Spread.of(List.of(4.0, 1.0))).contains(new Results.Spread(2.5, 1.0, 4.0, 2));
    assertThat(Results.Spread.of(List.of())).isEmpty();
  }

  @Test
  void ratiosAreTakenWithinEachRoundThenSummarised() {
    Settings settings =
        new Settings("test", 2, 0, 0, 0.05, 16, 0, 1, List.of(64), List.of(16), 1, List.of(Target.DIALTONE, Target.CEILING, Target.WIREMOCK), Optional.empty(), List.of(DialtoneStore.SQLITE));
    Results results = new Results(settings, MACHINE, new DeliveryResults(DeliverySettings.smoke(), "test"));
    // Round 2 runs on a machine twice as busy: absolute figures halve, the ratio holds.
    results.add(m(1, Target.DIALTONE, 64, 600, 8));
    results.add(m(1, Target.CEILING, 64, 1000, 2));
    results.add(m(1, Target.WIREMOCK, 64, 100, 20));
    results.add(m(2, Target.DIALTONE, 64, 300, 16));
    results.add(m(2, Target.CEILING, 64, 500, 4));
    results.add(m(2, Target.WIREMOCK, 64, 50, 40));

    Results.Ratio ceiling = results.ratios().stream().filter(r -> r.baseline().equals("ceiling")).findFirst().orElseThrow();

    assertThat(ceiling.throughput().median()).isEqualTo(0.6);
    assertThat(ceiling.throughput().min()).isEqualTo(0.6);
    assertThat(ceiling.p99().median()).isEqualTo(4.0);
    assertThat(results.verdicts())
        .extracting(Results.Verdict::status)
        .containsExactly(
            "met", "met", "not met", "not measured yet",
            "not measured yet", "not measured yet", "not measured yet", "not measured yet", "not measured yet",
            "not measured yet", "not measured yet", "not measured yet", "not measured yet");
    assertThat(results.markdown())
        .contains("| Dialtone (embedded store) | 64 | ceiling (Helidon, static 201) | 0.600 (0.600–0.600) | 4.00 (4.00–4.00) |");
  }

  @Test
  void eachStoreIsComparedWithTheSameRoundsBaselines_andPostgresIsJudgedOnItsOwn() {
    DialtoneStore postgres = new DialtoneStore(DialtoneStore.Kind.POSTGRES, 1);
    Settings settings =
        new Settings("test", 1, 0, 0, 0.05, 16, 0, 1, List.of(64), List.of(16), 1, List.of(Target.DIALTONE, Target.CEILING, Target.WIREMOCK),
            Optional.empty(), List.of(DialtoneStore.SQLITE, postgres));
    Results results = new Results(settings, MACHINE, new DeliveryResults(DeliverySettings.smoke(), "test"));
    results.add(m(1, Target.DIALTONE, 64, 600, 8));
    results.add(m(1, postgres.key(), 64, 12_000, 9));
    results.add(m(1, Target.CEILING, 64, 20_000, 2));
    results.add(m(1, Target.WIREMOCK, 64, 2_000, 20));

    assertThat(settings.targetKeys()).containsExactly("dialtone", "dialtone-postgres", "ceiling", "wiremock");
    assertThat(results.ratios())
        .filteredOn(r -> r.baseline().equals("ceiling"))
        .extracting(Results.Ratio::target, r -> r.throughput().median())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("dialtone", 0.03), org.assertj.core.groups.Tuple.tuple("dialtone-postgres", 0.6));
    assertThat(results.verdicts())
        .filteredOn(v -> v.target().contains("PostgreSQL"))
        .extracting(Results.Verdict::status)
        .containsExactly("met", "met", "met", "not measured yet", "met");
    assertThat(results.markdown()).contains("| Dialtone (PostgreSQL) | 64 | 12000 |");
  }

  @Test
  void storeKeysNameTheStoreAndTheNodes() {
    assertThat(DialtoneStore.SQLITE.key()).isEqualTo("dialtone");
    assertThat(DialtoneStore.of("postgres", 3).key()).isEqualTo("dialtone-postgres-3nodes");
    assertThat(DialtoneStore.labelOf("dialtone-postgres-3nodes")).isEqualTo("Dialtone (PostgreSQL, 3 nodes)");
    assertThat(DialtoneStore.labelOf("wiremock")).isEqualTo(Target.WIREMOCK.label());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DialtoneStore.of("sqlite", 2))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
