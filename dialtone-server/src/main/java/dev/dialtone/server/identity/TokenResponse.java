package dev.dialtone.server.identity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/**
 * The answer to a token request: a {@link Success} or a {@link Failure}, each with the HTTP status
 * and the JSON body Azure AD's v2 token endpoint sends. The records serialise with Jackson to
 * exactly that body ({@link #toJson()} does it). Azure AD also sends {@code Cache-Control:
 * no-store, no-cache} and {@code Pragma: no-cache} with both, which the edge should copy.
 */
public sealed interface TokenResponse permits TokenResponse.Success, TokenResponse.Failure {

  /** 200 for a success, 400 or 401 for a failure. */
  int httpStatus();

  /** The response body, in Azure AD's member order. */
  String toJson();

  /**
   * A token was issued: {@code {"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,
   * "access_token":"…"}}.
   *
   * @param tokenType always {@code Bearer}
   * @param expiresIn seconds until the token's {@code exp}
   * @param extExpiresIn the same (Azure AD's extended lifetime applies only during its outages)
   * @param accessToken the signed JWT
   */
  @JsonPropertyOrder({"token_type", "expires_in", "ext_expires_in", "access_token"})
  record Success(
      @JsonProperty("token_type") String tokenType,
      @JsonProperty("expires_in") long expiresIn,
      @JsonProperty("ext_expires_in") long extExpiresIn,
      @JsonProperty("access_token") String accessToken)
      implements TokenResponse {

    public Success {
      if (!"Bearer".equals(tokenType)) {
        throw new IllegalArgumentException("token_type is always Bearer, got '" + tokenType + "'");
      }
      Objects.requireNonNull(accessToken, "accessToken");
    }

    @Override
    public int httpStatus() {
      return 200;
    }

    @Override
    public String toJson() {
      return JsonText.write(this);
    }
  }

  /**
   * The request was refused, in Azure AD's error shape: {@code {"error":"invalid_client",
   * "error_description":"AADSTS7000215: …\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …",
   * "error_codes":[7000215],"timestamp":"2024-05-01 10:00:00Z","trace_id":"…",
   * "correlation_id":"…","error_uri":"https://login.microsoftonline.com/error?code=7000215"}}.
   *
   * @param httpStatus 400, or 401 for a client that failed to authenticate ({@code invalid_client})
   * @param error the OAuth 2.0 error code
   * @param errorDescription {@code AADSTS<code>: <message>} followed by the trace, correlation and
   *     time lines
   * @param errorCodes the AADSTS code(s)
   * @param timestamp UTC, {@code yyyy-MM-dd HH:mm:ssZ}
   * @param traceId a new GUID per response
   * @param correlationId the request's {@code client-request-id} if it was a GUID, else a new GUID
   * @param errorUri Azure AD's page for the code
   */
  @JsonPropertyOrder({
    "error",
    "error_description",
    "error_codes",
    "timestamp",
    "trace_id",
    "correlation_id",
    "error_uri"
  })
  record Failure(
      @JsonIgnore int httpStatus,
      @JsonProperty("error") String error,
      @JsonProperty("error_description") String errorDescription,
      @JsonProperty("error_codes") List<Integer> errorCodes,
      @JsonProperty("timestamp") String timestamp,
      @JsonProperty("trace_id") String traceId,
      @JsonProperty("correlation_id") String correlationId,
      @JsonProperty("error_uri") String errorUri)
      implements TokenResponse {

    public Failure {
      if (httpStatus != 400 && httpStatus != 401) {
        throw new IllegalArgumentException(
            "a token error is answered with 400 or 401, got " + httpStatus);
      }
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(errorDescription, "errorDescription");
      errorCodes = List.copyOf(errorCodes);
      if (errorCodes.isEmpty()) {
        throw new IllegalArgumentException("a token error carries at least one AADSTS code");
      }
      Objects.requireNonNull(timestamp, "timestamp");
      Objects.requireNonNull(traceId, "traceId");
      Objects.requireNonNull(correlationId, "correlationId");
      Objects.requireNonNull(errorUri, "errorUri");
    }

    /** The first AADSTS code, e.g. {@code 7000215}. */
    @JsonIgnore
    public int errorCode() {
      return errorCodes.get(0);
    }

    @Override
    public String toJson() {
      return JsonText.write(this);
    }
  }
}
