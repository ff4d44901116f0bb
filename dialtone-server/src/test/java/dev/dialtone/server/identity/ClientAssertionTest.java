package dev.dialtone.server.identity;

import dev.dialtone.server.MutableClock;
import static dev.dialtone.server.identity.Fixtures.APP;
import static dev.dialtone.server.identity.Fixtures.GRAPH_DEFAULT;
import static dev.dialtone.server.identity.Fixtures.HOME;
import static dev.dialtone.server.identity.Fixtures.NOW;
import static dev.dialtone.server.identity.Fixtures.tokenEndpoint;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.X509CertUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.dialtone.engine.directory.Directory;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client assertions ({@code private_key_jwt}) signed with a certificate's key. */
class ClientAssertionTest {
  private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
  private static final SigningKeys KEYS = SigningKeys.inMemory();

  @TempDir static Path directory;
  private static TestCertificate valid;
  private static TestCertificate expired;

  private final MutableClock clock = new MutableClock(NOW);
  private final Directory snapshot = Fixtures.directory(List.of(valid.pem(), expired.pem()));
  private final TokenIssuer issuer =
      new TokenIssuer(KEYS, () -> snapshot, clock, IssuerPolicy.azureAdV1());

  @BeforeAll
  static void makeCertificates() throws Exception {
    valid = TestCertificate.generate(directory, "bot", "2020/01/01 00:00:00", 20_000);
    expired = TestCertificate.generate(directory, "old", "2020/01/01 00:00:00", 30);
  }

