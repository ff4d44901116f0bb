package dev.dialtone.server.identity;

/**
 * The root of this package's unchecked exceptions: a bearer token that does not authenticate a
 * caller ({@link AuthenticationException}), or signing keys that cannot be used ({@link
 * SigningKeysException}).
 */
public abstract sealed class IdentityException extends RuntimeException
    permits AuthenticationException, SigningKeysException, TokenRequestRejected {
  private static final long serialVersionUID = 1L;

  IdentityException(String message) {
    super(message);
  }

  IdentityException(String message, Throwable cause) {
    super(message, cause);
  }
}
