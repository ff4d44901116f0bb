package dev.dialtone.server.identity;

/**
 * The signing key set stored in the database, or a former key file being imported into it, cannot
 * be read or used, or a signature cannot be made. The message names where the keys are and the
 * fix; retrying does not help until they are fixed.
 */
public final class SigningKeysException extends IdentityException {
  private static final long serialVersionUID = 1L;

  SigningKeysException(String message) {
    super(message);
  }

  SigningKeysException(String message, Throwable cause) {
    super(message, cause);
  }
}
