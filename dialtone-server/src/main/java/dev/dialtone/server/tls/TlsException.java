package dev.dialtone.server.tls;

/**
 * A certificate or key cannot be read, does not fit, or cannot be written. The message names the
 * file and the fix; retrying does not help until the file is fixed.
 */
public final class TlsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TlsException(String message) {
    super(message);
  }

  TlsException(String message, Throwable cause) {
    super(message, cause);
  }
}
