package dev.dialtone.engine.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.directory.Behaviour;
import dev.dialtone.engine.directory.Directory;
import dev.dialtone.engine.directory.OnlineMeeting;
import dev.dialtone.engine.directory.User;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The call's life after it is created: the other side rings, answers, declines, hangs up; timers
 * expire; the bot hangs up. Each step is a pure function from the stored call to a {@link
 * CallChange}: the new call, the notifications the bot is owed, the timers to schedule or cancel.
 * The caller commits the change atomically, so a notification exists if and only if the state
 * change that caused it does.
 *
 * <p>Parties and their simulated behaviour are read from the directory once, when the call starts,
 * and kept with the call; changing the directory later does not change calls in flight.
 *
 * <p>Result codes of the ends (the call-end table of the Graph docs where one fits):
 *
 * <table>
 *   <tr><th>end</th><th>resultInfo</th></tr>
 *   <tr><td>the bot hangs up (DELETE)</td><td>200/5001 The conversation has ended.</td></tr>
 *   <tr><td>the other party of a peer-to-peer call hangs up</td><td>200/4521</td></tr>
 *   <tr><td>the PSTN party hangs up</td><td>200/540000</td></tr>
 *   <tr><td>every other party of a group call or meeting left</td><td>200/5002</td></tr>
 *   <tr><td>nobody answered before the ringing timeout</td><td>408/8544 Callee could not be reached.</td></tr>
 *   <tr><td>the callee declined (no documented code; SIP's)</td><td>603/0</td></tr>
 *   <tr><td>the callee is busy (no documented code; SIP's)</td><td>486/0</td></tr>
 *   <tr><td>no keepAlive for 45 minutes</td><td>408/8537</td></tr>
 * </table>
 */
final class Lifecycle {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  static final Duration DEFAULT_RINGING_TIMEOUT = Duration.ofSeconds(60);
  static final Duration MAX_RINGING_TIMEOUT = Duration.ofSeconds(115);
  static final Duration KEEP_ALIVE_WINDOW = Duration.ofMinutes(45);
  /** How long the meeting takes to let a joining bot in. */
  static final Duration MEETING_ADMISSION = Duration.ofMillis(300);

  static final String ANSWER = "answer";
  static final String DECLINE = "decline";
  static final String BUSY = "busy";
  static final String HANG_UP = "hangUp";
  static final String ADMIT = "admit";
  static final String TONES = "tones";
  static final String JOIN = "join";
  /** How long an incoming call may ring before the bot answers, rejects or redirects it. */
  static final Duration ANSWER_WINDOW = Duration.ofSeconds(15);

  private Lifecycle() {}

  // ---- start ------------------------------------------------------------------------------

  /**
   * The change that creates an outgoing call: its parties, the {@code establishing}
   * notification, the parties' first moves, the ringing timeout and the keepAlive expiry.
   *
   * @param created the call just made, whose resource nothing else holds yet: it is completed in
   *     place (the scenario, the parties) and becomes the change's call's, rather than copied
   */
  static CallChange start(Call created, Scenario scenario, Directory directory, Instant now) {
    ObjectNode resource = created.resource();
    resource.put("@dialtone.scenario", scenario.name());
    List<Timer> timers = new ArrayList<>();
    var parties = Parties.all(resource);
    if (scenario == Scenario.MEETING_JOIN) {
      meeting(resource, directory)
          .ifPresent(
              meeting -> {
                for (String userId : meeting.participants()) {
                  directory
                      .user(userId)
                      .ifPresent(user -> parties.add(
                          Parties.party("user:" + user.id(), userIdentity(user), Parties.Status.IN_CALL)));
                }
              });
      timers.add(partyTimer(created.id(), "meeting", ADMIT, now.plus(MEETING_ADMISSION)));
    } else {
      for (JsonNode target : resource.path("targets")) {
        JsonNode identity = target.path("identity");
        String key = partyKey(identity);
        ObjectNode party = Parties.party(key, identity, Parties.Status.RINGING);
        Behaviour behaviour = behaviour(key, directory);
        party.put("hangUpAfterMs", behaviour.hangUpAfter().map(Duration::toMillis).orElse(-1L));
        party.put("tones", behaviour.tones());
        parties.add(party);
        firstMove(behaviour)
            .ifPresent(action -> timers.add(partyTimer(created.id(), key, action, now.plus(behaviour.after()))));
      }
      timers.add(
          new Timer(
              created.id() + "/ringing", created.id(), TimerKind.RINGING_TIMEOUT,
              now.plus(ringingTimeout(resource)), JSON.objectNode()));
    }
    timers.add(keepAliveTimer(created.id(), now));
    Call call = withResource(created, resource);
    CallNotifications notifications = new CallNotifications(call, now);
    return new CallChange(
        Optional.of(call), List.of(notifications.state()), timers, List.of(), false);
  }

  static Timer keepAliveTimer(String callId, Instant now) {
    return new Timer(
        callId + "/keepalive", callId, TimerKind.KEEP_ALIVE_EXPIRY, now.plus(KEEP_ALIVE_WINDOW), JSON.objectNode());
  }

  // ---- events -----------------------------------------------------------------------------

  /** What a due timer does to the call. */
  static CallChange fire(Call call, Timer timer, Instant now) {
    if (call.state().isTerminal()) {
      return CallChange.cancelling(List.of(timer.id()));
    }
    return switch (timer.kind()) {
      case PARTY_ACTION -> partyAction(call, timer, now);
      case RINGING_TIMEOUT -> ringingTimedOut(call, timer, now);
      case KEEP_ALIVE_EXPIRY ->
          terminate(call, call.resourceCopy(), now, 408, 8537, "Keep Alive timeout, cleaned up inactive call", false);
      case ANSWER_DEADLINE ->
          call.state() == CallState.INCOMING
              ? terminate(call, call.resourceCopy(), now, 408, 1106,
                  "Call acceptance was not acknowledged in time.", false)
              : CallChange.cancelling(List.of(timer.id()));
    };
  }

  // ---- incoming calls -------------------------------------------------------------------

  /**
   * The change that brings an incoming call to the bot: the {@code created} notification to the
   * app's calling webhook, and the 15-second answer deadline.
   */
  static CallChange incoming(Call call, Instant now) {
    Timer deadline =
        new Timer(call.id() + "/answer-deadline", call.id(), TimerKind.ANSWER_DEADLINE,
            now.plus(ANSWER_WINDOW), JSON.objectNode());
    return new CallChange(
        Optional.of(call), List.of(new CallNotifications(call, now).created()), List.of(deadline), List.of(), false);
  }

  /**
   * The bot answers: the call is {@code establishing} at the answer's callbackUri, and becomes
   * {@code established} a moment later when the media connect.
   */
  static CallChange answer(Call call, ObjectNode answer, Instant now) {
    ObjectNode resource = call.resourceCopy();
    resource.put("callbackUri", answer.path("callbackUri").asText());
    resource.set("mediaConfig", answer.path("mediaConfig").deepCopy());
    if (answer.hasNonNull("acceptedModalities")) {
      resource.set("activeModalities", answer.get("acceptedModalities").deepCopy());
    }
    Call establishing = withState(call, resource, CallState.ESTABLISHING, now);
    return new CallChange(
        Optional.of(establishing),
        List.of(new CallNotifications(establishing, now).state()),
        List.of(partyTimer(call.id(), "media", ADMIT, now.plus(MEETING_ADMISSION)), keepAliveTimer(call.id(), now)),
        List.of(call.id() + "/answer-deadline"),
        false);
  }

  /** The bot rejects: the call ends at once ({@code busy} as 486, otherwise 603). */
  static CallChange reject(Call call, ObjectNode reject, Instant now) {
    ObjectNode resource = call.resourceCopy();
    if (reject.hasNonNull("callbackUri")) {
      resource.put("callbackUri", reject.get("callbackUri").asText());
    }
    boolean busy = reject.path("reason").asText("none").equalsIgnoreCase("busy");
    return terminate(call, resource, now, busy ? 486 : 603, 0,
        busy ? "The call was rejected as busy." : "The call was rejected.", false);
  }

  /** The bot redirects the call to other targets: it leaves the bot ({@code redirecting}, then ended). */
  static CallChange redirect(Call call, ObjectNode redirect, Instant now) {
    ObjectNode resource = call.resourceCopy();
    if (redirect.hasNonNull("callbackUri")) {
      resource.put("callbackUri", redirect.get("callbackUri").asText());
    }
    call.state().moveTo(CallState.REDIRECTING);
    CallChange ended = terminate(call, resource, now, 302, 0, "The call was redirected.", false);
    Call terminated = ended.call().orElseThrow();
    CallNotifications n = new CallNotifications(terminated, now);
    return new CallChange(
        ended.call(), List.of(n.passingState(CallState.REDIRECTING), n.state()), List.of(), List.of(), true);
  }

  /** The bot hangs up: {@code terminating}, then {@code terminated}. */
  static CallChange hangUp(Call call, Instant now) {
    // A call still ringing (incoming, or redirecting) ends at once, without terminating.
    boolean viaTerminating = call.state().allowedNext().contains(CallState.TERMINATING);
    return terminate(call, call.resourceCopy(), now, 200, 5001, "The conversation has ended.", viaTerminating);
  }

  private static CallChange partyAction(Call call, Timer timer, Instant now) {
    String key = timer.data().path("party").asText();
    String action = timer.data().path("action").asText();
    ObjectNode resource = call.resourceCopy();
    Scenario scenario = scenario(resource);
    if (action.equals(ADMIT)) {
      if (call.state() != CallState.ESTABLISHING) {
        return CallChange.cancelling(List.of(timer.id()));
      }
      Call established = withState(call, resource, CallState.ESTABLISHED, now);
      CallNotifications n = new CallNotifications(established, now);
      List<Notification> notifications = new ArrayList<>(List.of(n.state()));
      if (scenario.hasRoster()) {
        notifications.add(n.roster(Parties.roster(resource)));
      }
      return change(established, notifications, List.of(), List.of(timer.id()));
    }
    Optional<ObjectNode> found = Parties.find(resource, key);
    if (action.equals(JOIN)) {
      return join(call, resource, scenario, found, timer, now);
    }
    if (found.isEmpty()) {
      return CallChange.cancelling(List.of(timer.id()));
    }
    ObjectNode party = found.get();
    Parties.Status status = Parties.status(party);
    switch (action) {
      case ANSWER -> {
        if (status != Parties.Status.RINGING) {
          return CallChange.cancelling(List.of(timer.id()));
        }
        party.put("status", Parties.Status.IN_CALL.wire());
        List<Timer> timers = new ArrayList<>();
        long hangUpAfter = party.path("hangUpAfterMs").asLong(-1);
        if (hangUpAfter >= 0) {
          timers.add(partyTimer(call.id(), key, HANG_UP, now.plusMillis(hangUpAfter)));
        }
        String tones = party.path("tones").asText("");
        if (!tones.isEmpty()) {
          timers.add(tonesTimer(call.id(), key, tones, now.plusSeconds(1)));
        }
        List<String> cancelled = new ArrayList<>(List.of(timer.id()));
        if (Parties.count(resource, Parties.Status.RINGING) == 0) {
          cancelled.add(call.id() + "/ringing");
        }
        boolean wasEstablishing = call.state() == CallState.ESTABLISHING;
        Call next = wasEstablishing ? withState(call, resource, CallState.ESTABLISHED, now) : withResource(call, resource, now);
        CallNotifications n = new CallNotifications(next, now);
        List<Notification> notifications = new ArrayList<>();
        if (wasEstablishing) {
          notifications.add(n.state());
        }
        if (scenario.hasRoster()) {
          notifications.add(n.roster(Parties.roster(resource)));
        }
        return change(next, notifications, timers, cancelled);
      }
      case TONES -> {
        if (status != Parties.Status.IN_CALL || call.state() != CallState.ESTABLISHED) {
          return CallChange.cancelling(List.of(timer.id()));
        }
        long sequence = resource.path("@dialtone.toneSequence").asLong(0);
        List<String> pressed = new ArrayList<>();
        for (char key2 : timer.data().path("tones").asText("").toCharArray()) {
          pressed.add(toneMember(key2));
        }
        resource.put("@dialtone.toneSequence", sequence + pressed.size());
        ObjectNode lastTone = JSON.objectNode();
        lastTone.put("@odata.type", "#microsoft.graph.toneInfo");
        lastTone.put("sequenceId", sequence + pressed.size());
        lastTone.put("tone", pressed.isEmpty() ? "tone0" : pressed.get(pressed.size() - 1));
        resource.set("toneInfo", lastTone);
        Call next = withResource(call, resource, now);
        CallNotifications n = new CallNotifications(next, now);
        List<Notification> notifications = new ArrayList<>();
        for (int i = 0; i < pressed.size(); i++) {
          notifications.add(n.tone(sequence + i + 1, pressed.get(i)));
        }
        return change(next, notifications, List.of(), List.of(timer.id()));
      }
      case DECLINE, BUSY -> {
        if (status != Parties.Status.RINGING) {
          return CallChange.cancelling(List.of(timer.id()));
        }
        boolean busy = action.equals(BUSY);
        party.put("status", (busy ? Parties.Status.BUSY : Parties.Status.DECLINED).wire());
        return afterPartyLost(call, resource, scenario, timer, now,
            busy ? 486 : 603, 0, busy ? "The callee is busy." : "The callee declined the call.");
      }
      case HANG_UP -> {
        if (status != Parties.Status.IN_CALL) {
          return CallChange.cancelling(List.of(timer.id()));
        }
        party.put("status", Parties.Status.LEFT.wire());
        if (scenario == Scenario.PEER_TO_PEER || scenario == Scenario.PSTN) {
          return terminate(call, resource, now, 200,
              scenario == Scenario.PSTN ? 540000 : 4521,
              scenario == Scenario.PSTN ? "The PSTN user hung up." : "The other participant ended the call.", false);
        }
        if (Parties.count(resource, Parties.Status.IN_CALL) == 0) {
          return terminate(call, resource, now, 200, 5002, "All other participants left the call.", false);
        }
        Call next = withResource(call, resource, now);
        return change(next, List.of(new CallNotifications(next, now).roster(Parties.roster(resource))), List.of(), List.of(timer.id()));
      }
      default -> {
        return CallChange.cancelling(List.of(timer.id()));
      }
    }
  }

  /** Someone joins a meeting the bot is in: the roster grows. */
  private static CallChange join(
      Call call, ObjectNode resource, Scenario scenario, Optional<ObjectNode> found, Timer timer, Instant now) {
    if (scenario != Scenario.MEETING_JOIN) {
      return CallChange.cancelling(List.of(timer.id()));
    }
    if (found.isPresent()) {
      if (Parties.status(found.get()) == Parties.Status.IN_CALL) {
        return CallChange.cancelling(List.of(timer.id()));
      }
      found.get().put("status", Parties.Status.IN_CALL.wire());
    } else {
      Parties.all(resource).add(
          Parties.party(timer.data().path("party").asText(), timer.data().path("identity"), Parties.Status.IN_CALL));
    }
    Call next = withResource(call, resource, now);
    List<Notification> notifications =
        call.state() == CallState.ESTABLISHED
            ? List.of(new CallNotifications(next, now).roster(Parties.roster(resource)))
            : List.of();
    return change(next, notifications, List.of(), List.of(timer.id()));
  }

  /** The {@code tone} enum member of a DTMF key. */
  static String toneMember(char key) {
    return switch (Character.toUpperCase(key)) {
      case '*' -> "star";
      case '#' -> "pound";
      case 'A', 'B', 'C', 'D' -> String.valueOf(Character.toLowerCase(key));
      default -> "tone" + key;
    };
  }

  /** A party declined or was busy: the call ends if nobody is left to answer or talk to. */
  private static CallChange afterPartyLost(
      Call call, ObjectNode resource, Scenario scenario, Timer timer, Instant now, int code, int subcode, String message) {
    boolean nobodyLeft =
        Parties.count(resource, Parties.Status.RINGING) == 0
            && Parties.count(resource, Parties.Status.IN_CALL) == 0;
    if (nobodyLeft) {
      return terminate(call, resource, now, code, subcode, message, false);
    }
    return change(withResource(call, resource, now), List.of(), List.of(), List.of(timer.id()));
  }

  private static CallChange ringingTimedOut(Call call, Timer timer, Instant now) {
    ObjectNode resource = call.resourceCopy();
    List<String> cancelled = new ArrayList<>(List.of(timer.id()));
    for (JsonNode party : Parties.all(resource)) {
      if (Parties.status(party) == Parties.Status.RINGING) {
        ((ObjectNode) party).put("status", Parties.Status.UNREACHABLE.wire());
        for (String move : List.of(ANSWER, DECLINE, BUSY)) {
          cancelled.add(partyTimerId(call.id(), party.path("key").asText(), move));
        }
      }
    }
    if (Parties.count(resource, Parties.Status.IN_CALL) == 0) {
      return terminate(call, resource, now, 408, 8544, "Callee could not be reached.", false);
    }
    return change(withResource(call, resource, now), List.of(), List.of(), cancelled);
  }

  /**
   * Ends the call: {@code resource} is the call's representation with this step's other changes
   * (a party that left), to which the result is added; the version moves by one.
   */
  private static CallChange terminate(
      Call call,
      ObjectNode resource,
      Instant now,
      int code,
      int subcode,
      String message,
      boolean passTerminating) {
    ObjectNode resultInfo = JSON.objectNode();
    resultInfo.put("@odata.type", "#microsoft.graph.resultInfo");
    resultInfo.put("code", code);
    resultInfo.put("subcode", subcode);
    resultInfo.put("message", message);
    resource.set("resultInfo", resultInfo);
    if (passTerminating) {
      call.state().moveTo(CallState.TERMINATING);
    }
    Call ended = withState(call, resource, CallState.TERMINATED, now);
    CallNotifications n = new CallNotifications(ended, now);
    List<Notification> notifications = new ArrayList<>();
    if (passTerminating) {
      notifications.add(n.passingState(CallState.TERMINATING));
    }
    notifications.add(n.state());
    return new CallChange(Optional.of(ended), notifications, List.of(), List.of(), true);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static CallChange change(Call call, List<Notification> notifications, List<Timer> timers, List<String> cancelled) {
    return new CallChange(Optional.of(call), notifications, timers, cancelled, false);
  }

  private static Call withState(Call call, ObjectNode resource, CallState next, Instant now) {
    CallState state = call.state().moveTo(next);
    resource.put("state", state.wireName());
    return new Call(call.id(), call.tenantId(), call.applicationId(), state, call.createdAt(), now, call.version() + 1, resource);
  }

  private static Call withResource(Call call, ObjectNode resource, Instant now) {
    return new Call(call.id(), call.tenantId(), call.applicationId(), call.state(), call.createdAt(), now, call.version() + 1, resource);
  }

  /** The call as first stored: same version, parties added. */
  private static Call withResource(Call call, ObjectNode resource) {
    return new Call(call.id(), call.tenantId(), call.applicationId(), call.state(), call.createdAt(), call.updatedAt(), call.version(), resource);
  }

  static Scenario scenario(ObjectNode resource) {
    return Scenario.valueOf(resource.path("@dialtone.scenario").asText(Scenario.PEER_TO_PEER.name()));
  }

  private static Timer partyTimer(String callId, String party, String action, Instant due) {
    ObjectNode data = JSON.objectNode();
    data.put("party", party);
    data.put("action", action);
    return new Timer(partyTimerId(callId, party, action), callId, TimerKind.PARTY_ACTION, due, data);
  }

  /**
   * A party's move has an id of its own per action, so a late firing of one move (say an answer
   * the simulator already made) cannot cancel the move that replaced it (the hang-up it scheduled).
   */
  static String partyTimerId(String callId, String party, String action) {
    return callId + "/party/" + party + "/" + action;
  }

  /** A party presses keys; its own id, so it does not replace the party's next move. */
  static Timer tonesTimer(String callId, String party, String tones, Instant due) {
    ObjectNode data = JSON.objectNode();
    data.put("party", party);
    data.put("action", TONES);
    data.put("tones", tones);
    return new Timer(partyTimerId(callId, party, TONES), callId, TimerKind.PARTY_ACTION, due, data);
  }

  private static Optional<String> firstMove(Behaviour behaviour) {
    return switch (behaviour.response()) {
      case ANSWER -> Optional.of(ANSWER);
      case DECLINE -> Optional.of(DECLINE);
      case BUSY -> Optional.of(BUSY);
      case NO_ANSWER -> Optional.empty();
    };
  }

  private static Behaviour behaviour(String key, Directory directory) {
    if (key.startsWith("user:")) {
      return directory.user(key.substring(5)).map(User::behaviour).orElse(Behaviour.DEFAULT);
    }
    if (key.startsWith("phone:")) {
      return directory.phone(key.substring(6)).map(p -> p.behaviour()).orElse(Behaviour.DEFAULT);
    }
    return Behaviour.DEFAULT;
  }

  static String partyKey(JsonNode identity) {
    for (String kind : List.of("user", "phone", "application", "applicationInstance", "guest")) {
      JsonNode member = identity.get(kind);
      if (member != null && !member.isNull()) {
        return kind + ":" + member.path("id").asText();
      }
    }
    return "unknown:" + identity.toString().hashCode();
  }

  private static Duration ringingTimeout(ObjectNode resource) {
    JsonNode seconds = resource.get("ringingTimeoutInSeconds");
    if (seconds != null && seconds.canConvertToInt() && seconds.asInt() > 0) {
      Duration requested = Duration.ofSeconds(seconds.asInt());
      return requested.compareTo(MAX_RINGING_TIMEOUT) > 0 ? MAX_RINGING_TIMEOUT : requested;
    }
    return DEFAULT_RINGING_TIMEOUT;
  }

  private static Optional<OnlineMeeting> meeting(ObjectNode resource, Directory directory) {
    String threadId = resource.path("chatInfo").path("threadId").asText("");
    Optional<OnlineMeeting> byThread = directory.meetingByChatThread(threadId);
    if (byThread.isPresent()) {
      return byThread;
    }
    return directory.meetingByJoinId(resource.path("meetingInfo").path("joinMeetingId").asText(""));
  }

  private static ObjectNode userIdentity(User user) {
    ObjectNode set = JSON.objectNode();
    set.put("@odata.type", "#microsoft.graph.identitySet");
    ObjectNode identity = set.putObject("user");
    identity.put("@odata.type", "#microsoft.graph.identity");
    identity.put("displayName", user.displayName());
    identity.put("id", user.id());
    return set;
  }
}
