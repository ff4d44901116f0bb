package dev.dialtone.engine.directory;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a simulated party (a user or a phone) responds when a bot calls it.
 *
 * @param response what it does when it rings
 * @param after how long it rings before it answers or declines (ignored for {@code NO_ANSWER},
 *     which rings until the call's ringing timeout)
 * @param hangUpAfter how long after answering it hangs up, if it does
 * @param tones DTMF keys it presses a second after answering ({@code 0-9 * # A-D}), if any
 */
public record Behaviour(
    Response response, Duration after, Optional<Duration> hangUpAfter, String tones) {

  /** What a party does when it rings. */
  public enum Response {
    ANSWER,
    DECLINE,
    BUSY,
    NO_ANSWER
  }

  /** A party answers after about a second and stays until the bot hangs up. */
  public static final Behaviour DEFAULT =
      new Behaviour(Response.ANSWER, Duration.ofSeconds(1), Optional.empty(), "");

  /** The keys a party can press. */
  public static final String TONE_KEYS = "0123456789*#ABCD";

  /**
   * The most keys pressed in one go: each is a notification, and one change of a call numbers at
   * most 100 of them.
   */
  public static final int MAX_TONES = 32;

  public Behaviour(Response response, Duration after, Optional<Duration> hangUpAfter) {
    this(response, after, hangUpAfter, "");
  }

  public Behaviour {
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(hangUpAfter, "hangUpAfter");
    if (after.isNegative()) {
      throw new IllegalArgumentException("a party cannot act before it rings, got after=" + after);
    }
    Objects.requireNonNull(tones, "tones");
    if (tones.length() > MAX_TONES) {
      throw new IllegalArgumentException(
          "a party presses at most " + MAX_TONES + " keys in one go, got " + tones.length());
    }
    for (char key : tones.toCharArray()) {
      if (TONE_KEYS.indexOf(Character.toUpperCase(key)) < 0) {
        throw new IllegalArgumentException(
            "tones are DTMF keys (" + TONE_KEYS + "), got '" + key + "' in '" + tones + "'");
      }
    }
    hangUpAfter.ifPresent(
        d -> {
          if (d.isNegative()) {
            throw new IllegalArgumentException("hang-up-after must not be negative, got " + d);
          }
        });
  }
}
