package dev.dialtone.engine;

/**
 * What kind of failure an {@link EngineException} is. The edge maps each kind to one HTTP status;
 * nothing below the edge knows about HTTP.
 */
public enum Failure {
  /** The request is malformed or breaks a rule of the API (400). */
  INVALID_REQUEST,
  /** The caller is known but not allowed to do this (403). */
  FORBIDDEN,
  /** The resource does not exist, or no longer exists (404). */
  NOT_FOUND,
  /** The resource changed under the request; retrying may help (409). */
  CONFLICT,
  /** A dependency (the store) cannot serve the request now; retrying may help (503). */
  UNAVAILABLE
}
