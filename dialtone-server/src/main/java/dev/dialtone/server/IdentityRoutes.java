package dev.dialtone.server;

import dev.dialtone.server.graph.PublicUrls;
import dev.dialtone.server.identity.IssuerPolicy;
import dev.dialtone.server.identity.OpenIdConfiguration;
import dev.dialtone.server.identity.SigningKeys;
import dev.dialtone.server.identity.TokenIssuer;
import dev.dialtone.server.identity.TokenRequest;
import dev.dialtone.server.identity.TokenResponse;
import java.net.URI;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The identity edge's HTTP routes, shaped like Azure AD's v2 endpoints: the client-credentials
 * token endpoint, the OpenID configuration and the JWKS. The logic lives in the identity package.
 */
final class IdentityRoutes {
  private static final int MAX_FORM_BYTES = 64 * 1024;

  private final TokenIssuer issuer;
  private final SigningKeys keys;
  private final IssuerPolicy issuers;
  private final PublicUrls urls;
  private final String callbackIssuer;

  IdentityRoutes(
      TokenIssuer issuer, SigningKeys keys, IssuerPolicy issuers, PublicUrls urls, String callbackIssuer) {
    this.issuer = issuer;
    this.keys = keys;
    this.issuers = issuers;
    this.urls = urls;
    this.callbackIssuer = callbackIssuer;
  }

  void register(HttpRouting.Builder routing) {
    routing.post("/{tenant}/oauth2/v2.0/token", this::token);
    routing.get("/{tenant}/v2.0/.well-known/openid-configuration", this::openIdConfiguration);
    routing.get("/{tenant}/discovery/v2.0/keys", this::keys);
    routing.get("/v1/.well-known/OpenIdConfiguration", this::callbackOpenIdConfiguration);
  }

  /**
   * The OpenID configuration bots validate notification tokens against, at the path of the real
   * one ({@code https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration}): its issuer and the
   * JWKS holding the key that signs them.
   */
  private void callbackOpenIdConfiguration(ServerRequest req, ServerResponse res) {
    var document = dev.dialtone.server.graph.Json.MAPPER.createObjectNode();
    document.put("issuer", callbackIssuer);
    document.put("jwks_uri", urls.base(req) + "/common/discovery/v2.0/keys");
    document.putArray("id_token_signing_alg_values_supported").add("RS256");
    document.putArray("token_endpoint_auth_methods_supported").add("private_key_jwt");
    res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    res.send(dev.dialtone.server.graph.Json.bytes(document));
  }

  private void token(ServerRequest req, ServerResponse res) {
    String tenant;
    Map<String, List<String>> form;
    try {
      tenant = req.path().pathParameters().get("tenant");
      form = form(req);
    } catch (IllegalArgumentException e) {
      send(res, issuer.malformed("The request could not be read: " + e.getMessage()));
      return;
    }
    URI endpoint = URI.create(urls.base(req) + "/" + tenant + "/oauth2/v2.0/token");
    TokenRequest request = TokenRequest.of(tenant, form, endpoint);
    request = req.headers().first(HeaderNames.AUTHORIZATION).map(request::withAuthorization).orElse(request);
    request = req.headers().first(HeaderNames.create("client-request-id")).map(request::withClientRequestId).orElse(request);
    send(res, issuer.issue(request));
  }

  private static void send(ServerResponse res, TokenResponse response) {
    res.status(response.httpStatus());
    res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    res.header(HeaderNames.CACHE_CONTROL, "no-store, no-cache");
    res.header(HeaderNames.PRAGMA, "no-cache");
    res.send(response.toJson().getBytes(StandardCharsets.UTF_8));
  }

  private void openIdConfiguration(ServerRequest req, ServerResponse res) {
    String tenant = req.path().pathParameters().get("tenant");
    var refusal = issuer.refuseDiscovery(tenant);
    if (refusal.isPresent()) {
      send(res, refusal.get());
      return;
    }
    String document = OpenIdConfiguration.json(URI.create(urls.base(req)), tenant, issuers);
    res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    res.send(document.getBytes(StandardCharsets.UTF_8));
  }

  private void keys(ServerRequest req, ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
    res.send(keys.publicJwks().getBytes(StandardCharsets.UTF_8));
  }

  private static Map<String, List<String>> form(ServerRequest req) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    if (!req.content().hasEntity()) {
      return form;
    }
    String body;
    try (InputStream in = req.content().inputStream()) {
      byte[] bytes = in.readNBytes(MAX_FORM_BYTES + 1);
      if (bytes.length > MAX_FORM_BYTES) {
        throw new IllegalArgumentException("the body is larger than " + MAX_FORM_BYTES + " bytes");
      }
      body = new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the token request failed", e);
    }
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return form;
  }
}
