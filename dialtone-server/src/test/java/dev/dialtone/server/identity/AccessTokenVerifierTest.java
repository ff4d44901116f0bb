package dev.dialtone.server.identity;

import dev.dialtone.server.MutableClock;
import static dev.dialtone.server.identity.Fixtures.APP;
import static dev.dialtone.server.identity.Fixtures.BASE;
import static dev.dialtone.server.identity.Fixtures.HOME;
import static dev.dialtone.server.identity.Fixtures.NOW;
import static dev.dialtone.server.identity.Fixtures.OTHER;
import static dev.dialtone.server.identity.Fixtures.SECRET;
import static dev.dialtone.server.identity.Fixtures.secretForm;
import static dev.dialtone.server.identity.Fixtures.tokenEndpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.dialtone.engine.call.Caller;
import dev.dialtone.engine.directory.Application;
import dev.dialtone.engine.directory.Directory;
import dev.dialtone.engine.directory.Permission;
import dev.dialtone.server.identity.AuthenticationException.Reason;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccessTokenVerifierTest {
  private static final SigningKeys KEYS = SigningKeys.inMemory();
  private static final SigningKeys OTHER_KEYS = SigningKeys.inMemory();

  private final AtomicReference<Directory> directory = new AtomicReference<>(Fixtures.directory());
  private final MutableClock clock = new MutableClock(NOW);
  private final TokenIssuer issuer =
      new TokenIssuer(KEYS, directory::get, clock, IssuerPolicy.azureAdV1());
  private final AccessTokenVerifier verifier =
      new AccessTokenVerifier(KEYS, directory::get, clock, IssuerPolicy.azureAdV1());

  private String issue(String tenant) {
    return issue(issuer, tenant);
  }

  private static String issue(TokenIssuer issuer, String tenant) {
    TokenResponse response =
        issuer.issue(TokenRequest.of(tenant, secretForm(APP, SECRET), tokenEndpoint(tenant)));
    assertThat(response).isInstanceOf(TokenResponse.Success.class);
    return ((TokenResponse.Success) response).accessToken();
  }

  /** The claims of a freshly issued token, changed, and signed again with the server's key. */
  private String resigned(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
    JWTClaimsSet issued = SignedJWT.parse(issue(HOME)).getJWTClaimsSet();
    return KEYS.sign(change.apply(new JWTClaimsSet.Builder(issued)).build());
  }

  private AuthenticationException refusal(String header) {
    AuthenticationException refused =
        catchThrowableOfType(AuthenticationException.class, () -> verifier.verify(header));
    assertThat(refused).as("verify(%s) should throw", header).isNotNull();
    return refused;
  }

  @Test
  void issuedToken_verifiesToTheCallingAppTenantAndRoles() {
    Caller caller = verifier.verify("Bearer " + issue(HOME));

    assertThat(caller.appId()).isEqualTo(APP);
    assertThat(caller.tenantId()).isEqualTo(HOME);
    assertThat(caller.roles())
        .containsExactlyInAnyOrder(
            Permission.CALLS_INITIATE_ALL, Permission.CALLS_JOIN_GROUP_CALL_ALL);
  }

  @Test
  void tokenForAConsentedOtherTenant_verifiesToThatTenant() {
    assertThat(verifier.verify("Bearer " + issue(OTHER)).tenantId()).isEqualTo(OTHER);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bearer ", "BEARER ", "Bearer   "})
  void bearerScheme_isMatchedIgnoringCaseAndSpaces(String scheme) {
    assertThat(verifier.verify(scheme + issue(HOME)).appId()).isEqualTo(APP);
  }

  @Test
  void missingHeader_isMissingWithGraphsMessage() {
    AuthenticationException refused = refusal(null);

    assertThat(refused.reason()).isEqualTo(Reason.MISSING);
    assertThat(refused.httpStatus()).isEqualTo(401);
    assertThat(refused).hasMessage("Access token is empty.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "Bearer", "Bearer    "})
  void blankHeaderOrBearerWithoutToken_isMissing(String header) {
    AuthenticationException refused = refusal(header);

    assertThat(refused.reason()).isEqualTo(Reason.MISSING);
    assertThat(refused).hasMessage("Access token is empty.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Basic dXNlcjpwYXNz", "Bearerxyz", "Bearer not-a-jwt", "Bearer a.b.c"})
  void headerThatIsNotABearerJwt_isMalformed(String header) {
    assertThat(refusal(header).reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void unparsableToken_hasGraphsCompactTokenMessage() {
    assertThat(refusal("Bearer not-a-jwt"))
        .hasMessage("CompactToken parsing failed with error code: 80049217");
  }

  @Test
  void expiredToken_isExpiredOnceTheClockSkewHasPassed() {
    String token = "Bearer " + issue(HOME);

    clock.advance(Duration.ofSeconds(3599).plus(AccessTokenVerifier.CLOCK_SKEW));
    assertThat(verifier.verify(token).appId()).isEqualTo(APP);

    clock.advance(Duration.ofSeconds(1));
    AuthenticationException refused = refusal(token);
    assertThat(refused.reason()).isEqualTo(Reason.EXPIRED);
    assertThat(refused).hasMessage("Access token has expired or is not yet valid.");
  }

  @Test
  void tokenNotYetValid_isNotYetValid() throws Exception {
    String token = resigned(b -> b.notBeforeTime(Date.from(NOW.plus(Duration.ofMinutes(6)))));

    AuthenticationException refused = refusal("Bearer " + token);

    assertThat(refused.reason()).isEqualTo(Reason.NOT_YET_VALID);
    assertThat(refused).hasMessage("Access token has expired or is not yet valid.");
  }

  @Test
  void wrongAudience_isWrongAudienceWithGraphsMessage() throws Exception {
    String token = resigned(b -> b.audience("https://management.azure.com"));

    AuthenticationException refused = refusal("Bearer " + token);

    assertThat(refused.reason()).isEqualTo(Reason.WRONG_AUDIENCE);
    assertThat(refused).hasMessage("Access token validation failure. Invalid audience.");
    assertThat(refused.tenantId()).contains(HOME);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://graph.microsoft.com/", "00000003-0000-0000-c000-000000000000"})
  void graphsOtherAudienceForms_areAccepted(String audience) throws Exception {
    String token = resigned(b -> b.audience(audience));

    assertThat(verifier.verify("Bearer " + token).appId()).isEqualTo(APP);
  }

  @Test
  void tokenFromAnotherIssuer_isWrongIssuer() {
    TokenIssuer elsewhere = new TokenIssuer(KEYS, directory::get, clock, IssuerPolicy.under(BASE));

    AuthenticationException refused = refusal("Bearer " + issue(elsewhere, HOME));

    assertThat(refused.reason()).isEqualTo(Reason.WRONG_ISSUER);
    assertThat(refused).hasMessage("Access token validation failure. Invalid issuer.");
  }

  @Test
  void issuerOfAnotherTenant_isWrongIssuer() throws Exception {
    String token = resigned(b -> b.issuer(IssuerPolicy.azureAdV1().issuerFor(OTHER)));

    assertThat(refusal("Bearer " + token).reason()).isEqualTo(Reason.WRONG_ISSUER);
  }

  @Test
  void tokenSignedByAnotherKeySet_isUnknownKey() {
    TokenIssuer impostor =
        new TokenIssuer(OTHER_KEYS, directory::get, clock, IssuerPolicy.azureAdV1());

    AuthenticationException refused = refusal("Bearer " + issue(impostor, HOME));

    assertThat(refused.reason()).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(refused.tenantId()).isEmpty();
  }

  @Test
  void tamperedSignature_isBadSignature() {
    String token = issue(HOME);
    char last = token.charAt(token.length() - 10);
    String tampered =
        token.substring(0, token.length() - 10)
            + (last == 'A' ? 'B' : 'A')
            + token.substring(token.length() - 9);

    AuthenticationException refused = refusal("Bearer " + tampered);

    assertThat(refused.reason()).isEqualTo(Reason.BAD_SIGNATURE);
    assertThat(refused).hasMessage("Access token validation failure. Invalid signature.");
  }

  @Test
  void tamperedClaims_areBadSignature() throws Exception {
    String[] parts = issue(HOME).split("\\.");
    JWTClaimsSet claims = JWTClaimsSet.parse(new Base64URL(parts[1]).decodeToString());
    JWTClaimsSet elevated =
        new JWTClaimsSet.Builder(claims)
            .claim("roles", List.of("Calls.Initiate.All", "Calls.AccessMedia.All"))
            .build();
    String forged =
        parts[0]
            + "."
            + Base64URL.encode(elevated.toString().getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];

    assertThat(refusal("Bearer " + forged).reason()).isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void tokenWithAnHmacAlgorithm_isBadSignature() throws Exception {
    JWTClaimsSet claims = SignedJWT.parse(issue(HOME)).getJWTClaimsSet();
    SignedJWT hmac =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(KEYS.currentKeyId()).build(), claims);
    hmac.sign(new MACSigner(new byte[32]));

    assertThat(refusal("Bearer " + hmac.serialize()).reason()).isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void delegatedToken_isDelegatedAnd403() throws Exception {
    String token = resigned(b -> b.claim("scp", "Calls.Initiate User.Read").claim("idtyp", "user"));

    AuthenticationException refused = refusal("Bearer " + token);

    assertThat(refused.reason()).isEqualTo(Reason.DELEGATED);
    assertThat(refused.httpStatus()).isEqualTo(403);
    assertThat(refused).hasMessageContaining("application permissions only");
  }

  @Test
  void tokenOfADeletedApplication_isUnknownApplication() {
    String token = "Bearer " + issue(HOME);
    directory.set(
        directory
            .get()
            .with(
                c ->
                    new Directory.Contents(
                        c.tenants(),
                        c.applications().stream().filter(a -> !a.appId().equals(APP)).toList(),
                        c.applicationInstances(),
                        c.users(),
                        c.phones(),
                        c.meetings())));

    assertThat(refusal(token).reason()).isEqualTo(Reason.UNKNOWN_APPLICATION);
  }

  @Test
  void verifiedToken_isRefusedOnceItsApplicationIsRemovedFromTheDirectory() {
    String token = "Bearer " + issue(HOME);
    assertThat(verifier.verify(token).appId()).isEqualTo(APP);
    assertThat(verifier.verify(token).appId()).isEqualTo(APP);

    directory.set(
        directory
            .get()
            .with(
                c ->
                    new Directory.Contents(
                        c.tenants(),
                        c.applications().stream().filter(a -> !a.appId().equals(APP)).toList(),
                        c.applicationInstances(),
                        c.users(),
                        c.phones(),
                        c.meetings())));

    assertThat(refusal(token).reason()).isEqualTo(Reason.UNKNOWN_APPLICATION);
  }

  @Test
  void verifiedToken_isRefusedOnceItHasExpired() {
    String token = "Bearer " + issue(HOME);
    assertThat(verifier.verify(token).appId()).isEqualTo(APP);

    clock.advance(Duration.ofSeconds(3600).plus(AccessTokenVerifier.CLOCK_SKEW));
    AuthenticationException refused = refusal(token);
    assertThat(refused.reason()).isEqualTo(Reason.EXPIRED);
    assertThat(refused).hasMessage("Access token has expired or is not yet valid.");
  }

  @Test
  void tokenForATenantWhoseConsentWasWithdrawn_isUnknownApplication() {
    String token = "Bearer " + issue(OTHER);
    directory.set(
        directory
            .get()
            .with(
                c ->
                    new Directory.Contents(
                        c.tenants(),
                        c.applications().stream().map(AccessTokenVerifierTest::homeOnly).toList(),
                        c.applicationInstances(),
                        c.users(),
                        c.phones(),
                        c.meetings())));

    assertThat(refusal(token).reason()).isEqualTo(Reason.UNKNOWN_APPLICATION);
  }

  @Test
  void rolesThatAreNotCallsPermissions_areLeftOut() throws Exception {
    String token = resigned(b -> b.claim("roles", List.of("User.Read.All", "calls.initiate.all")));

    assertThat(verifier.verify("Bearer " + token).roles())
        .containsExactly(Permission.CALLS_INITIATE_ALL);
  }

  @Test
  void tokenWithoutTenant_isMalformed() throws Exception {
    String token = resigned(b -> b.claim("tid", null));

    assertThat(refusal("Bearer " + token).reason()).isEqualTo(Reason.MALFORMED);
  }

  @Test
  void wwwAuthenticate_pointsAtTheTokensTenantWhenItsSignatureVerified() throws Exception {
    String token = resigned(b -> b.audience("https://management.azure.com"));

    assertThat(refusal("Bearer " + token).wwwAuthenticate(URI.create("https://127.0.0.1:8443/")))
        .isEqualTo(
            "Bearer realm=\"\", authorization_uri=\"https://127.0.0.1:8443/"
                + HOME
                + "/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"");
  }

  @Test
  void wwwAuthenticate_pointsAtCommonWhenTheTenantIsUnknown() {
    assertThat(refusal("").wwwAuthenticate(BASE))
        .isEqualTo(
            "Bearer realm=\"\","
                + " authorization_uri=\"https://127.0.0.1:8443/common/oauth2/authorize\","
                + " client_id=\"00000003-0000-0000-c000-000000000000\"");
  }

  @Test
  void reasons_mapTo401ExceptDelegated() {
    for (Reason reason : Reason.values()) {
      assertThat(reason.httpStatus()).isEqualTo(reason == Reason.DELEGATED ? 403 : 401);
    }
  }

  private static Application homeOnly(Application app) {
    return new Application(
        app.appId(),
        app.tenantId(),
        app.displayName(),
        app.secrets(),
        app.certificates(),
        app.permissions(),
        Set.of(),
        app.callingWebhook());
  }
}
