package dev.dialtone.server.identity;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code POST /{tenant}/oauth2/v2.0/token} request, as the HTTP edge received it.
 *
 * @param tenant the tenant path segment, as given
 * @param form the {@code application/x-www-form-urlencoded} body, decoded: each name with its
 *     values in order
 * @param tokenEndpoint the URL this request was sent to, as the client sees it (scheme, host, port
 *     and path, e.g. {@code https://127.0.0.1:8443/{tenant}/oauth2/v2.0/token}): a client
 *     assertion's {@code aud} must name it
 * @param authorization the {@code Authorization} header, if any (for {@code client_secret_basic})
 * @param clientRequestId the {@code client-request-id} header, if any: echoed as the {@code
 *     correlation_id} of an error when it is a GUID, as Azure AD does
 */
public record TokenRequest(
    String tenant,
    Map<String, List<String>> form,
    URI tokenEndpoint,
    Optional<String> authorization,
    Optional<String> clientRequestId) {

  public TokenRequest {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    Objects.requireNonNull(authorization, "authorization");
    Objects.requireNonNull(clientRequestId, "clientRequestId");
    Map<String, List<String>> copy = new LinkedHashMap<>();
    form.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    form = Map.copyOf(copy);
  }

  /** A request without {@code Authorization} or {@code client-request-id} headers. */
  public static TokenRequest of(String tenant, Map<String, List<String>> form, URI tokenEndpoint) {
    return new TokenRequest(tenant, form, tokenEndpoint, Optional.empty(), Optional.empty());
  }

  /** This request with an {@code Authorization} header. */
  public TokenRequest withAuthorization(String headerValue) {
    return new TokenRequest(tenant, form, tokenEndpoint, Optional.of(headerValue), clientRequestId);
  }

  /** This request with a {@code client-request-id} header. */
  public TokenRequest withClientRequestId(String headerValue) {
    return new TokenRequest(tenant, form, tokenEndpoint, authorization, Optional.of(headerValue));
  }
}
