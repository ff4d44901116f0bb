package dev.dialtone.engine.call;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.EngineException;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;

/**
 * Drives the simulated other side of a call by hand, from a test or a terminal: a party answers,
 * declines, is busy or hangs up now. The move goes through the same {@link Lifecycle} step as a
 * scheduled one and replaces the party's scheduled move, so a call behaves the same whether a
 * script or a person drives it.
 */
public final class Simulator {
  /** What a party can be made to do. */
  public enum PartyAction {
    ANSWER(Lifecycle.ANSWER),
    DECLINE(Lifecycle.DECLINE),
    BUSY(Lifecycle.BUSY),
    HANG_UP(Lifecycle.HANG_UP);

    private final String wire;

    PartyAction(String wire) {
      this.wire = wire;
    }

    /** Parses {@code answer}, {@code decline}, {@code busy}, {@code hang-up} (or {@code hangUp}). */
    public static PartyAction parse(String text) {
      String normal = text.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
      for (PartyAction action : values()) {
        if (action.name().toLowerCase(Locale.ROOT).replace("_", "").equals(normal)) {
          return action;
        }
      }
      throw EngineException.invalidRequest(
          "'" + text + "' is not a party action; use answer, decline, busy or hang-up.");
    }
  }

  private final CallStore store;
  private final Clock clock;
  private final Runnable afterCommit;

  public Simulator(CallStore store, Clock clock, Runnable afterCommit) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.afterCommit = Objects.requireNonNull(afterCommit, "afterCommit");
  }

  /**
   * Makes a party of a live call act now.
   *
   * @param party the party's key: {@code user:{id}}, {@code phone:{number}}, {@code
   *     application:{id}}
   * @throws EngineException 404 if the call is not live or has no such party; 409 if the party
   *     cannot do that now (answering a call it already answered)
   */
  public Call act(String callId, String party, PartyAction action) {
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    data.put("party", party);
    data.put("action", action.wire);
    Timer move = new Timer(callId + "/party/" + party, callId, TimerKind.PARTY_ACTION, clock.instant(), data);
    CallChange change =
        CallChanges.applyWithRetry(
            store,
            callId,
            current -> {
              Call call =
                  current
                      .filter(c -> !c.state().isTerminal())
                      .orElseThrow(() -> EngineException.notFound("No live call '" + callId + "'."));
              if (Parties.find(call.resourceCopy(), party).isEmpty()) {
                throw EngineException.notFound(
                    "Call '" + callId + "' has no party '" + party + "'; parties are named like user:{id} or phone:{number}.");
              }
              CallChange next = Lifecycle.fire(call, move, clock.instant());
              if (next.call().isEmpty()) {
                throw new EngineException(
                    dev.dialtone.engine.Failure.CONFLICT,
                    "invalidPartyState",
                    "Party '" + party + "' of call '" + callId + "' cannot " + action.wire + " now.");
              }
              return next;
            });
    afterCommit.run();
    return change.call().orElseThrow();
  }
}
