package dev.dialtone.server.identity;

/**
 * The signing key file cannot be read, parsed or written, or a signature cannot be made. The
 * message names the file and the fix; retrying does not help until the file is fixed.
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
