package dev.dialtone.server.identity;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * How the {@code iss} of an access token is formed from its tenant: {@code prefix + tid + "/"}. The
 * default is Azure AD's v1 form, {@code https://sts.windows.net/{tid}/}, which is what Graph's
 * app-only tokens carry; a server may use its own URL instead ({@link #under(URI)}). The token
 * issuer, the verifier and the OpenID configuration must share one policy.
 *
 * @param prefix an absolute {@code http} or {@code https} URI ending in {@code /}
 */
public record IssuerPolicy(String prefix) {

  public IssuerPolicy {
    Objects.requireNonNull(prefix, "prefix");
    URI uri;
    try {
      uri = new URI(prefix);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("issuer prefix is not a URI: '" + prefix + "'", e);
    }
    if (!("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
        || uri.getHost() == null
        || !prefix.endsWith("/")
        || uri.getQuery() != null
        || uri.getFragment() != null) {
      throw new IllegalArgumentException(
          "issuer prefix must be an absolute http(s) URI ending in '/', without query or fragment,"
              + " e.g. https://sts.windows.net/; got '"
              + prefix
              + "'");
    }
  }

  /** Azure AD's v1 issuer form, {@code https://sts.windows.net/{tid}/}. */
  public static IssuerPolicy azureAdV1() {
    return new IssuerPolicy("https://sts.windows.net/");
  }

  /** Issuers under this server's own URL: {@code {base}/{tid}/}. A trailing slash is ignored. */
  public static IssuerPolicy under(URI base) {
    String text = base.toString();
    return new IssuerPolicy(text.endsWith("/") ? text : text + "/");
  }

  /** The issuer of tokens for this tenant. */
  public String issuerFor(String tenantId) {
    return prefix + tenantId + "/";
  }
}
