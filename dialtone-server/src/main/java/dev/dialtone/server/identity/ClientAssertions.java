package dev.dialtone.server.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.X509CertUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.dialtone.engine.directory.Application;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a client assertion ({@code private_key_jwt}, RFC 7523) against an application's
 * certificates, the way Azure AD does: the header's {@code x5t#S256} (or {@code x5t}) picks one of
 * the app's certificates by its SHA-256 (or SHA-1) thumbprint, that certificate must be within its
 * validity and its key must verify the signature; then {@code iss} = {@code sub} = the client id,
 * {@code aud} = the token endpoint, {@code exp}/{@code nbf} around now, and a {@code jti}.
 *
 * <p>Thumbprints are compared in base64url without padding; MSAL4J sends standard base64 with
 * padding, which is accepted too. A configured certificate that does not parse as PEM matches
 * nothing.
 */
final class ClientAssertions {
  static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  /**
   * Allowed difference between a client's clock and ours. MSAL sets {@code nbf} to the client's
   * "now", so a client whose clock runs a little ahead would otherwise be refused; five minutes is
   * the default skew of Microsoft's own token validation (Microsoft.IdentityModel).
   */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private static final Set<JWSAlgorithm> ALGORITHMS =
      Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256);

  private ClientAssertions() {}

  /**
   * Verifies the assertion for the app, or throws the Azure AD error for the first rule it breaks.
   */
  static void verify(String assertion, Application app, URI tokenEndpoint, Instant now) {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(assertion);
    } catch (ParseException e) {
      throw new TokenRequestRejected(
          AadError.MALFORMED_ASSERTION,
          "The client assertion is not a signed JWT (" + e.getMessage() + ").");
    }
    if (!ALGORITHMS.contains(jwt.getHeader().getAlgorithm())) {
      throw new TokenRequestRejected(
          AadError.MALFORMED_ASSERTION,
          "The client assertion is signed with "
              + jwt.getHeader().getAlgorithm()
              + "; it must be signed with RS256 (or PS256) by a certificate's key.");
    }
    X509Certificate certificate = certificateFor(jwt, app);
    checkValidity(certificate, jwt, app, now);
    checkSignature(jwt, certificate, app);

    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new TokenRequestRejected(
          AadError.MALFORMED_ASSERTION,
          "The client assertion's claims are not valid JSON (" + e.getMessage() + ").");
    }
    if (!app.appId().equals(claims.getIssuer()) || !app.appId().equals(claims.getSubject())) {
      throw new TokenRequestRejected(AadError.ASSERTION_WRONG_CLIENT);
    }
    List<String> audience = claims.getAudience();
    if (audience.size() != 1 || !sameEndpoint(audience.get(0), tokenEndpoint)) {
      throw new TokenRequestRejected(AadError.ASSERTION_WRONG_AUDIENCE, tokenEndpoint);
    }
    checkTimes(claims, now);
    if (claims.getJWTID() == null || claims.getJWTID().isBlank()) {
      throw new TokenRequestRejected(
          AadError.MALFORMED_ASSERTION, "The client assertion must carry a 'jti' claim.");
    }
  }

  private static X509Certificate certificateFor(SignedJWT jwt, Application app) {
    // Read the raw header members: nimbus's typed accessor for x5t is deprecated.
    Map<String, Object> header = jwt.getHeader().toJSONObject();
    Object sha256 = header.get("x5t#S256");
    Object sha1 = header.get("x5t");
    boolean useSha256 = sha256 instanceof String;
    Object presented = useSha256 ? sha256 : sha1;
    if (!(presented instanceof String thumbprint) || thumbprint.isBlank()) {
      throw new TokenRequestRejected(
          AadError.ASSERTION_INVALID_SIGNATURE,
          "The client assertion's header has neither 'x5t#S256' nor 'x5t'",
          "",
          app.appId());
    }
    String wanted = toBase64Url(thumbprint);
    for (String pem : app.certificates()) {
      X509Certificate certificate = parse(pem);
      if (certificate == null) {
        continue;
      }
      Base64URL actual =
          useSha256
              ? X509CertUtils.computeSHA256Thumbprint(certificate)
              : X509CertUtils.computeSHA1Thumbprint(certificate);
      if (actual != null && actual.toString().equals(wanted)) {
        return certificate;
      }
    }
    throw new TokenRequestRejected(
        AadError.ASSERTION_INVALID_SIGNATURE, "The key was not found.", hex(wanted), app.appId());
  }

  private static void checkValidity(
      X509Certificate certificate, SignedJWT jwt, Application app, Instant now) {
    if (now.isAfter(certificate.getNotAfter().toInstant())
        || now.isBefore(certificate.getNotBefore().toInstant())) {
      String reason =
          now.isAfter(certificate.getNotAfter().toInstant())
              ? "The key used is expired."
              : "The key used is not yet valid.";
      throw new TokenRequestRejected(
          AadError.ASSERTION_INVALID_SIGNATURE,
          reason
              + " Found key 'Start="
              + certificate.getNotBefore().toInstant()
              + ", End="
              + certificate.getNotAfter().toInstant()
              + "'",
          presentedThumbprint(jwt),
          app.appId());
    }
  }

  private static void checkSignature(SignedJWT jwt, X509Certificate certificate, Application app) {
    boolean verified;
    try {
      verified =
          certificate.getPublicKey() instanceof RSAPublicKey key
              && jwt.verify(new RSASSAVerifier(key));
    } catch (JOSEException e) {
      verified = false;
    }
    if (!verified) {
      throw new TokenRequestRejected(
          AadError.ASSERTION_INVALID_SIGNATURE,
          "The provided signature value did not match the expected signature value.",
          presentedThumbprint(jwt),
          app.appId());
    }
  }

  private static void checkTimes(JWTClaimsSet claims, Instant now) {
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new TokenRequestRejected(
          AadError.MALFORMED_ASSERTION, "The client assertion must carry an 'exp' claim.");
    }
    Date nbf = claims.getNotBeforeTime();
    Instant expires = exp.toInstant();
    boolean expired = now.isAfter(expires.plus(CLOCK_SKEW));
    boolean early = nbf != null && nbf.toInstant().minus(CLOCK_SKEW).isAfter(now);
    if (expired || early) {
      throw new TokenRequestRejected(
          AadError.ASSERTION_OUT_OF_TIME_RANGE,
          now,
          nbf == null ? "(no nbf)" : nbf.toInstant(),
          expires);
    }
  }

  /**
   * True if the assertion's audience names this token endpoint. Scheme and host are compared
   * ignoring case, a default port equals no port, one trailing slash is ignored, and the path is
   * compared ignoring case (Azure AD treats tenant segments case-insensitively).
   */
  static boolean sameEndpoint(String audience, URI tokenEndpoint) {
    return normalise(audience).equalsIgnoreCase(normalise(tokenEndpoint.toString()));
  }

  private static String normalise(String url) {
    try {
      URI uri = new URI(url.strip());
      if (uri.getScheme() == null || uri.getHost() == null) {
        return url;
      }
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      int port = uri.getPort();
      boolean defaultPort =
          port == -1
              || ("https".equals(scheme) && port == 443)
              || ("http".equals(scheme) && port == 80);
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      if (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      return scheme
          + "://"
          + uri.getHost().toLowerCase(Locale.ROOT)
          + (defaultPort ? "" : ":" + port)
          + path;
    } catch (URISyntaxException e) {
      return url;
    }
  }

  private static X509Certificate parse(String pem) {
    try {
      return X509CertUtils.parseWithException(pem);
    } catch (CertificateException e) {
      return null;
    }
  }

  private static String presentedThumbprint(SignedJWT jwt) {
    Map<String, Object> header = jwt.getHeader().toJSONObject();
    Object value = header.getOrDefault("x5t#S256", header.get("x5t"));
    return value instanceof String text ? hex(toBase64Url(text)) : "";
  }

  /** Standard base64 (what MSAL4J sends) to base64url without padding; base64url is unchanged. */
  private static String toBase64Url(String thumbprint) {
    String text = thumbprint.strip().replace('+', '-').replace('/', '_');
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '=') {
      end--;
    }
    return text.substring(0, end);
  }

  /** The thumbprint as Azure AD prints it in messages: upper-case hex. */
  private static String hex(String base64Url) {
    try {
      return HexFormat.of().withUpperCase().formatHex(new Base64URL(base64Url).decode());
    } catch (RuntimeException e) {
      return base64Url;
    }
  }
}
