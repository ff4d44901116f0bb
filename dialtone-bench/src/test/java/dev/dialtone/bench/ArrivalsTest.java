package dev.dialtone.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrivalsTest {
  private static final long MS = 1_000_000;

  @Test
  void timesTheBatchFromItsFirstArrivalToItsLast_afterTheSkippedOnes() throws Exception {
    Arrivals arrivals = new Arrivals(2, 5);
    long[] at = {0, 5, 10, 20, 30, 40, 50, 60};
    for (long t : at) {
      arrivals.arrived(t * MS);
    }

    assertThat(arrivals.await(Duration.ZERO)).isTrue();
    assertThat(arrivals.firstNanos()).isEqualTo(10 * MS);
    assertThat(arrivals.lastNanos()).isEqualTo(50 * MS);
    // Four after the first, in 40 ms; the duplicate at 60 ms times nothing.
    assertThat(arrivals.perSecond()).isEqualTo(100.0);
    assertThat(arrivals.count()).isEqualTo(6);
  }

  @Test
  void anIncompleteBatchHasNoRate_andIsNotAwaited() throws Exception {
    Arrivals arrivals = new Arrivals(3);
    arrivals.arrived(MS);

    assertThat(arrivals.await(Duration.ofMillis(1))).isFalse();
    assertThat(arrivals.perSecond()).isZero();
  }

  @Test
  void aSampleIsReplayedWithItsHeadersAndBody_framedAnew() {
    NotificationSender.Sample sample =
        new NotificationSender.Sample(
            List.of(List.of("Authorization", "Bearer abc"), List.of("Content-Type", "application/json")),
            "{\"é\":1}");

    String request = new String(sample.request("127.0.0.1:9000", "/callback"), StandardCharsets.UTF_8);

    assertThat(request)
        .isEqualTo(
            "POST /callback HTTP/1.1\r\nHost: 127.0.0.1:9000\r\nAuthorization: Bearer abc\r\n"
                + "Content-Type: application/json\r\nContent-Length: 8\r\n\r\n{\"é\":1}");
  }
}