  /** The header MSAL4J sends: RS256 and x5t#S256 in standard base64 with padding. */
  private static Map<String, Object> msalHeader(TestCertificate certificate) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "RS256");
    header.put("typ", "JWT");
    header.put(
        "x5t#S256",
        Base64.getEncoder()
            .encodeToString(
                X509CertUtils.computeSHA256Thumbprint(certificate.certificate()).decode()));
    return header;
  }

  private static JWTClaimsSet.Builder msalClaims() {
    return new JWTClaimsSet.Builder()
        .audience(tokenEndpoint(HOME).toString())
        .issuer(APP)
        .subject(APP)
        .jwtID(UUID.randomUUID().toString())
        .notBeforeTime(Date.from(NOW))
        .expirationTime(Date.from(NOW.plusSeconds(600)));
  }

  private static String sign(Map<String, Object> header, JWTClaimsSet claims, PrivateKey key)
      throws Exception {
    SignedJWT jwt = new SignedJWT(JWSHeader.parse(header), claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private String assertion(UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
    return sign(msalHeader(valid), change.apply(msalClaims()).build(), valid.privateKey());
  }

  private TokenResponse present(String assertion) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    form.put("grant_type", List.of("client_credentials"));
    form.put("client_id", List.of(APP));
    form.put("client_assertion_type", List.of(JWT_BEARER));
    form.put("client_assertion", List.of(assertion));
    form.put("scope", List.of(GRAPH_DEFAULT + " openid profile offline_access"));
    form.put("client_info", List.of("1"));
    return issuer.issue(TokenRequest.of(HOME, form, tokenEndpoint(HOME)));
  }

  private static TokenResponse.Failure failure(TokenResponse response) {
    assertThat(response).isInstanceOf(TokenResponse.Failure.class);
    return (TokenResponse.Failure) response;
  }

  private static String appIdAcr(TokenResponse response) throws Exception {
    assertThat(response).isInstanceOf(TokenResponse.Success.class);
    return SignedJWT.parse(((TokenResponse.Success) response).accessToken())
        .getJWTClaimsSet()
        .getStringClaim("appidacr");
  }

  @Test
  void assertionSignedWithTheCertificatesKey_isAcceptedAsACertificateCredential() throws Exception {
    assertThat(appIdAcr(present(assertion(c -> c)))).isEqualTo("2");
  }

  @Test
  void sha1ThumbprintInBase64Url_isAccepted() throws Exception {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "RS256");
    header.put("x5t", X509CertUtils.computeSHA1Thumbprint(valid.certificate()).toString());

    String assertion = sign(header, msalClaims().build(), valid.privateKey());

    assertThat(appIdAcr(present(assertion))).isEqualTo("2");
  }

  @Test
  void audienceWithTrailingSlash_isAccepted() throws Exception {
    String assertion = assertion(c -> c.audience(tokenEndpoint(HOME) + "/"));

    assertThat(appIdAcr(present(assertion))).isEqualTo("2");
  }

  @Test
  void notBeforeWithinClockSkew_isAccepted() throws Exception {
    String assertion = assertion(c -> c.notBeforeTime(Date.from(NOW.plusSeconds(240))));

    assertThat(appIdAcr(present(assertion))).isEqualTo("2");
  }

  @Test
  void assertionSignedWithAnotherKey_isInvalidSignature700027() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    PrivateKey otherKey = generator.generateKeyPair().getPrivate();

    String assertion = sign(msalHeader(valid), msalClaims().build(), otherKey);
    TokenResponse.Failure failure = failure(present(assertion));

    assertThat(failure.httpStatus()).isEqualTo(401);
    assertThat(failure.error()).isEqualTo("invalid_client");
    assertThat(failure.errorCode()).isEqualTo(700027);
    assertThat(failure.errorDescription())
        .startsWith("AADSTS700027: Client assertion contains an invalid signature.")
        .contains("The provided signature value did not match the expected signature value.");
  }

  @Test
  void thumbprintOfAnUnknownCertificate_isKeyNotFound700027() throws Exception {
    Map<String, Object> header = msalHeader(valid);
    header.put("x5t#S256", Base64.getEncoder().encodeToString(new byte[32]));

    TokenResponse.Failure failure =
        failure(present(sign(header, msalClaims().build(), valid.privateKey())));

    assertThat(failure.errorCode()).isEqualTo(700027);
    assertThat(failure.errorDescription())
        .contains("The key was not found.")
        .contains("0000000000000000000000000000000000000000000000000000000000000000");
  }

  @Test
  void expiredCertificate_isRefused700027() throws Exception {
    String assertion = sign(msalHeader(expired), msalClaims().build(), expired.privateKey());

    TokenResponse.Failure failure = failure(present(assertion));

    assertThat(failure.errorCode()).isEqualTo(700027);
    assertThat(failure.errorDescription()).contains("The key used is expired.");
  }

  @Test
  void expiredAssertion_isOutOfTimeRange700024() throws Exception {
    String assertion = assertion(c -> c);
    clock.advance(Duration.ofSeconds(600).plus(Duration.ofMinutes(5)).plusSeconds(1));

    TokenResponse.Failure failure = failure(present(assertion));

    assertThat(failure.httpStatus()).isEqualTo(401);
    assertThat(failure.errorCode()).isEqualTo(700024);
    assertThat(failure.errorDescription())
        .startsWith("AADSTS700024: Client assertion is not within its valid time range.")
        .contains("expiry time of assertion " + NOW.plusSeconds(600));
  }

  @Test
  void assertionNotYetValid_isOutOfTimeRange700024() throws Exception {
    Instant later = NOW.plus(Duration.ofMinutes(10));

    String assertion =
        assertion(
            c ->
                c.notBeforeTime(Date.from(later))
                    .expirationTime(Date.from(later.plusSeconds(600))));

    assertThat(failure(present(assertion)).errorCode()).isEqualTo(700024);
  }

  @Test
  void wrongAudience_isRefused700023() throws Exception {
    String assertion =
        assertion(
            c -> c.audience("https://login.microsoftonline.com/" + HOME + "/oauth2/v2.0/token"));

    TokenResponse.Failure failure = failure(present(assertion));

    assertThat(failure.errorCode()).isEqualTo(700023);
    assertThat(failure.errorDescription())
        .contains("Client assertion audience claim does not match Realm issuer.");
  }

  @Test
  void wrongIssuer_isRefused700021() throws Exception {
    String assertion = assertion(c -> c.issuer("someone-else"));

    TokenResponse.Failure failure = failure(present(assertion));

    assertThat(failure.errorCode()).isEqualTo(700021);
    assertThat(failure.errorDescription())
        .contains("Client assertion application identifier doesn't match 'client_id' parameter.");
  }

  @Test
  void wrongSubject_isRefused700021() throws Exception {
    assertThat(failure(present(assertion(c -> c.subject("someone-else")))).errorCode())
        .isEqualTo(700021);
  }

  @Test
  void missingJti_isMalformed50027() throws Exception {
    TokenResponse.Failure failure = failure(present(assertion(c -> c.jwtID(null))));

    assertThat(failure.errorCode()).isEqualTo(50027);
    assertThat(failure.errorDescription()).contains("'jti'");
  }

  @Test
  void assertionThatIsNotAJwt_isMalformed50027() {
    assertThat(failure(present("not-a-jwt")).errorCode()).isEqualTo(50027);
  }

  @Test
  void unexpectedAssertionType_isRefused90011() throws Exception {
    Map<String, List<String>> form = new LinkedHashMap<>();
    form.put("grant_type", List.of("client_credentials"));
    form.put("client_id", List.of(APP));
    form.put(
        "client_assertion_type",
        List.of("urn:ietf:params:oauth:client-assertion-type:saml2-bearer"));
    form.put("client_assertion", List.of(assertion(c -> c)));
    form.put("scope", List.of(GRAPH_DEFAULT));

    TokenResponse.Failure failure =
        failure(issuer.issue(TokenRequest.of(HOME, form, tokenEndpoint(HOME))));

    assertThat(failure.errorCode()).isEqualTo(90011);
  }
}
