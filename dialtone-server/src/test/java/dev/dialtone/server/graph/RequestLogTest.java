package dev.dialtone.server.graph;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestLogTest {

  @Test
  void latency_isWrittenInMillisecondsWithTwoDecimals() {
    assertThat(RequestLog.milliseconds(0)).isEqualTo("0.00");
    assertThat(RequestLog.milliseconds(50_000)).isEqualTo("0.05");
    assertThat(RequestLog.milliseconds(1_250_000)).isEqualTo("1.25");
    assertThat(RequestLog.milliseconds(1_004_999)).isEqualTo("1.00");
    assertThat(RequestLog.milliseconds(1_005_000)).isEqualTo("1.01");
    assertThat(RequestLog.milliseconds(12_345_678_900L)).isEqualTo("12345.68");
  }

  @Test
  void closing_stopsTheLogsThread() {
    RequestLog log = new RequestLog();
    assertThat(threadsNamed("dialtone-request-log")).isPositive();

    log.close();

    assertThat(threadsNamed("dialtone-request-log")).isZero();
  }

  private static long threadsNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().equals(name) && thread.isAlive())
        .count();
  }
}
