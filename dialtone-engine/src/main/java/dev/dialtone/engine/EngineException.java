package dev.dialtone.engine;

import java.util.Objects;

/**
 * The one unchecked exception of the engine. It carries a {@link Failure} kind, the Graph error
 * {@code code} a bot branches on (for example {@code invalidRequest} or the calling service's
 * {@code 7505}), and a message that names the offending value and, where there is one, the fix.
 */
public class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Failure failure;
  private final String code;

  public EngineException(Failure failure, String code, String message) {
    super(message);
    this.failure = Objects.requireNonNull(failure, "failure");
    this.code = Objects.requireNonNull(code, "code");
  }

  public EngineException(Failure failure, String code, String message, Throwable cause) {
    super(message, cause);
    this.failure = Objects.requireNonNull(failure, "failure");
    this.code = Objects.requireNonNull(code, "code");
  }

  public Failure failure() {
    return failure;
  }

  public String code() {
    return code;
  }

  /** A 400 with Graph's generic {@code invalidRequest} code. */
  public static EngineException invalidRequest(String message) {
    return new EngineException(Failure.INVALID_REQUEST, "invalidRequest", message);
  }

  /** A 404 with Graph's generic {@code itemNotFound} code. */
  public static EngineException notFound(String message) {
    return new EngineException(Failure.NOT_FOUND, "itemNotFound", message);
  }
}
