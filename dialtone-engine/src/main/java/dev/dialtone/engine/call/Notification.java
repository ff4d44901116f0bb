package dev.dialtone.engine.call;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * A notification a bot is owed, written in the same transaction as the change that caused it and
 * delivered later by the dispatcher, in {@code sequence} order per call.
 *
 * @param id stable id (a GUID): the same on every delivery attempt, so a bot can drop duplicates
 * @param callId the call it is about
 * @param sequence its place among the call's notifications; strictly increasing per call
 * @param applicationId the app it is for (the {@code aud} of its signed token)
 * @param tenantId the call's tenant (the token's {@code tid})
 * @param target where it is POSTed: the call's {@code callbackUri}, or the app's calling webhook
 *     for a new incoming call
 * @param chainId what correlates the notifications of one call, sent as {@code
 *     X-Microsoft-Skype-Chain-ID}: the call's {@code callChainId}, or its id if it has none; the
 *     same for every notification of the call
 * @param body the {@code commsNotifications} envelope, exactly as POSTed
 * @param createdAt when the change that caused it was made
 */
public record Notification(
    String id,
    String callId,
    long sequence,
    String applicationId,
    String tenantId,
    URI target,
    String chainId,
    ObjectNode body,
    Instant createdAt) {
  public Notification {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(chainId, "chainId");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
