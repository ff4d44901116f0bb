package dev.dialtone.engine.call;

import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;

/**
 * The calling service's own error codes, which bots branch on. Each message starts with the real
 * service's text and goes on with what exactly was wrong and how to fix it.
 */
final class CallingErrors {
  private CallingErrors() {}

  /** 403 {@code 7504}: the app lacks the permission the operation needs. */
  static EngineException insufficientPermissions(String detail) {
    return new EngineException(
        Failure.FORBIDDEN,
        "7504",
        "Insufficient enterprise tenant permissions, cannot access this API. " + detail);
  }

  /** 403 {@code 7505}: the token's tenant is not the call's. */
  static EngineException tenantMismatch(String detail) {
    return new EngineException(
        Failure.FORBIDDEN, "7505", "Request authorization tenant mismatch. " + detail);
  }

  /** 403 {@code 7505} on an existing call, with the real service's wording for that case. */
  static EngineException callTenantMismatch(String callId) {
    return new EngineException(
        Failure.FORBIDDEN,
        "7505",
        "Mismatch between request authorization tenant and call tenant. Call '"
            + callId
            + "' belongs to another tenant; use a token for that tenant.");
  }

  /** 403 {@code 7507}: the call's source is not an identity the app may use. */
  static EngineException sourceIdentityInvalid(String detail) {
    return new EngineException(
        Failure.FORBIDDEN, "7507", "Call source identity invalid. " + detail);
  }
}
