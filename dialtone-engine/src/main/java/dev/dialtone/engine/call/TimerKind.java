package dev.dialtone.engine.call;

/** What a {@link Timer} does when it fires. */
public enum TimerKind {
  /** A simulated party acts: answers, declines, hangs up, presses a tone. */
  PARTY_ACTION,
  /** An outgoing call nobody answered in time ends. */
  RINGING_TIMEOUT,
  /** An incoming call the bot did not answer, reject or redirect in 15 s ends. */
  ANSWER_DEADLINE,
  /** A call without a keepAlive for 45 minutes ends with 408/8537. */
  KEEP_ALIVE_EXPIRY
}
