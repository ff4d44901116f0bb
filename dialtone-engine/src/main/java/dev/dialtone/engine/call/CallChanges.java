package dev.dialtone.engine.call;

import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;
import java.util.Optional;
import java.util.function.Function;

/** Read, change, commit; again from a fresh read when someone else changed the call first. */
final class CallChanges {
  /** Enough for a call with a burst of concurrent events; each retry re-reads the call. */
  private static final int ATTEMPTS = 8;

  private CallChanges() {}

  static CallChange applyWithRetry(
      CallStore store, String callId, Function<Optional<Call>, CallChange> change) {
    for (int attempt = 1; ; attempt++) {
      CallChange next = change.apply(store.find(callId));
      try {
        store.apply(next);
        return next;
      } catch (EngineException e) {
        if (e.failure() != Failure.CONFLICT || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
