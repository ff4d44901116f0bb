package dev.dialtone.engine.call;

import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;

/** A state change the call's state machine does not allow; answered 409, retrying will not help. */
public final class IllegalTransitionException extends EngineException {
  private static final long serialVersionUID = 1L;

  private final CallState from;
  private final CallState to;

  IllegalTransitionException(CallState from, CallState to) {
    super(
        Failure.CONFLICT,
        "invalidCallState",
        "A call that is "
            + from.wireName()
            + " cannot become "
            + to.wireName()
            + "; from "
            + from.wireName()
            + " it can become "
            + from.allowedNext().stream().map(CallState::wireName).toList()
            + ".");
    this.from = from;
    this.to = to;
  }

  public CallState from() {
    return from;
  }

  public CallState to() {
    return to;
  }
}
