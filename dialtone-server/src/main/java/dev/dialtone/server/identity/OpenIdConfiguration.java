package dev.dialtone.server.identity;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.List;

/**
 * The document of {@code GET /{tenant}/v2.0/.well-known/openid-configuration}, with the members and
 * member order of Azure AD's v2 document, pointing at this server.
 *
 * <p>One difference is deliberate: Azure AD's v2 document names the v2 issuer ({@code
 * https://login.microsoftonline.com/{tid}/v2.0}), but Graph's app-only access tokens carry the v1
 * issuer, and so do the tokens {@link TokenIssuer} makes. Here {@code issuer} is the {@link
 * IssuerPolicy}'s issuer for the tenant, exactly what {@link AccessTokenVerifier} accepts, so a
 * client that validates tokens against this document agrees with the server. For {@code common},
 * {@code organizations} and {@code consumers} the issuer has Azure AD's {@code {tenantid}}
 * placeholder.
 *
 * <p>This server serves {@code token_endpoint} and {@code jwks_uri}; the other endpoints are listed
 * for shape (clients of the client-credentials flow do not call them). Whether the tenant exists is
 * the caller's check: Azure AD answers an unknown tenant with 400 and AADSTS90002.
 */
public final class OpenIdConfiguration {
  private OpenIdConfiguration() {}

  /**
   * The document as JSON.
   *
   * @param base this server's identity base URL as clients reach it, e.g. {@code
   *     https://127.0.0.1:8443}; a trailing slash is ignored
   * @param tenant the tenant path segment, as given
   */
  public static String json(URI base, String tenant, IssuerPolicy issuers) {
    String root = base.toString().endsWith("/") ? base.toString() : base.toString() + "/";
    String authority = root + tenant;
    boolean tenantless = TokenIssuer.isTenantless(tenant);
    String host = base.getPort() == -1 ? base.getHost() : base.getHost() + ":" + base.getPort();

    ObjectNode doc = JsonText.object();
    doc.put("token_endpoint", authority + "/oauth2/v2.0/token");
    strings(
        doc,
        "token_endpoint_auth_methods_supported",
        List.of("client_secret_post", "private_key_jwt", "client_secret_basic"));
    doc.put("jwks_uri", authority + "/discovery/v2.0/keys");
    strings(doc, "response_modes_supported", List.of("query", "fragment", "form_post"));
    strings(doc, "subject_types_supported", List.of("pairwise"));
    strings(doc, "id_token_signing_alg_values_supported", List.of("RS256"));
    strings(
        doc,
        "response_types_supported",
        List.of("code", "id_token", "code id_token", "id_token token"));
    strings(doc, "scopes_supported", List.of("openid", "profile", "email", "offline_access"));
    doc.put("issuer", issuers.issuerFor(tenantless ? "{tenantid}" : tenant));
    doc.put("request_uri_parameter_supported", false);
    doc.put("userinfo_endpoint", root + "oidc/userinfo");
    doc.put("authorization_endpoint", authority + "/oauth2/v2.0/authorize");
    doc.put("device_authorization_endpoint", authority + "/oauth2/v2.0/devicecode");
    doc.put("http_logout_supported", true);
    doc.put("frontchannel_logout_supported", true);
    doc.put("end_session_endpoint", authority + "/oauth2/v2.0/logout");
    strings(
        doc,
        "claims_supported",
        List.of(
            "sub",
            "iss",
            "cloud_instance_name",
            "cloud_instance_host_name",
            "cloud_graph_host_name",
            "msgraph_host",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "acr",
            "nonce",
            "preferred_username",
            "name",
            "tid",
            "ver",
            "at_hash",
            "c_hash",
            "email"));
    doc.put("kerberos_endpoint", authority + "/kerberos");
    doc.putNull("tenant_region_scope");
    doc.put("cloud_instance_name", base.getHost());
    doc.put("cloud_graph_host_name", host);
    doc.put("msgraph_host", host);
    doc.put("rbac_url", root.substring(0, root.length() - 1));
    return JsonText.write(doc);
  }

  private static void strings(ObjectNode doc, String name, List<String> values) {
    ArrayNode array = doc.putArray(name);
    values.forEach(array::add);
  }
}
