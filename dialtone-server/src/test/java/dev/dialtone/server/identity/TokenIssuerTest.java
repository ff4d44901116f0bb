package dev.dialtone.server.identity;

import dev.dialtone.server.MutableClock;
import static dev.dialtone.server.identity.Fixtures.APP;
import static dev.dialtone.server.identity.Fixtures.BARE_APP;
import static dev.dialtone.server.identity.Fixtures.GRAPH_DEFAULT;
import static dev.dialtone.server.identity.Fixtures.HOME;
import static dev.dialtone.server.identity.Fixtures.NOW;
import static dev.dialtone.server.identity.Fixtures.OTHER;
import static dev.dialtone.server.identity.Fixtures.SECOND_SECRET;
import static dev.dialtone.server.identity.Fixtures.SECRET;
import static dev.dialtone.server.identity.Fixtures.STRANGER;
import static dev.dialtone.server.identity.Fixtures.secretForm;
import static dev.dialtone.server.identity.Fixtures.tokenEndpoint;
import static dev.dialtone.server.identity.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.dialtone.engine.call.Caller;
import dev.dialtone.engine.directory.Directory;
import dev.dialtone.engine.directory.Permission;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenIssuerTest {
  // One key for the class: making a 2048-bit key takes a noticeable fraction of a second.
  private static final SigningKeys KEYS = SigningKeys.inMemory();

  private final SigningKeys keys = KEYS;
  private final AtomicReference<Directory> directory = new AtomicReference<>(Fixtures.directory());
  private final MutableClock clock = new MutableClock(NOW);
  private final TokenIssuer issuer =
      new TokenIssuer(keys, directory::get, clock, IssuerPolicy.azureAdV1());
  private final AccessTokenVerifier verifier =
      new AccessTokenVerifier(keys, directory::get, clock, IssuerPolicy.azureAdV1());
  private final ObjectMapper json = new ObjectMapper();

  private TokenResponse issue(String tenant, Map<String, List<String>> form) {
    return issuer.issue(TokenRequest.of(tenant, form, tokenEndpoint(tenant)));
  }

  private static TokenResponse.Success success(TokenResponse response) {
    assertThat(response).isInstanceOf(TokenResponse.Success.class);
    return (TokenResponse.Success) response;
  }

  private static TokenResponse.Failure failure(TokenResponse response) {
    assertThat(response).isInstanceOf(TokenResponse.Failure.class);
    return (TokenResponse.Failure) response;
  }

  private static JWTClaimsSet claims(TokenResponse response) throws Exception {
    return SignedJWT.parse(success(response).accessToken()).getJWTClaimsSet();
  }

  @Test
  void clientSecret_issuesATokenThatVerifiesAndCarriesEveryClaim() throws Exception {
    TokenResponse.Success response = success(issue(HOME, secretForm(APP, SECRET)));

    assertThat(response.httpStatus()).isEqualTo(200);
    assertThat(response.tokenType()).isEqualTo("Bearer");
    assertThat(response.expiresIn()).isEqualTo(3599);
    assertThat(response.extExpiresIn()).isEqualTo(3599);

    SignedJWT jwt = SignedJWT.parse(response.accessToken());
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
    assertThat(jwt.getHeader().getKeyID()).isEqualTo(keys.currentKeyId());
    assertThat(jwt.getHeader().getType().getType()).isEqualTo("JWT");

    JsonNode claims = json.readTree(jwt.getPayload().toString());
    String servicePrincipal = TokenIssuer.servicePrincipalId(HOME, APP);
    long now = NOW.getEpochSecond();
    assertThat(claims.get("aud").asText()).isEqualTo("https://graph.microsoft.com");
    assertThat(claims.get("iss").asText()).isEqualTo("https://sts.windows.net/" + HOME + "/");
    assertThat(claims.get("idp").asText()).isEqualTo("https://sts.windows.net/" + HOME + "/");
    assertThat(claims.get("iat").asLong()).isEqualTo(now);
    assertThat(claims.get("nbf").asLong()).isEqualTo(now);
    assertThat(claims.get("exp").asLong()).isEqualTo(now + 3599);
    assertThat(claims.get("tid").asText()).isEqualTo(HOME);
    assertThat(claims.get("appid").asText()).isEqualTo(APP);
    assertThat(claims.get("azp").asText()).isEqualTo(APP);
    assertThat(claims.get("appidacr").asText()).isEqualTo("1");
    assertThat(claims.get("app_displayname").asText()).isEqualTo("Calling Bot");
    assertThat(claims.get("idtyp").asText()).isEqualTo("app");
    assertThat(claims.get("oid").asText()).isEqualTo(servicePrincipal);
    assertThat(claims.get("sub").asText()).isEqualTo(servicePrincipal);
    assertThat(claims.get("ver").asText()).isEqualTo("1.0");
    assertThat(claims.get("uti").asText()).isNotBlank().isEqualTo(claims.get("jti").asText());
    assertThat(json.convertValue(claims.get("roles"), String[].class))
        .containsExactly("Calls.Initiate.All", "Calls.JoinGroupCall.All");
    assertThat(claims.has("scp")).isFalse();

    Caller caller = verifier.verify("Bearer " + response.accessToken());
    assertThat(caller)
        .isEqualTo(
            new Caller(
                APP,
                HOME,
                Set.of(Permission.CALLS_INITIATE_ALL, Permission.CALLS_JOIN_GROUP_CALL_ALL)));
  }

  @Test
  void success_hasAzureAdBodyShape() throws Exception {
    TokenResponse response = issue(HOME, secretForm(APP, SECRET));

    JsonNode body = json.readTree(response.toJson());

    assertThat(body.fieldNames())
        .toIterable()
        .containsExactly("token_type", "expires_in", "ext_expires_in", "access_token");
    assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(body.get("expires_in").isNumber()).isTrue();
  }

  @Test
  void eachTokenHasItsOwnUniqueId() throws Exception {
    String first = claims(issue(HOME, secretForm(APP, SECRET))).getJWTID();
    String second = claims(issue(HOME, secretForm(APP, SECRET))).getJWTID();

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void anyOfTheAppsSecrets_isAccepted() throws Exception {
    assertThat(claims(issue(HOME, secretForm(APP, SECOND_SECRET))).getStringClaim("appid"))
        .isEqualTo(APP);
  }

  @Test
  void wrongSecret_isInvalidClient401With7000215() throws Exception {
    TokenResponse.Failure failure = failure(issue(HOME, secretForm(APP, "not-the-secret")));

    assertThat(failure.httpStatus()).isEqualTo(401);
    assertThat(failure.error()).isEqualTo("invalid_client");
    assertThat(failure.errorCodes()).containsExactly(7000215);
    assertThat(failure.errorDescription())
        .startsWith(
            "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the"
                + " request is the client secret value, not the client secret ID, for a secret"
                + " added to app '"
                + APP
                + "'.\r\nTrace ID: "
                + failure.traceId()
                + "\r\nCorrelation ID: "
                + failure.correlationId()
                + "\r\nTimestamp: 2030-06-01 10:00:00Z");
  }

  @Test
  void failure_hasAzureAdBodyShape() throws Exception {
    TokenResponse response =
        issuer.issue(
            TokenRequest.of(HOME, secretForm(APP, "wrong"), tokenEndpoint(HOME))
                .withClientRequestId("0b2d1a4e-7c55-4c7e-9d7a-3f1f5e9c8a21"));

    JsonNode body = json.readTree(response.toJson());

    assertThat(body.fieldNames())
        .toIterable()
        .containsExactly(
            "error",
            "error_description",
            "error_codes",
            "timestamp",
            "trace_id",
            "correlation_id",
            "error_uri");
    assertThat(body.get("error_codes").get(0).asInt()).isEqualTo(7000215);
    assertThat(body.get("timestamp").asText()).isEqualTo("2030-06-01 10:00:00Z");
    assertThat(body.get("trace_id").asText()).matches("[0-9a-f-]{36}");
    assertThat(body.get("correlation_id").asText())
        .isEqualTo("0b2d1a4e-7c55-4c7e-9d7a-3f1f5e9c8a21");
    assertThat(body.get("error_uri").asText())
        .isEqualTo("https://login.microsoftonline.com/error?code=7000215");
  }

  @Test
  void clientRequestIdThatIsNotAGuid_isNotEchoed() {
    TokenResponse.Failure failure =
        failure(
            issuer.issue(
                TokenRequest.of(HOME, secretForm(APP, "wrong"), tokenEndpoint(HOME))
                    .withClientRequestId("x\r\ninjected")));

    assertThat(failure.correlationId()).matches("[0-9a-f-]{36}");
  }

  @Test
  void unknownApplication_isUnauthorizedClient700016() {
    TokenResponse.Failure failure = failure(issue(HOME, secretForm("no-such-app", SECRET)));

    assertThat(failure.httpStatus()).isEqualTo(400);
    assertThat(failure.error()).isEqualTo("unauthorized_client");
    assertThat(failure.errorCode()).isEqualTo(700016);
    assertThat(failure.errorDescription())
        .startsWith(
            "AADSTS700016: Application with identifier 'no-such-app' was not found in the"
                + " directory 'Contoso'.");
  }

  @Test
  void unknownTenant_isInvalidTenant90002() {
    TokenResponse.Failure failure = failure(issue("no-such-tenant", secretForm(APP, SECRET)));

    assertThat(failure.httpStatus()).isEqualTo(400);
    assertThat(failure.error()).isEqualTo("invalid_tenant");
    assertThat(failure.errorCode()).isEqualTo(90002);
    assertThat(failure.errorDescription())
        .startsWith("AADSTS90002: Tenant 'no-such-tenant' not found.");
  }

  @ParameterizedTest
  @ValueSource(strings = {"common", "organizations", "consumers", "Common"})
  void tenantlessAuthority_isRefusedWith50059(String tenant) {
    TokenResponse.Failure failure = failure(issue(tenant, secretForm(APP, SECRET)));

    assertThat(failure.httpStatus()).isEqualTo(400);
    assertThat(failure.error()).isEqualTo("invalid_request");
    assertThat(failure.errorCode()).isEqualTo(50059);
  }

  @Test
  void tenantSegmentInOtherCase_findsTheTenant() throws Exception {
    String upper = HOME.toUpperCase(Locale.ROOT);

    JWTClaimsSet claims = claims(issue(upper, secretForm(APP, SECRET)));

    assertThat(claims.getStringClaim("tid")).isEqualTo(HOME);
  }

  @Test
  void appNotConsentedInTenant_isRefusedWith7000229() {
    TokenResponse.Failure failure = failure(issue(STRANGER, secretForm(APP, SECRET)));

    assertThat(failure.httpStatus()).isEqualTo(401);
    assertThat(failure.error()).isEqualTo("invalid_client");
    assertThat(failure.errorCode()).isEqualTo(7000229);
    assertThat(failure.errorDescription())
        .startsWith(
            "AADSTS7000229: The client application "
                + APP
                + " is missing service principal in the tenant "
                + STRANGER
                + ".");
  }

  @Test
  void consentedOtherTenant_issuesATokenForThatTenant() throws Exception {
    JWTClaimsSet claims = claims(issue(OTHER, secretForm(APP, SECRET)));

    assertThat(claims.getStringClaim("tid")).isEqualTo(OTHER);
    assertThat(claims.getIssuer()).isEqualTo("https://sts.windows.net/" + OTHER + "/");
    assertThat(claims.getStringClaim("oid"))
        .isEqualTo(TokenIssuer.servicePrincipalId(OTHER, APP))
        .isNotEqualTo(TokenIssuer.servicePrincipalId(HOME, APP));
    assertThat(claims.getStringListClaim("roles")).hasSize(2);
  }

  @Test
  void servicePrincipalId_isStableAndAGuid() {
    assertThat(TokenIssuer.servicePrincipalId(HOME, APP))
        .isEqualTo(TokenIssuer.servicePrincipalId(HOME, APP))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }

  @Test
  void appWithoutPermissions_getsATokenWithoutRoles() throws Exception {
    TokenResponse.Success response = success(issue(HOME, secretForm(BARE_APP, SECRET)));

    JWTClaimsSet claims = SignedJWT.parse(response.accessToken()).getJWTClaimsSet();
    assertThat(claims.getClaim("roles")).isNull();
    assertThat(claims.getClaim("app_displayname")).isNull();
    assertThat(verifier.verify("Bearer " + response.accessToken()).roles()).isEmpty();
  }

  @Test
  void graphDefaultScopeAlone_isAccepted() throws Exception {
    assertThat(
            claims(issue(HOME, with(secretForm(APP, SECRET), "scope", GRAPH_DEFAULT)))
                .getAudience())
        .containsExactly("https://graph.microsoft.com");
  }

  @Test
  void graphAppIdDefaultScope_isAccepted() {
    TokenResponse response =
        issue(
            HOME,
            with(
                secretForm(APP, SECRET), "scope", "00000003-0000-0000-c000-000000000000/.default"));

    assertThat(response).isInstanceOf(TokenResponse.Success.class);
  }

  @Test
  void scopeWithoutDefaultSuffix_isInvalidScope1002012() {
    TokenResponse.Failure failure =
        failure(
            issue(
                HOME,
                with(
                    secretForm(APP, SECRET),
                    "scope",
                    "https://graph.microsoft.com/Calls.Initiate.All")));

    assertThat(failure.httpStatus()).isEqualTo(400);
    assertThat(failure.error()).isEqualTo("invalid_scope");
    assertThat(failure.errorCode()).isEqualTo(1002012);
    assertThat(failure.errorDescription())
        .startsWith(
            "AADSTS1002012: The provided value for scope"
                + " https://graph.microsoft.com/Calls.Initiate.All is not valid.");
  }

  @Test
  void openIdScopesWithoutGraph_isInvalidScope1002012() {
    TokenResponse.Failure failure =
        failure(issue(HOME, with(secretForm(APP, SECRET), "scope", "openid profile")));

    assertThat(failure.errorCode()).isEqualTo(1002012);
  }

  @Test
  void otherResourcesDefaultScope_isInvalidResource500011() {
    TokenResponse.Failure failure =
        failure(
            issue(
                HOME,
                with(secretForm(APP, SECRET), "scope", "https://management.azure.com/.default")));

    assertThat(failure.error()).isEqualTo("invalid_resource");
    assertThat(failure.errorCode()).isEqualTo(500011);
    assertThat(failure.errorDescription())
        .contains("The resource principal named https://management.azure.com was not found");
  }

  @Test
  void missingScope_isInvalidRequest90014() {
    TokenResponse.Failure failure = failure(issue(HOME, with(secretForm(APP, SECRET), "scope")));

    assertThat(failure.error()).isEqualTo("invalid_request");
    assertThat(failure.errorCode()).isEqualTo(90014);
  }

  @Test
  void otherGrantType_isUnsupportedGrantType70003() {
    TokenResponse.Failure failure =
        failure(issue(HOME, with(secretForm(APP, SECRET), "grant_type", "password")));

    assertThat(failure.httpStatus()).isEqualTo(400);
    assertThat(failure.error()).isEqualTo("unsupported_grant_type");
    assertThat(failure.errorCode()).isEqualTo(70003);
    assertThat(failure.errorDescription()).contains("'password'");
  }

  @Test
  void missingGrantType_isInvalidRequest900144() {
    TokenResponse.Failure failure =
        failure(issue(HOME, with(secretForm(APP, SECRET), "grant_type")));

    assertThat(failure.errorCode()).isEqualTo(900144);
    assertThat(failure.errorDescription())
        .startsWith(
            "AADSTS900144: The request body must contain the following parameter: 'grant_type'.");
  }

  @Test
  void missingClientId_isInvalidRequest900144() {
    TokenResponse.Failure failure =
        failure(issue(HOME, with(secretForm(APP, SECRET), "client_id")));

    assertThat(failure.errorCode()).isEqualTo(900144);
    assertThat(failure.errorDescription()).contains("'client_id'");
  }

  @Test
  void repeatedParameter_isInvalidRequest() {
    TokenResponse.Failure failure =
        failure(issue(HOME, with(secretForm(APP, SECRET), "client_secret", SECRET, "other")));

    assertThat(failure.error()).isEqualTo("invalid_request");
    assertThat(failure.errorDescription()).contains("'client_secret' more than once");
  }

  @Test
  void missingCredentials_isInvalidClient7000216() {
    TokenResponse.Failure failure =
        failure(issue(HOME, with(secretForm(APP, SECRET), "client_secret")));

    assertThat(failure.httpStatus()).isEqualTo(401);
    assertThat(failure.error()).isEqualTo("invalid_client");
    assertThat(failure.errorCode()).isEqualTo(7000216);
  }

  @Test
  void secretAndAssertionTogether_areRefused() {
    Map<String, List<String>> form =
        with(
            with(secretForm(APP, SECRET), "client_assertion", "a.b.c"),
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");

    TokenResponse.Failure failure = failure(issue(HOME, form));

    assertThat(failure.httpStatus()).isEqualTo(400);
    assertThat(failure.errorDescription())
        .contains("Only one client authentication method may be used")
        .contains("client_secret and client_assertion");
  }

  @Test
  void basicAuthorization_authenticatesTheClient() throws Exception {
    Map<String, List<String>> form = with(secretForm(APP, SECRET), "client_secret");
    String basic = basic(APP, SECRET);

    TokenResponse response =
        issuer.issue(TokenRequest.of(HOME, form, tokenEndpoint(HOME)).withAuthorization(basic));

    assertThat(claims(response).getStringClaim("appidacr")).isEqualTo("1");
  }

  @Test
  void basicAuthorization_acceptsFormEncodedAndRawSecrets() {
    Map<String, List<String>> form =
        with(with(secretForm(APP, SECRET), "client_secret"), "client_id");
    String encoded = basic(APP, URLEncoder.encode(SECOND_SECRET, StandardCharsets.UTF_8));
    String raw = basic(APP, SECOND_SECRET);

    assertThat(
            issuer.issue(
                TokenRequest.of(HOME, form, tokenEndpoint(HOME)).withAuthorization(encoded)))
        .isInstanceOf(TokenResponse.Success.class);
    assertThat(
            issuer.issue(TokenRequest.of(HOME, form, tokenEndpoint(HOME)).withAuthorization(raw)))
        .isInstanceOf(TokenResponse.Success.class);
  }

  @Test
  void basicAuthorizationWithWrongSecret_isInvalidClient7000215() {
    Map<String, List<String>> form = with(secretForm(APP, SECRET), "client_secret");

    TokenResponse.Failure failure =
        failure(
            issuer.issue(
                TokenRequest.of(HOME, form, tokenEndpoint(HOME))
                    .withAuthorization(basic(APP, "wrong"))));

    assertThat(failure.httpStatus()).isEqualTo(401);
    assertThat(failure.errorCode()).isEqualTo(7000215);
  }

  @Test
  void basicAuthorizationPlusClientSecret_areRefusedAsTwoCredentials() {
    TokenResponse.Failure failure =
        failure(
            issuer.issue(
                TokenRequest.of(HOME, secretForm(APP, SECRET), tokenEndpoint(HOME))
                    .withAuthorization(basic(APP, SECRET))));

    assertThat(failure.errorDescription()).contains("Only one client authentication method");
  }

  @Test
  void bearerAuthorizationHeader_isNotAClientCredential() {
    TokenResponse response =
        issuer.issue(
            TokenRequest.of(HOME, secretForm(APP, SECRET), tokenEndpoint(HOME))
                .withAuthorization("Bearer whatever"));

    assertThat(response).isInstanceOf(TokenResponse.Success.class);
  }

  @Test
  void configuredLifetime_setsExpAndExpiresIn() throws Exception {
    TokenIssuer shortLived =
        new TokenIssuer(
            keys, directory::get, clock, IssuerPolicy.azureAdV1(), Duration.ofMinutes(10));

    TokenResponse.Success response =
        success(
            shortLived.issue(TokenRequest.of(HOME, secretForm(APP, SECRET), tokenEndpoint(HOME))));

    JWTClaimsSet claims = SignedJWT.parse(response.accessToken()).getJWTClaimsSet();
    assertThat(response.expiresIn()).isEqualTo(600);
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(NOW.plusSeconds(600));
  }

  @Test
  void lifetimeOutsideBounds_isRefusedAtConstruction() {
    assertThatThrownBy(
            () ->
                new TokenIssuer(
                    keys, directory::get, clock, IssuerPolicy.azureAdV1(), Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT48H");
  }

  @Test
  void customIssuerPolicy_namesThisServer() throws Exception {
    TokenIssuer own =
        new TokenIssuer(keys, directory::get, clock, IssuerPolicy.under(Fixtures.BASE));

    JWTClaimsSet claims =
        SignedJWT.parse(
                success(
                        own.issue(
                            TokenRequest.of(HOME, secretForm(APP, SECRET), tokenEndpoint(HOME))))
                    .accessToken())
            .getJWTClaimsSet();

    assertThat(claims.getIssuer()).isEqualTo("https://127.0.0.1:8443/" + HOME + "/");
  }

  @Test
  void directoryChange_appliesToTheNextRequest() {
    assertThat(issue(HOME, secretForm(APP, SECRET))).isInstanceOf(TokenResponse.Success.class);

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

    assertThat(failure(issue(HOME, secretForm(APP, SECRET))).errorCode()).isEqualTo(700016);
  }

  private static String basic(String clientId, String secret) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }
}
