package dev.dialtone.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EndToEndTrackerTest {

  @Test
  void recordsTheTimeFromSendingToEstablished() throws InterruptedException {
    EndToEndTracker tracker = new EndToEndTracker();

    tracker.created("call-1", 1_000_000, true);
    tracker.established("call-1", 6_000_000);

    assertThat(tracker.awaitAll(Duration.ZERO)).isZero();
    assertThat(tracker.latencyNanos().getTotalCount()).isEqualTo(1);
    assertThat(tracker.latencyNanos().getMaxValue()).isBetween(4_990_000L, 5_010_000L);
  }

  @Test
  void anEstablishedNotificationThatOvertakesTheCreatedAnswerStillCounts() {
    EndToEndTracker tracker = new EndToEndTracker();

    tracker.established("call-1", 9_000_000);
    tracker.created("call-1", 2_000_000, true);

    assertThat(tracker.latencyNanos().getTotalCount()).isEqualTo(1);
  }

  @Test
  void callsCreatedOutsideTheWindowAreNotRecordedNorAwaited() throws InterruptedException {
    EndToEndTracker tracker = new EndToEndTracker();

    tracker.created("warm-up", 1_000_000, false);

    assertThat(tracker.awaitAll(Duration.ZERO)).isZero();
    tracker.established("warm-up", 2_000_000);
    assertThat(tracker.latencyNanos().getTotalCount()).isZero();
  }

  @Test
  void aMeasuredCallNeverEstablishedIsCountedAsMissing() throws InterruptedException {
    EndToEndTracker tracker = new EndToEndTracker();

    tracker.created("lost", 1_000_000, true);

    assertThat(tracker.awaitAll(Duration.ofMillis(1))).isEqualTo(1);
  }
}
