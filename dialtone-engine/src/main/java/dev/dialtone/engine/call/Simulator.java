package dev.dialtone.engine.call;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.directory.Application;
import dev.dialtone.engine.directory.Behaviour;
import dev.dialtone.engine.directory.ApplicationInstance;
import dev.dialtone.engine.directory.Directory;
import dev.dialtone.engine.directory.PhoneNumber;
import dev.dialtone.engine.directory.User;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Drives the simulated other side of calls by hand, from a test or a terminal: a user or a phone
 * calls a bot; a party answers, declines, is busy or hangs up now. The move goes through the same {@link Lifecycle} step as a
 * scheduled one and replaces the party's scheduled move, so a call behaves the same whether a
 * script or a person drives it.
 */
public final class Simulator {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  /** What a party can be made to do. */
  public enum PartyAction {
    ANSWER(Lifecycle.ANSWER),
    DECLINE(Lifecycle.DECLINE),
    BUSY(Lifecycle.BUSY),
    HANG_UP(Lifecycle.HANG_UP),
    /** Joins the meeting the call is in (meeting calls only). */
    JOIN(Lifecycle.JOIN),
    /** Presses DTMF keys (the keys are given separately). */
    TONES(Lifecycle.TONES);

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
          "'" + text + "' is not a party action; use answer, decline, busy, hang-up, join or tones.");
    }
  }

  private final CallStore store;
  private final Supplier<Directory> directory;
  private final Clock clock;
  private final AfterCommit afterCommit;

  /** @param afterCommit told of each change committed (wakes the dispatcher and the timer loop) */
  public Simulator(CallStore store, Supplier<Directory> directory, Clock clock, AfterCommit afterCommit) {
    this.store = Objects.requireNonNull(store, "store");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.afterCommit = Objects.requireNonNull(afterCommit, "afterCommit");
  }

  /**
   * A user or a phone calls a bot: the app's calling webhook gets the {@code created}
   * notification of an {@code incoming} call, which the bot has 15 s to answer, reject or
   * redirect.
   *
   * @param from the caller: {@code user:{id}} (a directory user) or {@code phone:{+number}}
   * @param to the bot: {@code application:{appId}}, {@code applicationInstance:{objectId}}, or
   *     {@code phone:{+number}} of an application instance
   * @throws EngineException 400 naming what is wrong: an unknown caller or bot, or an app without
   *     a calling webhook
   */
  public Call incomingCall(String from, String to) {
    Directory dir = directory.get();
    Instant now = clock.instant();
    ObjectNode callerIdentity = JSON.objectNode();
    boolean pstn;
    if (from.startsWith("user:")) {
      User user = dir.user(from.substring(5)).orElseThrow(() -> EngineException.invalidRequest(
          "from: '" + from + "' is not a user in the directory."));
      ObjectNode identity = callerIdentity.putObject("user");
      identity.put("@odata.type", "#microsoft.graph.identity");
      identity.put("displayName", user.displayName());
      identity.put("id", user.id());
      identity.put("tenantId", user.tenantId());
      pstn = false;
    } else if (from.startsWith("phone:") && PhoneNumber.isE164(from.substring(6))) {
      ObjectNode identity = callerIdentity.putObject("phone");
      identity.put("@odata.type", "#microsoft.graph.identity");
      identity.put("id", from.substring(6));
      pstn = true;
    } else {
      throw EngineException.invalidRequest(
          "from: '" + from + "' names no caller; use user:{id} or phone:{+E.164 number}.");
    }
    Bot bot = bot(dir, to);
    URI webhook = bot.app().callingWebhook().orElseThrow(() -> EngineException.invalidRequest(
        "Application '" + bot.app().appId() + "' has no calling-webhook in the directory, so it cannot be told of incoming calls."));
    String id = Ids.timeOrdered(now);
    ObjectNode resource = JSON.objectNode();
    resource.put("@odata.type", "#microsoft.graph.call");
    resource.put("state", CallState.INCOMING.wireName());
    resource.put("direction", "incoming");
    resource.put("callbackUri", webhook.toString());
    resource.put("callChainId", UUID.randomUUID().toString());
    ObjectNode source = JSON.objectNode();
    source.set("identity", callerIdentity);
    resource.set("source", CallShape.participantInfo(source));
    ObjectNode target = JSON.objectNode();
    target.set("identity", bot.identity());
    resource.putArray("targets").add(CallShape.invitationParticipantInfo(target));
    resource.putArray("requestedModalities").add("audio");
    resource.putArray("activeModalities");
    resource.putNull("mediaConfig");
    resource.putNull("chatInfo");
    resource.putNull("meetingInfo");
    resource.put("tenantId", bot.tenantId());
    resource.put("myParticipantId", UUID.randomUUID().toString());
    resource.put("id", id);
    CallShape.CALL_NULLS.forEach(name -> CallShape.putNullIfAbsent(resource, name));
    resource.put("@dialtone.scenario", (pstn ? Scenario.PSTN : Scenario.PEER_TO_PEER).name());
    Parties.all(resource).add(Parties.party(from, resource.path("source").path("identity"), Parties.Status.IN_CALL));
    Call call = new Call(id, bot.tenantId(), bot.app().appId(), CallState.INCOMING, now, now, 1, resource);
    CallChange change = Lifecycle.incoming(call, now);
    store.apply(change);
    afterCommit.committed(change);
    return call;
  }

  private record Bot(Application app, String tenantId, ObjectNode identity) {}

  private static Bot bot(Directory dir, String to) {
    ObjectNode identity = JSON.objectNode();
    if (to.startsWith("application:")) {
      Application app = dir.application(to.substring(12)).orElseThrow(() -> EngineException.invalidRequest(
          "to: '" + to + "' is not an application in the directory."));
      ObjectNode member = identity.putObject("application");
      member.put("@odata.type", "#microsoft.graph.identity");
      member.put("displayName", app.displayName());
      member.put("id", app.appId());
      return new Bot(app, app.tenantId(), identity);
    }
    ApplicationInstance instance;
    if (to.startsWith("applicationInstance:")) {
      instance = dir.applicationInstance(to.substring(20)).orElseThrow(() -> EngineException.invalidRequest(
          "to: '" + to + "' is not an application instance in the directory."));
    } else if (to.startsWith("phone:")) {
      instance = dir.contents().applicationInstances().stream()
          .filter(i -> i.phoneNumber().filter(to.substring(6)::equals).isPresent())
          .findFirst()
          .orElseThrow(() -> EngineException.invalidRequest(
              "to: no application instance has the phone number '" + to.substring(6) + "'."));
    } else {
      throw EngineException.invalidRequest(
          "to: '" + to + "' names no bot; use application:{appId}, applicationInstance:{objectId} or phone:{+number}.");
    }
    Application app = dir.application(instance.appId()).orElseThrow();
    ObjectNode member = identity.putObject("applicationInstance");
    member.put("@odata.type", "#microsoft.graph.identity");
    member.put("displayName", instance.displayName());
    member.put("id", instance.objectId());
    return new Bot(app, instance.tenantId(), identity);
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
    return act(callId, party, action, "");
  }

  /**
   * Makes a party act now; {@code tones} are the keys it presses for {@link PartyAction#TONES}
   * ({@code 0-9 * # A-D}).
   */
  public Call act(String callId, String party, PartyAction action, String tones) {
    ObjectNode data = JSON.objectNode();
    data.put("party", party);
    data.put("action", action.wire);
    String timerId = Lifecycle.partyTimerId(callId, party, action.wire);
    if (action == PartyAction.TONES) {
      if (tones.isEmpty()
          || tones.length() > Behaviour.MAX_TONES
          || !tones.chars().allMatch(c -> Behaviour.TONE_KEYS.indexOf(Character.toUpperCase(c)) >= 0)) {
        throw EngineException.invalidRequest(
            "tones: '" + tones + "' must be 1 to " + Behaviour.MAX_TONES + " DTMF keys (" + Behaviour.TONE_KEYS + ").");
      }
      data.put("tones", tones);
    }
    if (action == PartyAction.JOIN) {
      String userId = party.startsWith("user:") ? party.substring(5) : "";
      User user = directory.get().user(userId).orElseThrow(() -> EngineException.notFound(
          "Only directory users join meetings; '" + party + "' is not one (name them user:{id})."));
      ObjectNode identity = data.putObject("identity");
      identity.put("@odata.type", "#microsoft.graph.identitySet");
      ObjectNode member = identity.putObject("user");
      member.put("@odata.type", "#microsoft.graph.identity");
      member.put("displayName", user.displayName());
      member.put("id", user.id());
    }
    Timer move = new Timer(timerId, callId, TimerKind.PARTY_ACTION, clock.instant(), data);
    CallChange change =
        CallChanges.applyWithRetry(
            store,
            callId,
            current -> {
              Call call =
                  current
                      .filter(c -> !c.state().isTerminal())
                      .orElseThrow(() -> EngineException.notFound("No live call '" + callId + "'."));
              if (action != PartyAction.JOIN && Parties.find(call.resourceCopy(), party).isEmpty()) {
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
    afterCommit.committed(change);
    return change.call().orElseThrow();
  }
}
