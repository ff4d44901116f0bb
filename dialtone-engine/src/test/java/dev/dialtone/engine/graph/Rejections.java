package dev.dialtone.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Asserts that a call fails as an invalid request (400, {@code invalidRequest}). */
final class Rejections {

  private Rejections() {}

  static AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(ThrowingCallable call) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            EngineException.class,
            e -> {
              assertThat(e.failure()).isEqualTo(Failure.INVALID_REQUEST);
              assertThat(e.code()).isEqualTo("invalidRequest");
            });
  }
}
