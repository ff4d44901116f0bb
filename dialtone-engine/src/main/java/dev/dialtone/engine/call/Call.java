package dev.dialtone.engine.call;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A call as the engine stores it: the indexed facts and the Graph representation.
 *
 * <p>{@code resource} is the call's JSON exactly as {@code GET /communications/calls/{id}} returns
 * it (without {@code @odata.context}): every property the client sent, open-type extras included,
 * plus the server-computed ones. It is kept consistent with {@code state}. Treat it as immutable:
 * copy before changing ({@link #resourceCopy()}).
 *
 * @param id the call id (a GUID)
 * @param tenantId the tenant the call belongs to
 * @param applicationId the app id of the application that owns the call
 * @param state the current state
 * @param createdAt when the call was created
 * @param updatedAt when the call last changed
 * @param version 1 when created, incremented by every change (optimistic concurrency)
 * @param resource the Graph representation
 */
public record Call(
    String id,
    String tenantId,
    String applicationId,
    CallState state,
    Instant createdAt,
    Instant updatedAt,
    long version,
    ObjectNode resource) {

  public Call {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(resource, "resource");
    if (version < 1) {
      throw new IllegalArgumentException("version starts at 1, got " + version);
    }
  }

  /** A deep copy of the representation, safe to change. */
  public ObjectNode resourceCopy() {
    return resource.deepCopy();
  }
}
