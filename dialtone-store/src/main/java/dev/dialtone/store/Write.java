package dev.dialtone.store;

import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;
import dev.dialtone.engine.call.Call;
import java.util.Optional;

/**
 * A change a caller hands to the {@link GroupCommitter}. The JSON text is made by the caller, on
 * its own thread, so the committer only binds and executes.
 */
sealed interface Write {

  Call call();

  String json();

  /** Stores a new call; refused if the id exists. */
  record Insert(Call call, String json) implements Write {}

  /** Replaces a call; refused unless the stored version is {@code call.version() - 1}. */
  record Update(Call call, String json) implements Write {}

  /**
   * Why one write was not stored. The caller turns it into an {@link EngineException} on its own
   * thread, so the exception's stack shows the caller rather than the committer.
   *
   * @param cause what the database said, if it said something
   */
  record Refusal(Failure failure, String code, String message, Optional<Throwable> cause) {

    static Refusal conflict(String message) {
      return new Refusal(Failure.CONFLICT, "conflict", message, Optional.empty());
    }

    static Refusal unavailable(String message, Throwable cause) {
      return new Refusal(Failure.UNAVAILABLE, "serviceNotAvailable", message, Optional.of(cause));
    }

    EngineException toException() {
      return cause
          .map(c -> new EngineException(failure, code, message, c))
          .orElseGet(() -> new EngineException(failure, code, message));
    }
  }
}
