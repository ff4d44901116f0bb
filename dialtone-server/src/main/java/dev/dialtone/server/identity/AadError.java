package dev.dialtone.server.identity;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The Azure AD errors the token endpoint answers with: the AADSTS code, the OAuth error, the HTTP
 * status and the message template, with Azure AD's wording where it is known. Where Azure AD has no
 * error for a rule (two client credentials at once), {@link #INVALID_REQUEST} (AADSTS90023, its
 * generic "invalid request") carries a specific message.
 */
enum AadError {
  TENANT_NOT_FOUND(
      90002,
      "invalid_tenant",
      400,
      "Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing"
          + " into the correct cloud. Check with your subscription administrator, this may happen"
          + " if there are no active subscriptions for the tenant."),
  /** {@code common}, {@code organizations} or {@code consumers}: no tenant to issue a token for. */
  NO_TENANT(
      50059,
      "invalid_request",
      400,
      "No tenant-identifying information found in either the request or implied by any provided"
          + " credentials. The client credentials flow needs a tenant-specific endpoint:"
          + " /{tenant-id}/oauth2/v2.0/token, not /%s/oauth2/v2.0/token."),
  MISSING_PARAMETER(
      900144,
      "invalid_request",
      400,
      "The request body must contain the following parameter: '%s'."),
  INVALID_REQUEST(90023, "invalid_request", 400, "%s"),
  UNSUPPORTED_GRANT_TYPE(
      70003,
      "unsupported_grant_type",
      400,
      "The app requested an unsupported grant type '%s'. This server issues tokens for the"
          + " 'client_credentials' grant only."),
  MISSING_SCOPE(
      90014,
      "invalid_request",
      400,
      "The required field 'scope' is missing from the credential. Ensure that you have all the"
          + " necessary parameters for the login request."),
  SCOPE_NOT_DEFAULT(
      1002012,
      "invalid_scope",
      400,
      "The provided value for scope %s is not valid. Client credential flows must have a scope"
          + " value with /.default suffixed to the resource identifier (application ID URI)."),
  RESOURCE_NOT_FOUND(
      500011,
      "invalid_resource",
      400,
      "The resource principal named %s was not found in the tenant named %s. This can happen if the"
          + " application has not been installed by the administrator of the tenant or consented"
          + " to by any user in the tenant. You might have sent your authentication request to the"
          + " wrong tenant."),
  APPLICATION_NOT_FOUND(
      700016,
      "unauthorized_client",
      400,
      "Application with identifier '%s' was not found in the directory '%s'. This can happen if"
          + " the application has not been installed by the administrator of the tenant or"
          + " consented to by any user in the tenant. You may have sent your authentication request"
          + " to the wrong tenant."),
  MISSING_SERVICE_PRINCIPAL(
      7000229,
      "invalid_client",
      401,
      "The client application %s is missing service principal in the tenant %s. See instructions"
          + " here: https://go.microsoft.com/fwlink/?linkid=2225119"),
  MISSING_CREDENTIALS(
      7000216,
      "invalid_client",
      401,
      "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials'"
          + " grant type."),
  INVALID_CLIENT_SECRET(
      7000215,
      "invalid_client",
      401,
      "Invalid client secret provided. Ensure the secret being sent in the request is the client"
          + " secret value, not the client secret ID, for a secret added to app '%s'."),
  UNEXPECTED_ASSERTION_TYPE(
      90011,
      "invalid_request",
      400,
      "Unexpected client assertion type '%s'. The only one supported is"
          + " 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'."),
  MALFORMED_ASSERTION(50027, "invalid_request", 400, "JWT token is invalid or malformed. %s"),
  ASSERTION_INVALID_SIGNATURE(
      700027,
      "invalid_client",
      401,
      "Client assertion contains an invalid signature. [Reason - %s, Thumbprint of key used by"
          + " client: '%s', Please check the certificates configured for app Id '%s' in the"
          + " directory.]"),
  ASSERTION_WRONG_CLIENT(
      700021,
      "invalid_client",
      401,
      "Client assertion application identifier doesn't match 'client_id' parameter. Review the"
          + " documentation at"
          + " https://learn.microsoft.com/entra/identity-platform/certificate-credentials ."),
  ASSERTION_WRONG_AUDIENCE(
      700023,
      "invalid_client",
      401,
      "Client assertion audience claim does not match Realm issuer. The audience must be the token"
          + " endpoint '%s'. Review the documentation at"
          + " https://learn.microsoft.com/entra/identity-platform/certificate-credentials ."),
  ASSERTION_OUT_OF_TIME_RANGE(
      700024,
      "invalid_client",
      401,
      "Client assertion is not within its valid time range. Current time: %s, assertion valid"
          + " from %s, expiry time of assertion %s. Review the documentation at"
          + " https://learn.microsoft.com/entra/identity-platform/certificate-credentials .");

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final int code;
  private final String error;
  private final int httpStatus;
  private final String template;

  AadError(int code, String error, int httpStatus, String template) {
    this.code = code;
    this.error = error;
    this.httpStatus = httpStatus;
    this.template = template;
  }

  int code() {
    return code;
  }

  /** This error as a response, its message made from the template and the arguments. */
  TokenResponse.Failure toResponse(
      Instant now, String traceId, String correlationId, Object... arguments) {
    String timestamp = TIMESTAMP.format(now);
    String description =
        "AADSTS"
            + code
            + ": "
            + String.format(Locale.ROOT, template, arguments)
            + "\r\nTrace ID: "
            + traceId
            + "\r\nCorrelation ID: "
            + correlationId
            + "\r\nTimestamp: "
            + timestamp;
    return new TokenResponse.Failure(
        httpStatus,
        error,
        description,
        List.of(code),
        timestamp,
        traceId,
        correlationId,
        "https://login.microsoftonline.com/error?code=" + code);
  }
}
