package dev.dialtone.server.notify;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.dialtone.server.identity.SigningKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bearer tokens notifications carry ({@code Authorization: Bearer …}), signed with Dialtone's
 * {@link SigningKeys} so a bot checks them against Dialtone's published JWKS the way the official
 * samples check the calling service's: {@code aud} = the bot's application id, {@code tid} = the
 * tenant, {@code iss} = a configurable issuer ({@code https://api.botframework.com} by default,
 * what real notifications carry), {@code iat} = {@code nbf} = now, {@code exp} = now + lifetime (10
 * minutes by default), and a {@code jti}.
 *
 * <p>RS256 signing costs about a millisecond; at thousands of notifications a second that is a
 * core. So a token is reused for the same (application, tenant) for {@code reuse} (one minute by
 * default), which also means notifications within that minute share a {@code jti}: it names the
 * token, not the notification (the {@code X-Microsoft-Skype-Message-ID} header does that). A reused
 * token is always valid for at least {@code lifetime − reuse} more. Thread-safe.
 */
public final class CallbackTokens {
  /** The issuer of the calling service's notification tokens. */
  public static final String BOT_FRAMEWORK_ISSUER = "https://api.botframework.com";

  // Beyond this many (application, tenant) pairs, expired tokens are swept before adding one.
  private static final int SWEEP_ABOVE = 10_000;

  private final SigningKeys keys;
  private final Clock clock;
  private final String issuer;
  private final Duration lifetime;
  private final Duration reuse;
  private final ConcurrentHashMap<Audience, Token> cache = new ConcurrentHashMap<>();

  private record Audience(String applicationId, String tenantId) {}

  private record Token(String value, Instant issuedAt) {}

  private CallbackTokens(
      SigningKeys keys, Clock clock, String issuer, Duration lifetime, Duration reuse) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    this.reuse = Objects.requireNonNull(reuse, "reuse");
    if (issuer.isBlank()) {
      throw new IllegalArgumentException("callback token issuer must not be blank");
    }
    if (lifetime.compareTo(Duration.ofMinutes(1)) < 0) {
      throw new IllegalArgumentException(
          "callback token lifetime must be at least 1 minute, got " + lifetime);
    }
    if (reuse.isNegative() || reuse.compareTo(lifetime.dividedBy(2)) > 0) {
      throw new IllegalArgumentException(
          "callback token reuse must be between 0 and half the lifetime ("
              + lifetime.dividedBy(2)
              + "), so a reused token is never close to expiry; got "
              + reuse);
    }
  }

  /** Issuer {@value #BOT_FRAMEWORK_ISSUER}, lifetime 10 minutes, reuse 1 minute. */
  public static CallbackTokens standard(SigningKeys keys, Clock clock) {
    return create(keys, clock, BOT_FRAMEWORK_ISSUER, Duration.ofMinutes(10), Duration.ofMinutes(1));
  }

  /**
   * @param issuer the {@code iss} claim
   * @param lifetime from {@code iat} to {@code exp}; at least a minute
   * @param reuse how long a token is handed out again for the same application and tenant; zero
   *     signs every time; at most half the lifetime
   * @throws IllegalArgumentException if a value is out of range
   */
  public static CallbackTokens create(
      SigningKeys keys, Clock clock, String issuer, Duration lifetime, Duration reuse) {
    return new CallbackTokens(keys, clock, issuer, lifetime, reuse);
  }

  /** The issuer tokens carry. */
  public String issuer() {
    return issuer;
  }

  /**
   * A token for a notification to {@code applicationId} about a call in {@code tenantId}: a fresh
   * one, or one made less than {@code reuse} ago.
   *
   * @return the compact JWT, without the {@code Bearer} prefix
   */
  public String tokenFor(String applicationId, String tenantId) {
    Instant now = clock.instant();
    Audience audience = new Audience(applicationId, tenantId);
    Token cached = cache.get(audience);
    if (cached != null && reusable(cached, now)) {
      return cached.value();
    }
    if (cache.size() > SWEEP_ABOVE) {
      cache.values().removeIf(token -> !reusable(token, now));
    }
    // Two threads may both sign here; the later token wins the cache, both are valid.
    Token fresh = new Token(sign(audience, now), now);
    cache.put(audience, fresh);
    return fresh.value();
  }

  private boolean reusable(Token token, Instant now) {
    // A clock that went backwards gets a fresh token rather than one "issued in the future".
    return !now.isBefore(token.issuedAt()) && now.isBefore(token.issuedAt().plus(reuse));
  }

  private String sign(Audience audience, Instant now) {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience.applicationId())
            .claim("tid", audience.tenantId())
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(lifetime)))
            .jwtID(UUID.randomUUID().toString())
            .build();
    return keys.sign(claims);
  }
}
