package dev.dialtone.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that runs {@code scale} times faster than real time from the moment it is made, so a
 * demo or a test can watch a 45-minute keepAlive expiry in under a minute. Scale 1 is real time.
 */
final class ScaledClock extends Clock {
  private final Instant origin;
  private final long originNanos;
  private final double scale;

  ScaledClock(double scale) {
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("time-scale must be a positive number, got " + scale);
    }
    this.origin = Instant.now();
    this.originNanos = System.nanoTime();
    this.scale = scale;
  }

  /** How many seconds of this clock pass in a second of real time. */
  double rate() {
    return scale;
  }

  /** How much of this clock's time passes in {@code realTime}. */
  Duration scaled(Duration realTime) {
    return Duration.ofNanos((long) (realTime.toNanos() * scale));
  }

  @Override
  public Instant instant() {
    long elapsed = System.nanoTime() - originNanos;
    return origin.plus(Duration.ofNanos((long) (elapsed * scale)));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
