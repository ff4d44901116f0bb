package dev.dialtone.engine.call;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code callState} enum of the v1.0 CSDL, and which state may follow which.
 *
 * <pre>
 * outgoing:  establishing → established → [hold ⇄ established] → terminating → terminated
 *            establishing → terminated          (declined, busy, unanswered, failed)
 * incoming:  incoming → establishing (answer) | redirecting → terminated | terminated (reject, timeout)
 * transfer:  established → transferring → transferAccepted → terminated | established (failed)
 * </pre>
 *
 * Any live state may go straight to {@code terminated} (the other side hung up, a timer expired);
 * {@code terminated} is final.
 */
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

  /** The states this one may change to. */
  public Set<CallState> allowedNext() {
    return switch (this) {
      case INCOMING -> EnumSet.of(ESTABLISHING, REDIRECTING, TERMINATED);
      case ESTABLISHING -> EnumSet.of(ESTABLISHED, TERMINATING, TERMINATED);
      case ESTABLISHED -> EnumSet.of(HOLD, TRANSFERRING, TERMINATING, TERMINATED);
      case HOLD -> EnumSet.of(ESTABLISHED, TERMINATING, TERMINATED);
      case TRANSFERRING -> EnumSet.of(TRANSFER_ACCEPTED, ESTABLISHED, TERMINATING, TERMINATED);
      case TRANSFER_ACCEPTED -> EnumSet.of(TERMINATING, TERMINATED);
      case REDIRECTING -> EnumSet.of(TERMINATED);
      case TERMINATING -> EnumSet.of(TERMINATED);
      case TERMINATED -> EnumSet.noneOf(CallState.class);
    };
  }

  /**
   * Checks a transition.
   *
   * @throws IllegalTransitionException if {@code next} may not follow this state
   */
  public CallState moveTo(CallState next) {
    if (!allowedNext().contains(next)) {
      throw new IllegalTransitionException(this, next);
    }
    return next;
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
