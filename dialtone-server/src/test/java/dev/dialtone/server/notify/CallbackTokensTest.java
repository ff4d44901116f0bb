package dev.dialtone.server.notify;

import dev.dialtone.server.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.dialtone.server.identity.SigningKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.Test;

class CallbackTokensTest {
  private static final SigningKeys KEYS = SigningKeys.inMemory();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final CallbackTokens tokens = CallbackTokens.standard(KEYS, clock);

  @Test
  void token_carriesTheClaimsTheSamplesCheck() throws Exception {
    SignedJWT jwt = SignedJWT.parse(tokens.tokenFor("app-1", "tenant-1"));
    JWTClaimsSet claims = jwt.getJWTClaimsSet();

    assertThat(jwt.getHeader().getKeyID()).isEqualTo(KEYS.currentKeyId());
    assertThat(claims.getAudience()).containsExactly("app-1");
    assertThat(claims.getStringClaim("tid")).isEqualTo("tenant-1");
    assertThat(claims.getIssuer()).isEqualTo("https://api.botframework.com");
    assertThat(claims.getIssueTime()).isEqualTo(Date.from(clock.instant()));
    assertThat(claims.getNotBeforeTime()).isEqualTo(Date.from(clock.instant()));
    assertThat(claims.getExpirationTime()).isEqualTo(Date.from(clock.instant().plusSeconds(600)));
    assertThat(claims.getJWTID()).isNotBlank();
  }

  @Test
  void token_isReusedForAMinutePerApplicationAndTenant_thenSignedAfresh() {
    String first = tokens.tokenFor("app-1", "tenant-1");

    clock.advance(Duration.ofSeconds(59));
    assertThat(tokens.tokenFor("app-1", "tenant-1")).isSameAs(first);
    assertThat(tokens.tokenFor("app-2", "tenant-1")).isNotEqualTo(first);
    assertThat(tokens.tokenFor("app-1", "tenant-2")).isNotEqualTo(first);

    clock.advance(Duration.ofSeconds(1));
    assertThat(tokens.tokenFor("app-1", "tenant-1")).isNotEqualTo(first);
  }

  @Test
  void clockThatWentBackwards_getsAFreshTokenNotOneFromTheFuture() throws Exception {
    tokens.tokenFor("app-1", "tenant-1");
    clock.advance(Duration.ofSeconds(-30));

    JWTClaimsSet claims = SignedJWT.parse(tokens.tokenFor("app-1", "tenant-1")).getJWTClaimsSet();

    assertThat(claims.getIssueTime()).isEqualTo(Date.from(clock.instant()));
  }

  @Test
  void issuer_isConfigurable() throws Exception {
    CallbackTokens custom =
        CallbackTokens.create(
            KEYS, clock, "https://dialtone.example/", Duration.ofMinutes(10), Duration.ZERO);

    String token = custom.tokenFor("app-1", "tenant-1");

    assertThat(SignedJWT.parse(token).getJWTClaimsSet().getIssuer())
        .isEqualTo("https://dialtone.example/");
    assertThat(custom.tokenFor("app-1", "tenant-1")).isNotEqualTo(token);
  }

  @Test
  void reuseLongerThanHalfTheLifetime_isRejected() {
    assertThatThrownBy(
            () ->
                CallbackTokens.create(
                    KEYS, clock, "https://x/", Duration.ofMinutes(10), Duration.ofMinutes(6)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("half the lifetime");
  }
}
