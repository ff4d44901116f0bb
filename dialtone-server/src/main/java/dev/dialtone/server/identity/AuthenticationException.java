package dev.dialtone.server.identity;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Graph request's bearer token does not authenticate a caller. The {@link Reason} says why and
 * which status the edge answers with; the message is the one Graph puts in its error body (for
 * example "Access token has expired or is not yet valid."). For a 401 the edge answers with code
 * {@code InvalidAuthenticationToken} and the header {@link #wwwAuthenticate(URI)}; for {@link
 * Reason#DELEGATED} it answers 403. Retrying with the same token never helps; a new token may.
 */
public final class AuthenticationException extends IdentityException {
  private static final long serialVersionUID = 1L;

  /** Graph's application id, which Graph names as the {@code client_id} of its challenge. */
  static final String GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

  // A tenant id goes into a header value: anything that could break the quoting is left out.
  private static final Pattern HEADER_SAFE = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  /** Why a token was refused. */
  public enum Reason {
    /** No {@code Authorization} header, a blank one, or {@code Bearer} with no token. */
    MISSING,
    /** Not a {@code Bearer} header, or the token is not a signed JWT with the claims it needs. */
    MALFORMED,
    /** The token's {@code kid} names no key this server signs with. */
    UNKNOWN_KEY,
    /** The signature does not verify, or the algorithm is not RS256. */
    BAD_SIGNATURE,
    /** The {@code aud} is not Microsoft Graph. */
    WRONG_AUDIENCE,
    /** The {@code iss} is not this server's issuer for the token's tenant. */
    WRONG_ISSUER,
    /** The {@code exp} has passed (beyond the allowed clock skew). */
    EXPIRED,
    /** The {@code nbf} is still ahead (beyond the allowed clock skew). */
    NOT_YET_VALID,
    /**
     * The token's application no longer exists, or is no longer consented in the token's tenant.
     */
    UNKNOWN_APPLICATION,
    /**
     * A valid token with delegated permissions ({@code scp}); the calls API takes app-only tokens.
     */
    DELEGATED;

    /** The HTTP status the edge answers with: 403 for {@link #DELEGATED}, 401 for the others. */
    public int httpStatus() {
      return switch (this) {
        case DELEGATED -> 403;
        case MISSING,
            MALFORMED,
            UNKNOWN_KEY,
            BAD_SIGNATURE,
            WRONG_AUDIENCE,
            WRONG_ISSUER,
            EXPIRED,
            NOT_YET_VALID,
            UNKNOWN_APPLICATION ->
            401;
      };
    }
  }

  private final Reason reason;
  private final String tenantId;

  AuthenticationException(Reason reason, String message) {
    this(reason, message, null, null);
  }

  AuthenticationException(Reason reason, String message, String tenantId, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.tenantId = tenantId;
  }

  public Reason reason() {
    return reason;
  }

  /** The HTTP status for this failure; see {@link Reason#httpStatus()}. */
  public int httpStatus() {
    return reason.httpStatus();
  }

  /**
   * The tenant of the refused token, when its signature verified (an unverified token's claims are
   * not trusted, not even to fill in a challenge).
   */
  public Optional<String> tenantId() {
    return Optional.ofNullable(tenantId);
  }

  /**
   * The {@code WWW-Authenticate} value Graph sends with a 401, pointing at this server's authority:
   * {@code Bearer realm="", authorization_uri="{base}/{tenant}/oauth2/authorize",
   * client_id="00000003-0000-0000-c000-000000000000"}, where the tenant is the token's (when known)
   * or {@code common}. It carries no {@code claims} challenge, so clients do not retry with one.
   *
   * @param authorityBase this server's identity base URL, e.g. {@code https://127.0.0.1:8443}; a
   *     trailing slash is ignored
   */
  public String wwwAuthenticate(URI authorityBase) {
    String base = authorityBase.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String tenant = tenantId().filter(t -> HEADER_SAFE.matcher(t).matches()).orElse("common");
    return "Bearer realm=\"\", authorization_uri=\""
        + base
        + "/"
        + tenant
        + "/oauth2/authorize\", client_id=\""
        + GRAPH_APP_ID
        + "\"";
  }
}
