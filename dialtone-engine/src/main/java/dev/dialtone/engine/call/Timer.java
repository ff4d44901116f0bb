package dev.dialtone.engine.call;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * Something that must happen to a call at a time: a ringing timeout, the answer deadline of an
 * incoming call, the keepAlive expiry, a simulated party's next move. Timers are rows in the
 * store, claimed by whichever worker runs them, so they survive restarts.
 *
 * @param id deterministic per call and purpose ({@code {callId}/{kind}[/{party}]}), so a change can
 *     cancel or replace a timer without reading it first
 * @param callId the call it acts on
 * @param kind what it does
 * @param dueAt when it fires
 * @param data what the kind needs (for a party's move: who and what)
 */
public record Timer(String id, String callId, TimerKind kind, Instant dueAt, ObjectNode data) {
  public Timer {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(dueAt, "dueAt");
    Objects.requireNonNull(data, "data");
  }
}
