package dev.dialtone.server.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.dialtone.engine.call.Caller;
import dev.dialtone.engine.directory.Application;
import dev.dialtone.engine.directory.Directory;
import dev.dialtone.engine.directory.Permission;
import dev.dialtone.server.identity.AuthenticationException.Reason;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Verifies the bearer token of a Graph request and says who is calling.
 *
 * <p>Checks, in order (the first failure decides the {@link Reason}): the header is {@code Bearer
 * <token>} (scheme in any case); the token is a signed JWT; its {@code kid} names one of the {@link
 * SigningKeys}; the signature is RS256 and verifies; {@code aud} is Graph ({@code
 * https://graph.microsoft.com}, with or without a trailing slash, or Graph's app id {@code
 * 00000003-0000-0000-c000-000000000000}); {@code iss} is the {@link IssuerPolicy}'s issuer for the
 * token's {@code tid}; {@code exp} has not passed and {@code nbf} is not ahead, each allowing
 * {@link #CLOCK_SKEW}; the token is app-only (a {@code scp} claim means delegated: {@link
 * Reason#DELEGATED}, a 403); its {@code appid} still exists in the directory and is still consented
 * in {@code tid}. Claims are trusted only once the signature has verified.
 *
 * <p>This runs on every Graph request: the verifier of each key is made once (in {@link
 * SigningKeys}), and the token's header and payload are each parsed once. A token that verified is
 * remembered (by its exact string, at most {@link #CACHE_SIZE} of them) with its caller, {@code exp}
 * and {@code nbf}; when the same token comes again only the times (against the clock, with the
 * skew) and the application's existence and consent in the current directory are checked again.
 * A token that failed is never remembered. Thread-safe.
 */
public final class AccessTokenVerifier {
  /**
   * Allowed difference between the clocks of the node that issued a token and the node that checks
   * it; the same five minutes Microsoft's own validation allows.
   */
  public static final Duration CLOCK_SKEW = ClientAssertions.CLOCK_SKEW;

  private static final Set<String> GRAPH_AUDIENCES =
      Set.of(
          TokenIssuer.GRAPH_RESOURCE,
          TokenIssuer.GRAPH_RESOURCE + "/",
          AuthenticationException.GRAPH_APP_ID);
  private static final String EMPTY = "Access token is empty.";
  private static final String UNPARSABLE = "CompactToken parsing failed with error code: 80049217";
  private static final String TIME = "Access token has expired or is not yet valid.";

  /** How many verified tokens are remembered at most. */
  static final int CACHE_SIZE = 10_000;

  /** A token that verified: who it authenticates and when it is valid. */
  private record Verified(Caller caller, Instant expires, Instant notBefore) {}

  private final SigningKeys keys;
  private final Supplier<Directory> directory;
  private final Clock clock;
  private final IssuerPolicy issuers;
  private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

  public AccessTokenVerifier(
      SigningKeys keys, Supplier<Directory> directory, Clock clock, IssuerPolicy issuers) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.issuers = Objects.requireNonNull(issuers, "issuers");
  }

  /**
   * Verifies a request's {@code Authorization} header value.
   *
   * @param authorization the header value; an empty string (or {@code null}, for an absent header)
   *     is {@link Reason#MISSING}
   * @return the calling application, its tenant and the permissions in the token's {@code roles}
   *     (names that are not calls permissions are left out)
   * @throws AuthenticationException if the token does not authenticate a caller
   */
  public Caller verify(String authorization) {
    String token = bearerToken(authorization);
    Verified known = verified.get(token);
    if (known != null) {
      Caller caller = known.caller();
      checkTimes(known.expires(), known.notBefore(), caller.tenantId());
      checkApplication(caller.appId(), caller.tenantId());
      return caller;
    }
    SignedJWT jwt = parse(token);
    checkSignature(jwt);
    JWTClaimsSet claims;
    String tenantId;
    try {
      claims = jwt.getJWTClaimsSet();
      tenantId = claims.getStringClaim("tid");
    } catch (ParseException e) {
      throw new AuthenticationException(Reason.MALFORMED, UNPARSABLE, null, e);
    }
    if (tenantId == null || tenantId.isBlank()) {
      throw new AuthenticationException(
          Reason.MALFORMED, "Access token validation failure. The token has no tenant (tid).");
    }
    List<String> audience = claims.getAudience();
    if (audience.size() != 1 || !GRAPH_AUDIENCES.contains(audience.get(0))) {
      throw failure(
          Reason.WRONG_AUDIENCE, "Access token validation failure. Invalid audience.", tenantId);
    }
    if (!issuers.issuerFor(tenantId).equals(claims.getIssuer())) {
      throw failure(
          Reason.WRONG_ISSUER, "Access token validation failure. Invalid issuer.", tenantId);
    }
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw failure(
          Reason.MALFORMED,
          "Access token validation failure. The token has no expiry (exp).",
          tenantId);
    }
    Date nbf = claims.getNotBeforeTime();
    Instant expires = exp.toInstant();
    Instant notBefore = nbf == null ? null : nbf.toInstant();
    checkTimes(expires, notBefore, tenantId);
    if (claims.getClaim("scp") != null) {
      throw failure(
          Reason.DELEGATED,
          "The calls API supports application permissions only; this access token carries"
              + " delegated permissions (scp). Get an app-only token with the client credentials"
              + " grant.",
          tenantId);
    }
    String appId = stringClaim(claims, "appid", tenantId);
    checkApplication(appId, tenantId);
    Caller caller = new Caller(appId, tenantId, roles(claims, tenantId));
    remember(token, new Verified(caller, expires, notBefore));
    return caller;
  }

  private void remember(String token, Verified entry) {
    if (verified.size() >= CACHE_SIZE) {
      Instant now = clock.instant();
      verified.values().removeIf(v -> now.isAfter(v.expires().plus(CLOCK_SKEW)));
      if (verified.size() >= CACHE_SIZE) {
        verified.clear();
      }
    }
    verified.put(token, entry);
  }

  private void checkApplication(String appId, String tenantId) {
    Optional<Application> app = directory.get().application(appId);
    if (app.isEmpty() || !app.get().isConsentedIn(tenantId)) {
      throw failure(
          Reason.UNKNOWN_APPLICATION,
          "The identity of the calling application could not be established: application '"
              + appId
              + "' no longer exists in tenant '"
              + tenantId
              + "'.",
          tenantId);
    }
  }

  private static String bearerToken(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      throw new AuthenticationException(Reason.MISSING, EMPTY);
    }
    String value = authorization.strip();
    if (!value.regionMatches(true, 0, "Bearer", 0, 6)
        || (value.length() > 6 && !Character.isWhitespace(value.charAt(6)))) {
      throw new AuthenticationException(
          Reason.MALFORMED,
          "Access token validation failure. The Authorization header must be 'Bearer <token>'.");
    }
    String token = value.substring(6).strip();
    if (token.isEmpty()) {
      throw new AuthenticationException(Reason.MISSING, EMPTY);
    }
    return token;
  }

  private static SignedJWT parse(String token) {
    try {
      return SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new AuthenticationException(Reason.MALFORMED, UNPARSABLE, null, e);
    }
  }

  private void checkSignature(SignedJWT jwt) {
    if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
      throw new AuthenticationException(
          Reason.BAD_SIGNATURE,
          "Access token validation failure. Invalid signature algorithm "
              + jwt.getHeader().getAlgorithm()
              + "; tokens are signed with RS256.");
    }
    JWSVerifier verifier =
        keys.verifier(jwt.getHeader().getKeyID())
            .orElseThrow(
                () ->
                    new AuthenticationException(
                        Reason.UNKNOWN_KEY,
                        "Access token validation failure. The signing key '"
                            + jwt.getHeader().getKeyID()
                            + "' is not one of this server's keys."));
    boolean verified;
    try {
      verified = jwt.verify(verifier);
    } catch (JOSEException e) {
      verified = false;
    }
    if (!verified) {
      throw new AuthenticationException(
          Reason.BAD_SIGNATURE, "Access token validation failure. Invalid signature.");
    }
  }

  private void checkTimes(Instant expires, Instant notBefore, String tenantId) {
    Instant now = clock.instant();
    if (now.isAfter(expires.plus(CLOCK_SKEW))) {
      throw failure(Reason.EXPIRED, TIME, tenantId);
    }
    if (notBefore != null && notBefore.minus(CLOCK_SKEW).isAfter(now)) {
      throw failure(Reason.NOT_YET_VALID, TIME, tenantId);
    }
  }

  private static String stringClaim(JWTClaimsSet claims, String name, String tenantId) {
    try {
      String value = claims.getStringClaim(name);
      if (value != null && !value.isBlank()) {
        return value;
      }
    } catch (ParseException e) {
      // not a string: reported below like an absent claim
    }
    throw failure(
        Reason.MALFORMED,
        "Access token validation failure. The token has no application (" + name + ").",
        tenantId);
  }

  private static Set<Permission> roles(JWTClaimsSet claims, String tenantId) {
    List<String> names;
    try {
      names = claims.getStringListClaim("roles");
    } catch (ParseException e) {
      throw failure(
          Reason.MALFORMED,
          "Access token validation failure. The roles claim is not a list of strings.",
          tenantId);
    }
    Set<Permission> roles = EnumSet.noneOf(Permission.class);
    if (names != null) {
      for (String name : names) {
        Permission.parse(name).ifPresent(roles::add);
      }
    }
    return roles;
  }

  private static AuthenticationException failure(Reason reason, String message, String tenantId) {
    return new AuthenticationException(reason, message, tenantId, null);
  }
}
