package dev.dialtone.server.identity;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.dialtone.engine.directory.Application;
import dev.dialtone.engine.directory.Directory;
import dev.dialtone.engine.directory.Permission;
import dev.dialtone.engine.directory.Tenant;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Answers {@code POST /{tenant}/oauth2/v2.0/token} for the client-credentials grant, as Azure AD
 * does, with an access token for Microsoft Graph.
 *
 * <p>The request is checked in Azure AD's order, and the first rule broken decides the error:
 *
 * <ol>
 *   <li>the tenant segment names a directory tenant by id (exactly, else ignoring case); {@code
 *       common}, {@code organizations} and {@code consumers} are refused (AADSTS50059), an unknown
 *       tenant is AADSTS90002;
 *   <li>{@code grant_type} is {@code client_credentials} (AADSTS900144 if missing, AADSTS70003
 *       otherwise);
 *   <li>{@code client_id} is given, in the form or the {@code Basic} header (AADSTS900144);
 *   <li>{@code scope} is {@code https://graph.microsoft.com/.default} (or Graph's app id {@code
 *       00000003-0000-0000-c000-000000000000/.default}), optionally with {@code openid}, {@code
 *       profile} and {@code offline_access}, which MSAL adds (AADSTS90014 if missing, AADSTS1002012
 *       for a scope without {@code /.default}, AADSTS500011 for another resource);
 *   <li>the application exists (AADSTS700016) and is consented in the tenant (AADSTS7000229);
 *   <li>exactly one credential: {@code client_secret}, a {@code Basic} header, or a {@code
 *       client_assertion} (AADSTS7000216 if none, AADSTS90023 if several); a secret must equal one
 *       of the app's secrets (compared in constant time; AADSTS7000215), an assertion must pass
 *       {@link ClientAssertions} (AADSTS700027, 700021, 700023, 700024, 50027).
 * </ol>
 *
 * Other form fields MSAL sends ({@code client_info}, {@code claims}) are ignored. A parameter this
 * class reads may appear only once (RFC 6749 §3.2).
 *
 * <p>The token: RS256 with the current key of {@link SigningKeys}, header {@code kid} and {@code
 * typ":"JWT"}; claims {@code aud} ({@code https://graph.microsoft.com}), {@code iss} (from the
 * {@link IssuerPolicy}), {@code iat}, {@code nbf}, {@code exp} (now + lifetime, whole seconds),
 * {@code app_displayname}, {@code appid}, {@code appidacr} ({@code "1"} secret, {@code "2"}
 * certificate), {@code azp}, {@code idp}, {@code idtyp":"app"}, {@code oid} and {@code sub} (the
 * {@link #servicePrincipalId service principal id}), {@code roles} (the app's granted permissions;
 * absent when there are none), {@code tid}, {@code uti} and {@code jti} (one random value), and
 * {@code ver":"1.0"}.
 *
 * <p>Thread-safe; the directory is read once per request.
 */
public final class TokenIssuer {
  /** Azure AD's usual app-only token lifetime. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(3599);

  static final String GRAPH_RESOURCE = "https://graph.microsoft.com";

  private static final Set<String> GRAPH_DEFAULT_SCOPES =
      Set.of(GRAPH_RESOURCE + "/.default", AuthenticationException.GRAPH_APP_ID + "/.default");
  private static final Set<String> OPENID_SCOPES = Set.of("openid", "profile", "offline_access");
  private static final Set<String> TENANTLESS = Set.of("common", "organizations", "consumers");
  private static final Duration MAX_LIFETIME = Duration.ofDays(1);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SigningKeys keys;
  private final Supplier<Directory> directory;
  private final Clock clock;
  private final IssuerPolicy issuers;
  private final Duration lifetime;

  /** An issuer of tokens that live {@link #DEFAULT_LIFETIME}. */
  public TokenIssuer(
      SigningKeys keys, Supplier<Directory> directory, Clock clock, IssuerPolicy issuers) {
    this(keys, directory, clock, issuers, DEFAULT_LIFETIME);
  }

  /**
   * @param lifetime how long tokens live: whole seconds, from 1 s to 1 day
   */
  public TokenIssuer(
      SigningKeys keys,
      Supplier<Directory> directory,
      Clock clock,
      IssuerPolicy issuers,
      Duration lifetime) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.issuers = Objects.requireNonNull(issuers, "issuers");
    Objects.requireNonNull(lifetime, "lifetime");
    if (lifetime.compareTo(Duration.ofSeconds(1)) < 0
        || lifetime.compareTo(MAX_LIFETIME) > 0
        || lifetime.getNano() != 0) {
      throw new IllegalArgumentException(
          "access token lifetime must be whole seconds from 1 s to 1 day, got " + lifetime);
    }
    this.lifetime = lifetime;
  }

  /**
   * The object id of an application's service principal in a tenant, as it appears in {@code oid}
   * and {@code sub}: a name-based UUID of the tenant and the app, the same on every server.
   */
  public static String servicePrincipalId(String tenantId, String appId) {
    byte[] name =
        ("dialtone:service-principal:" + tenantId + ":" + appId).getBytes(StandardCharsets.UTF_8);
    return UUID.nameUUIDFromBytes(name).toString();
  }

  /**
   * Answers one token request. Never throws for a bad request: every refusal is a {@link
   * TokenResponse.Failure}.
   */
  public TokenResponse issue(TokenRequest request) {
    try {
      return grant(request, directory.get(), clock.instant().truncatedTo(ChronoUnit.SECONDS));
    } catch (TokenRequestRejected rejected) {
      return refusal(rejected, request.clientRequestId());
    }
  }

  /**
   * Azure AD's refusal of a discovery request ({@code /{tenant}/v2.0/.well-known/…}) for this
   * tenant segment, if it would refuse it: unknown tenants are refused (AADSTS90002), the
   * tenantless {@code common}, {@code organizations} and {@code consumers} are served.
   */
  public Optional<TokenResponse.Failure> refuseDiscovery(String tenantSegment) {
    if (isTenantless(tenantSegment)) {
      return Optional.empty();
    }
    try {
      resolveTenant(tenantSegment, directory.get());
      return Optional.empty();
    } catch (TokenRequestRejected rejected) {
      return Optional.of(refusal(rejected, Optional.empty()));
    }
  }

  /** Azure AD's generic refusal (AADSTS90023) of a request that cannot even be read. */
  public TokenResponse.Failure malformed(String message) {
    return refusal(new TokenRequestRejected(AadError.INVALID_REQUEST, message), Optional.empty());
  }

  /** True for the tenant segments that name no tenant: {@code common}, {@code organizations}, {@code consumers}. */
  static boolean isTenantless(String tenantSegment) {
    return TENANTLESS.contains(tenantSegment.toLowerCase(Locale.ROOT));
  }

  private TokenResponse.Failure refusal(TokenRequestRejected rejected, Optional<String> clientRequestId) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    String correlationId = clientRequestId.filter(TokenIssuer::isGuid).orElseGet(TokenIssuer::newGuid);
    return rejected.error().toResponse(now, newGuid(), correlationId, rejected.arguments());
  }

  private TokenResponse grant(TokenRequest request, Directory directory, Instant now) {
    Form form = new Form(request);
    Tenant tenant = resolveTenant(request.tenant(), directory);

    String grantType =
        form.single("grant_type")
            .orElseThrow(() -> new TokenRequestRejected(AadError.MISSING_PARAMETER, "grant_type"));
    if (!"client_credentials".equals(grantType)) {
      throw new TokenRequestRejected(AadError.UNSUPPORTED_GRANT_TYPE, grantType);
    }

    Optional<BasicCredentials> basic = request.authorization().flatMap(BasicCredentials::parse);
    String clientId = clientId(form, basic);
    checkScope(form, tenant);

    Application app =
        directory
            .application(clientId)
            .orElseThrow(
                () ->
                    new TokenRequestRejected(
                        AadError.APPLICATION_NOT_FOUND, clientId, nameOf(tenant)));
    if (!app.isConsentedIn(tenant.id())) {
      throw new TokenRequestRejected(AadError.MISSING_SERVICE_PRINCIPAL, app.appId(), tenant.id());
    }

    String appIdAcr = authenticate(form, basic, app, request, now);
    return new TokenResponse.Success(
        "Bearer",
        lifetime.toSeconds(),
        lifetime.toSeconds(),
        keys.sign(claims(app, tenant, appIdAcr, now)));
  }

  private static Tenant resolveTenant(String segment, Directory directory) {
    if (isTenantless(segment)) {
      throw new TokenRequestRejected(AadError.NO_TENANT, segment);
    }
    Optional<Tenant> exact = directory.tenant(segment);
    if (exact.isPresent()) {
      return exact.get();
    }
    // MSAL may lower-case the authority, and Azure AD compares tenant ids ignoring case.
    List<Tenant> loose =
        directory.contents().tenants().stream()
            .filter(t -> t.id().equalsIgnoreCase(segment))
            .toList();
    if (loose.size() == 1) {
      return loose.get(0);
    }
    throw new TokenRequestRejected(AadError.TENANT_NOT_FOUND, segment);
  }

  private static String clientId(Form form, Optional<BasicCredentials> basic) {
    Optional<String> fromForm = form.single("client_id").filter(id -> !id.isBlank());
    if (fromForm.isPresent()
        && basic.isPresent()
        && !fromForm.get().equals(basic.get().clientId())) {
      throw new TokenRequestRejected(
          AadError.INVALID_REQUEST,
          "The client_id in the request body ('"
              + fromForm.get()
              + "') differs from the one in the Basic Authorization header ('"
              + basic.get().clientId()
              + "').");
    }
    return fromForm
        .or(() -> basic.map(BasicCredentials::clientId))
        .orElseThrow(() -> new TokenRequestRejected(AadError.MISSING_PARAMETER, "client_id"));
  }

  private static void checkScope(Form form, Tenant tenant) {
    String scope =
        form.single("scope")
            .filter(s -> !s.isBlank())
            .orElseThrow(() -> new TokenRequestRejected(AadError.MISSING_SCOPE));
    boolean graph = false;
    for (String item : scope.strip().split("\\s+")) {
      if (isGraphDefault(item)) {
        graph = true;
      } else if (OPENID_SCOPES.contains(item)) {
        continue;
      } else if (item.endsWith("/.default")) {
        String resource = item.substring(0, item.length() - "/.default".length());
        throw new TokenRequestRejected(AadError.RESOURCE_NOT_FOUND, resource, nameOf(tenant));
      } else {
        throw new TokenRequestRejected(AadError.SCOPE_NOT_DEFAULT, item);
      }
    }
    if (!graph) {
      throw new TokenRequestRejected(AadError.SCOPE_NOT_DEFAULT, scope);
    }
  }

  private static boolean isGraphDefault(String item) {
    for (String graphDefault : GRAPH_DEFAULT_SCOPES) {
      if (graphDefault.equalsIgnoreCase(item)) {
        return true;
      }
    }
    return false;
  }

  /** Checks the one credential presented and returns the {@code appidacr} it earns. */
  private static String authenticate(
      Form form,
      Optional<BasicCredentials> basic,
      Application app,
      TokenRequest request,
      Instant now) {
    Optional<String> secret = form.single("client_secret");
    Optional<String> assertion = form.single("client_assertion");
    Optional<String> assertionType = form.single("client_assertion_type");
    List<String> presented = new ArrayList<>();
    secret.ifPresent(s -> presented.add("client_secret"));
    basic.ifPresent(b -> presented.add("a Basic Authorization header"));
    if (assertion.isPresent() || assertionType.isPresent()) {
      presented.add("client_assertion");
    }
    if (presented.isEmpty()) {
      throw new TokenRequestRejected(AadError.MISSING_CREDENTIALS);
    }
    if (presented.size() > 1) {
      throw new TokenRequestRejected(
          AadError.INVALID_REQUEST,
          "Only one client authentication method may be used; the request carries "
              + String.join(" and ", presented)
              + ".");
    }
    if (secret.isPresent()) {
      requireSecret(app, List.of(secret.get()));
      return "1";
    }
    if (basic.isPresent()) {
      requireSecret(app, basic.get().secretCandidates());
      return "1";
    }
    String type =
        assertionType.orElseThrow(
            () -> new TokenRequestRejected(AadError.MISSING_PARAMETER, "client_assertion_type"));
    if (!ClientAssertions.JWT_BEARER.equals(type)) {
      throw new TokenRequestRejected(AadError.UNEXPECTED_ASSERTION_TYPE, type);
    }
    String jwt =
        assertion
            .filter(a -> !a.isBlank())
            .orElseThrow(
                () -> new TokenRequestRejected(AadError.MISSING_PARAMETER, "client_assertion"));
    ClientAssertions.verify(jwt, app, request.tokenEndpoint(), now);
    return "2";
  }

  /**
   * Compares digests rather than the secrets themselves, so the time taken tells nothing about the
   * secret, not even its length, and every configured secret is compared every time.
   */
  private static void requireSecret(Application app, List<String> candidates) {
    boolean matched = false;
    for (String configured : app.secrets()) {
      byte[] expected = sha256(configured);
      for (String candidate : candidates) {
        matched |= MessageDigest.isEqual(expected, sha256(candidate));
      }
    }
    if (!matched) {
      throw new TokenRequestRejected(AadError.INVALID_CLIENT_SECRET, app.appId());
    }
  }

  private JWTClaimsSet claims(Application app, Tenant tenant, String appIdAcr, Instant now) {
    String issuer = issuers.issuerFor(tenant.id());
    String servicePrincipal = servicePrincipalId(tenant.id(), app.appId());
    String uniqueId = newUniqueTokenId();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .audience(GRAPH_RESOURCE)
            .issuer(issuer)
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(lifetime)))
            .claim("appid", app.appId())
            .claim("appidacr", appIdAcr)
            .claim("azp", app.appId())
            .claim("idp", issuer)
            .claim("idtyp", "app")
            .claim("oid", servicePrincipal)
            .subject(servicePrincipal)
            .claim("tid", tenant.id())
            .claim("uti", uniqueId)
            .jwtID(uniqueId)
            .claim("ver", "1.0");
    if (!app.displayName().isBlank()) {
      claims.claim("app_displayname", app.displayName());
    }
    List<String> roles = app.permissions().stream().map(Permission::claimValue).sorted().toList();
    if (!roles.isEmpty()) {
      claims.claim("roles", roles);
    }
    return claims.build();
  }

  private static String nameOf(Tenant tenant) {
    return tenant.displayName().isBlank() ? tenant.id() : tenant.displayName();
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static boolean isGuid(String text) {
    try {
      return UUID.fromString(text).toString().equalsIgnoreCase(text);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String newGuid() {
    return UUID.randomUUID().toString();
  }

  /** Like Azure AD's {@code uti}: 16 random bytes, base64url. */
  private static String newUniqueTokenId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64URL.encode(bytes).toString();
  }

  /** The form parameters this class reads, each at most once. */
  private record Form(TokenRequest request) {
    Optional<String> single(String name) {
      List<String> values = request.form().getOrDefault(name, List.of());
      if (values.size() > 1) {
        throw new TokenRequestRejected(
            AadError.INVALID_REQUEST,
            "The request body must not contain the parameter '" + name + "' more than once.");
      }
      return values.stream().findFirst();
    }
  }

  /**
   * {@code client_secret_basic}: {@code Basic base64(client_id ":" secret)}. RFC 6749 §2.3.1 wants
   * both parts form-urlencoded first, which many clients skip; the secret is tried both as sent and
   * decoded.
   */
  private record BasicCredentials(String clientId, List<String> secretCandidates) {
    static Optional<BasicCredentials> parse(String header) {
      String value = header.strip();
      if (!value.regionMatches(true, 0, "Basic ", 0, 6)) {
        return Optional.empty(); // another scheme is not a client credential
      }
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(value.substring(6).strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new TokenRequestRejected(
            AadError.INVALID_REQUEST, "The Basic Authorization header is not valid base64.");
      }
      int colon = decoded.indexOf(':');
      if (colon <= 0) {
        throw new TokenRequestRejected(
            AadError.INVALID_REQUEST,
            "The Basic Authorization header must carry 'client_id:client_secret'.");
      }
      String rawSecret = decoded.substring(colon + 1);
      String decodedSecret = formDecode(rawSecret);
      List<String> candidates =
          decodedSecret.equals(rawSecret) ? List.of(rawSecret) : List.of(rawSecret, decodedSecret);
      return Optional.of(new BasicCredentials(formDecode(decoded.substring(0, colon)), candidates));
    }

    private static String formDecode(String text) {
      try {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return text;
      }
    }
  }
}
