package dev.dialtone.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialtone.engine.call.Delivery;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  private static final Instant CREATED = Instant.parse("2026-03-01T10:00:00Z");
  private final RetrySchedule schedule = RetrySchedule.standard();

  @Test
  void delays_doubleFromOneSecondAndStopAtOneMinute() {
    assertThat(IntStream.rangeClosed(1, 9).mapToObj(schedule::delayAfter).map(Duration::toSeconds))
        .containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 60L, 60L, 60L);
  }

  @Test
  void delay_ofAVeryLateAttempt_isTheCapWithoutOverflow() {
    assertThat(schedule.delayAfter(64)).isEqualTo(Duration.ofSeconds(60));
    assertThat(schedule.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(60));
    Duration longest = Duration.ofSeconds(Long.MAX_VALUE);
    RetrySchedule huge = new RetrySchedule(Duration.ofDays(365_000), longest, Duration.ofDays(1));
    assertThat(huge.delayAfter(40)).isEqualTo(longest);
  }

  @Test
  void afterFailure_retriesAtTheEndOfTheAttemptPlusTheDelay() {
    Instant failedAt = CREATED.plusSeconds(7);

    assertThat(schedule.afterFailure(CREATED, 4, failedAt))
        .isEqualTo(new Delivery.Outcome.RetryAt(failedAt.plusSeconds(8)));
  }

  @Test
  void afterFailure_givesUpWhenTheNextAttemptWouldStartPastTheHorizon() {
    assertThat(schedule.afterFailure(CREATED, 20, CREATED.plusSeconds(3540)))
        .isEqualTo(new Delivery.Outcome.RetryAt(CREATED.plusSeconds(3600)));
    assertThat(schedule.afterFailure(CREATED, 20, CREATED.plusSeconds(3541)))
        .isEqualTo(new Delivery.Outcome.GaveUp());
  }

  @Test
  void instantAttempts_areTriedSixtyFiveTimesWithinTheHour_asTheTableSays() {
    Instant now = CREATED;
    int attempts = 0;
    Delivery.Outcome outcome;
    do {
      attempts++;
      outcome = schedule.afterFailure(CREATED, attempts, now);
      if (outcome instanceof Delivery.Outcome.RetryAt retry) {
        now = retry.when();
      }
    } while (outcome instanceof Delivery.Outcome.RetryAt);

    assertThat(attempts).isEqualTo(65);
    assertThat(now).isEqualTo(CREATED.plusSeconds(3543));
  }

  @Test
  void attemptNumbers_startAtOne() {
    assertThatThrownBy(() -> schedule.delayAfter(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("from 1, got 0");
  }

  @Test
  void capBelowBase_isRejected() {
    assertThatThrownBy(
            () ->
                new RetrySchedule(
                    Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cap must be at least the base");
  }
}
