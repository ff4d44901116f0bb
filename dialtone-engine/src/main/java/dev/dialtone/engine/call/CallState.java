package dev.dialtone.engine.call;

import java.util.Locale;

/** The {@code callState} enum of the v1.0 CSDL, with the states a call can be in. */
public enum CallState {
  INCOMING("incoming"),
  ESTABLISHING("establishing"),
  ESTABLISHED("established"),
  HOLD("hold"),
  TRANSFERRING("transferring"),
  TRANSFER_ACCEPTED("transferAccepted"),
  REDIRECTING("redirecting"),
  TERMINATING("terminating"),
  TERMINATED("terminated");

  private final String wireName;

  CallState(String wireName) {
    this.wireName = wireName;
  }

  /** The member name as it appears in JSON. */
  public String wireName() {
    return wireName;
  }

  /** True for the state a call never leaves. */
  public boolean isTerminal() {
    return this == TERMINATED;
  }

  /**
   * Parses a wire name, ignoring case (real traffic logs show {@code "Terminated"}).
   *
   * @throws IllegalArgumentException if the name is not a member
   */
  public static CallState fromWire(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (CallState state : values()) {
      if (state.wireName.toLowerCase(Locale.ROOT).equals(lower)) {
        return state;
      }
    }
    throw new IllegalArgumentException("not a callState member: '" + name + "'");
  }
}
