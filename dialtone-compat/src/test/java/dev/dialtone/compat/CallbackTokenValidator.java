package dev.dialtone.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * What the official samples do with a notification's {@code Authorization} header, with Nimbus
 * JOSE+JWT: read the calling service's OpenID configuration, take its {@code issuer} and the keys
 * at its {@code jwks_uri}, and accept a token only if it is an RS256 JWT signed by one of those
 * keys, from that issuer, for this bot ({@code aud} = its application id), in its validity window
 * and with a {@code tid}.
 */
final class CallbackTokenValidator {
  private final String issuer;
  private final URI jwksUri;
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

  private CallbackTokenValidator(String issuer, URI jwksUri, SSLContext tls, String appId) {
    this.issuer = issuer;
    this.jwksUri = jwksUri;
    JWKSource<SecurityContext> keys;
    try {
      keys =
          JWKSourceBuilder.<SecurityContext>create(
                  jwksUri.toURL(),
                  new DefaultResourceRetriever(5_000, 5_000, 64 * 1024, true, tls.getSocketFactory()))
              .build();
    } catch (java.net.MalformedURLException e) {
      throw new IllegalArgumentException(e);
    }
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            appId,
            new JWTClaimsSet.Builder().issuer(issuer).build(),
            Set.of("tid", "iat", "exp")));
  }

  /**
   * From the OpenID configuration at {@code configuration} (Dialtone's {@code
   * /v1/.well-known/OpenIdConfiguration}), fetched over HTTPS trusting {@code tls}.
   */
  static CallbackTokenValidator fromOpenIdConfiguration(URI configuration, SSLContext tls, String appId) {
    JsonNode document;
    try (HttpClient http = HttpClient.newBuilder().sslContext(tls).build()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(configuration).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(configuration + " answered " + response.statusCode());
      }
      document = BotWebhook.JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new CallbackTokenValidator(
        document.path("issuer").asText(), URI.create(document.path("jwks_uri").asText()), tls, appId);
  }

  String issuer() {
    return issuer;
  }

  URI jwksUri() {
    return jwksUri;
  }

  /** The token's claims if it is valid for this bot; otherwise the reason it is not. */
  JWTClaimsSet validate(String token) throws ParseException, BadJOSEException, JOSEException {
    return processor.process(token, null);
  }

  /** The webhook's gate: {@code Authorization: Bearer <a valid token>}. */
  boolean admits(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    try {
      validate(authorization.substring(7));
      return true;
    } catch (ParseException | BadJOSEException | JOSEException e) {
      return false;
    }
  }
}
