package dev.dialtone.server.identity;

import java.util.Arrays;

/**
 * A token request breaks a rule. Internal to the token issuer, which turns it into a {@link
 * TokenResponse.Failure}; it never leaves this package.
 */
final class TokenRequestRejected extends IdentityException {
  private static final long serialVersionUID = 1L;

  private final AadError error;
  private final transient Object[] arguments;

  TokenRequestRejected(AadError error, Object... arguments) {
    super("AADSTS" + error.code() + " " + Arrays.toString(arguments));
    this.error = error;
    this.arguments = arguments.clone();
  }

  AadError error() {
    return error;
  }

  Object[] arguments() {
    return arguments.clone();
  }
}
