package dev.dialtone.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryResultsTest {
  private static final DeliverySettings SETTINGS =
      new DeliverySettings(true, true, 10, 100, 5_000, 4, 4, 10, List.of(DeliveryTarget.values()));

  private static DeliveryResults.Measurement m(int round, DeliveryTarget target, double perSecond) {
    return new DeliveryResults.Measurement(round, target.key(), 200, 200 / perSecond, perSecond, 1, 1, 50, 0, 0.5);
  }

  @Test
  void ratiosAreTakenWithinEachRound_andTheVerdictsJudgeTheMedians() {
    DeliveryResults results = new DeliveryResults(SETTINGS, "full");
    // Round 2 on a machine twice as busy: the rates halve, the ratios hold.
    results.add(m(1, DeliveryTarget.DIALTONE, 24_000));
    results.add(m(1, DeliveryTarget.DIALTONE_UNSIGNED, 30_000));
    results.add(m(1, DeliveryTarget.SENDER, 40_000));
    results.add(m(2, DeliveryTarget.DIALTONE, 12_000));
    results.add(m(2, DeliveryTarget.DIALTONE_UNSIGNED, 15_000));
    results.add(m(2, DeliveryTarget.SENDER, 20_000));
    results.add(new DeliveryResults.Recovery(1, 10_000, 1.5, 4.0, 4_000, 10_000));
    results.add(new DeliveryResults.Recovery(2, 10_000, 1.5, 7.0, 2_000, 10_000));
    results.add(new DeliveryResults.Recovery(3, 10_000, 1.5, 4.5, 3_500, 10_000));

    assertThat(results.ratios())
        .extracting(r -> r.target() + "/" + r.baseline() + " " + r.perSecond().median() + " " + r.perSecond().min())
        .containsExactly("dialtone/sender 0.6 0.6", "dialtone-unsigned/sender 0.75 0.75", "dialtone/dialtone-unsigned 0.8 0.8");
    assertThat(results.throughputVerdict().status()).isEqualTo("not met");
    assertThat(results.throughputVerdict().detail()).startsWith("18,000/s (12,000/s–24,000/s); met in 1 of 2 rounds");
    assertThat(results.recoveryVerdict().status()).isEqualTo("met");
    assertThat(results.recoveryVerdict().target()).contains("10,000 notifications pending");
    assertThat(results.markdown()).contains("| dialtone/sender".replace("/", " | "));
  }

  @Test
  void aSmokeRunJudgesNothing_andWithoutFiguresNothingIsMeasured() {
    DeliveryResults empty = new DeliveryResults(SETTINGS, "smoke");
    assertThat(empty.throughputVerdict().status()).isEqualTo("not measured yet");
    assertThat(empty.markdown()).isEmpty();
    empty.add(m(1, DeliveryTarget.DIALTONE, 100));
    assertThat(empty.throughputVerdict().status()).isEqualTo("not judged (smoke run)");
  }
}
