package dev.dialtone.engine.directory;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A phone on the simulated PSTN, by its E.164 number, and how it responds when rung. Numbers not
 * in the directory behave as {@link Behaviour#DEFAULT}.
 */
public record PhoneNumber(String number, String displayName, Behaviour behaviour) {
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

  public PhoneNumber {
    requireE164(number);
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(behaviour, "behaviour");
  }

  public PhoneNumber(String number, String displayName) {
    this(number, displayName, Behaviour.DEFAULT);
  }

  /** True if the text is an E.164 number: a plus sign and 2 to 15 digits, the first not 0. */
  public static boolean isE164(String text) {
    return text != null && E164.matcher(text).matches();
  }

  static void requireE164(String number) {
    if (!isE164(number)) {
      throw new IllegalArgumentException(
          "phone numbers are E.164 ('+' and 2 to 15 digits, e.g. +12345678901), got '"
              + number
              + "'");
    }
  }
}
