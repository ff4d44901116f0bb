package dev.dialtone.engine.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.directory.Directory;
import dev.dialtone.engine.directory.Permission;
import dev.dialtone.engine.graph.GraphSchema;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Creates, reads and ends calls on behalf of a verified {@link Caller}.
 *
 * <p>A create is checked in this order, so a request with several faults gets the most basic one:
 * the body against the v1.0 schema; the callback URI; the tenant; the scenario and its permission;
 * the source identity; the targets or the meeting against the directory. Only then is the call
 * stored, in one insert, so a rejected request leaves nothing behind.
 */
public final class CallService {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String CALL_TYPE = "microsoft.graph.call";
  /** Properties only the service sets; a client's values for them are ignored. */
  private static final Set<String> SERVER_OWNED =
      Set.of(
          "@odata.context",
          "id",
          "state",
          "direction",
          "myParticipantId",
          "callChainId",
          "resultInfo",
          "callRoutes",
          "activeModalities",
          "mediaState",
          "toneInfo",
          "transcription",
          "answeredBy",
          "terminationReason",
          "incomingContext");

  private final CallStore store;
  private final Supplier<Directory> directory;
  private final GraphSchema schema;
  private final Clock clock;
  private final CallPolicy policy;
  private final AfterCommit afterCommit;

  /**
   * @param afterCommit told of each change committed (wakes the dispatcher and the timer loop)
   */
  public CallService(
      CallStore store,
      Supplier<Directory> directory,
      GraphSchema schema,
      Clock clock,
      CallPolicy policy,
      AfterCommit afterCommit) {
    this.store = Objects.requireNonNull(store, "store");
    this.directory = Objects.requireNonNull(directory, "directory");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.afterCommit = Objects.requireNonNull(afterCommit, "afterCommit");
  }

  /**
   * Creates an outgoing call from a {@code call} request body.
   *
   * @return the stored call, {@code establishing}
   * @throws EngineException for a body that breaks the schema or a rule (400), a missing
   *     permission ({@code 7504}), a tenant mismatch ({@code 7505}), a source identity the app may
   *     not use ({@code 7507}), or a meeting that does not exist (404)
   */
  public Call create(Caller caller, JsonNode body) {
    if (!(body instanceof ObjectNode request)) {
      throw EngineException.invalidRequest(
          "The request body must be a JSON object (a microsoft.graph.call).");
    }
    schema.validate(request, CALL_TYPE);
    request = canonicalTypes(request);
    CallbackUris.check(request.path("callbackUri").asText(), policy);
    Directory dir = directory.get();
    String tenantId = callTenant(caller, request);
    CreateRules rules = new CreateRules(caller, tenantId, dir, request);
    Scenario scenario = rules.scenario();
    requirePermission(caller, scenario, request);
    ObjectNode source = rules.source(scenario);
    rules.checkTargets(scenario);
    rules.checkMeeting(scenario);

    Instant now = clock.instant();
    String id = Ids.timeOrdered(now);
    // Built here for this call alone, so pruned and then completed by Lifecycle.start in place.
    ObjectNode resource = representation(request, id, tenantId, source, scenario);
    schema.removeUndeclared(resource, CALL_TYPE);
    Call call =
        new Call(id, tenantId, caller.appId(), CallState.ESTABLISHING, now, now, 1, resource);
    CallChange change = Lifecycle.start(call, scenario, dir, now);
    store.apply(change);
    afterCommit.committed(change);
    return change.call().orElseThrow();
  }

  /**
   * The live call with this id, as the caller may see it.
   *
   * @throws EngineException 404 if there is no such call, it has ended, or it belongs to another
   *     application; {@code 7505} if it belongs to another tenant
   */
  public Call get(Caller caller, String id) {
    return visibleLiveCall(caller, id);
  }

  /**
   * Hangs up: the bot is told {@code terminating}, then {@code terminated}; the call stays ended.
   * Ending a call that has already ended is a 404, as in Graph.
   */
  public Call hangUp(Caller caller, String id) {
    visibleLiveCall(caller, id);
    CallChange change =
        CallChanges.applyWithRetry(
            store,
            id,
            current -> {
              Call call = current.filter(c -> !c.state().isTerminal()).orElseThrow(() -> callNotFound(id));
              return Lifecycle.hangUp(call, clock.instant());
            });
    afterCommit.committed(change);
    return change.call().orElseThrow();
  }

  /**
   * Answers an incoming call ({@code POST …/answer}): it becomes {@code establishing} at the
   * answer's callbackUri, then {@code established}.
   *
   * @throws EngineException 400 for a body that breaks the action's schema or a callbackUri that
   *     is not allowed; {@code 7504} for app-hosted media without Calls.AccessMedia.All; 409 if the
   *     call is not ringing
   */
  public void answer(Caller caller, String id, JsonNode body) {
    ObjectNode answer = actionBody(body, "answer");
    visibleLiveCall(caller, id);
    if (isType(answer.path("mediaConfig"), "microsoft.graph.appHostedMediaConfig")
        && !caller.has(Permission.CALLS_ACCESS_MEDIA_ALL)) {
      throw CallingErrors.insufficientPermissions(
          "Answering with app-hosted media needs the application permission Calls.AccessMedia.All.");
    }
    CallbackUris.check(answer.path("callbackUri").asText(), policy);
    changeLiveCall(id, call -> Lifecycle.answer(call, answer, clock.instant()));
  }

  /** Rejects an incoming call ({@code POST …/reject}); only a ringing call can be rejected. */
  public void reject(Caller caller, String id, JsonNode body) {
    ObjectNode reject = actionBody(body, "reject");
    visibleLiveCall(caller, id);
    if (reject.hasNonNull("callbackUri")) {
      CallbackUris.check(reject.get("callbackUri").asText(), policy);
    }
    changeLiveCall(
        id,
        call -> {
          if (call.state() != CallState.INCOMING) {
            throw new IllegalTransitionException(call.state(), CallState.TERMINATED);
          }
          return Lifecycle.reject(call, reject, clock.instant());
        });
  }

  /**
   * Redirects an incoming call to other targets ({@code POST …/redirect}); needs
   * Calls.Initiate.All.
   */
  public void redirect(Caller caller, String id, JsonNode body) {
    ObjectNode redirect = actionBody(body, "redirect");
    visibleLiveCall(caller, id);
    if (!caller.has(Permission.CALLS_INITIATE_ALL)) {
      throw CallingErrors.insufficientPermissions(
          "Redirecting a call needs the application permission Calls.Initiate.All.");
    }
    int timeout = redirect.path("timeout").asInt(55);
    if (redirect.has("timeout") && (timeout < 15 || timeout > 90)) {
      throw EngineException.invalidRequest("timeout: must be 15 to 90 seconds, got " + timeout + ".");
    }
    if (redirect.path("targets").size() > 25) {
      throw EngineException.invalidRequest(
          "targets: a redirect rings at most 25 targets at once, got " + redirect.path("targets").size() + ".");
    }
    if (redirect.hasNonNull("callbackUri")) {
      CallbackUris.check(redirect.get("callbackUri").asText(), policy);
    }
    changeLiveCall(id, call -> Lifecycle.redirect(call, redirect, clock.instant()));
  }

  private ObjectNode actionBody(JsonNode body, String action) {
    ObjectNode request = body instanceof ObjectNode object ? object : JSON.objectNode();
    schema.validateActionBody(request, action, CALL_TYPE);
    return request;
  }

  private void changeLiveCall(String id, java.util.function.Function<Call, CallChange> step) {
    CallChange change =
        CallChanges.applyWithRetry(
            store,
            id,
            current -> step.apply(current.filter(c -> !c.state().isTerminal()).orElseThrow(() -> callNotFound(id))));
    afterCommit.committed(change);
  }

  /**
   * Keeps a call alive for another 45 minutes.
   *
   * @throws EngineException 404 if the call has ended (as Graph answers a late keepAlive)
   */
  public void keepAlive(Caller caller, String id) {
    visibleLiveCall(caller, id);
    CallChange change =
        new CallChange(
            java.util.Optional.empty(),
            java.util.List.of(),
            java.util.List.of(Lifecycle.keepAliveTimer(id, clock.instant())),
            java.util.List.of(),
            false);
    store.apply(change);
    afterCommit.committed(change);
  }

  private Call visibleLiveCall(Caller caller, String id) {
    Call call =
        store
            .find(id)
            .filter(c -> !c.state().isTerminal())
            .orElseThrow(() -> callNotFound(id));
    if (!call.tenantId().equals(caller.tenantId())) {
      throw CallingErrors.callTenantMismatch(id);
    }
    if (!call.applicationId().equals(caller.appId())) {
      throw callNotFound(id);
    }
    return call;
  }

  private static EngineException callNotFound(String id) {
    return EngineException.notFound(
        "Call '" + id + "' was not found: it never existed, has ended, or belongs to another application.");
  }

  private static String callTenant(Caller caller, ObjectNode request) {
    JsonNode tenant = request.get("tenantId");
    if (tenant == null || tenant.isNull()) {
      return caller.tenantId();
    }
    if (!tenant.asText().equals(caller.tenantId())) {
      throw CallingErrors.tenantMismatch(
          "The call's tenantId '"
              + tenant.asText()
              + "' is not the tenant of the access token ('"
              + caller.tenantId()
              + "'). Request the token from /"
              + tenant.asText()
              + "/oauth2/v2.0/token, or send the token's tenant.");
    }
    return caller.tenantId();
  }

  /**
   * The request with its polymorphic values naming their type in full ({@code
   * #microsoft.graph.appHostedMediaConfig}, whatever spelling the client used), so the rules below
   * and everything stored compare one spelling. A call needs its media configuration. The client's
   * body is left as it is: the result is a new object that shares the body's other values, which
   * nothing below changes.
   */
  private ObjectNode canonicalTypes(ObjectNode request) {
    JsonNode mediaConfig = request.get("mediaConfig");
    if (mediaConfig == null || mediaConfig.isNull()) {
      throw EngineException.invalidRequest(
          "mediaConfig: a call needs its media configuration: {\"@odata.type\":"
              + " \"#microsoft.graph.serviceHostedMediaConfig\"} or #microsoft.graph.appHostedMediaConfig.");
    }
    ObjectNode canonical = JSON.objectNode();
    canonical.setAll(request);
    for (String name : new String[] {"mediaConfig", "meetingInfo"}) {
      if (request.get(name) instanceof ObjectNode value) {
        String declared = name.equals("mediaConfig") ? "microsoft.graph.mediaConfig" : "microsoft.graph.meetingInfo";
        ObjectNode typed = value.deepCopy();
        typed.put("@odata.type", "#" + schema.resolveType(value, declared));
        canonical.set(name, typed);
      }
    }
    return canonical;
  }

  static boolean isType(JsonNode value, String qualifiedName) {
    return value.path("@odata.type").asText("").equals("#" + qualifiedName);
  }

  private static void requirePermission(Caller caller, Scenario scenario, ObjectNode request) {
    if (!scenario.isAllowedFor(caller)) {
      throw CallingErrors.insufficientPermissions(
          describe(scenario)
              + " needs the application permission "
              + String.join(
                  " or ", scenario.requiredAnyOf().stream().map(Permission::claimValue).toList())
              + "; the token's roles are "
              + caller.roles().stream().map(Permission::claimValue).sorted().toList()
              + ".");
    }
    boolean appHostedMedia = isType(request.path("mediaConfig"), "microsoft.graph.appHostedMediaConfig");
    if (appHostedMedia && !caller.has(Permission.CALLS_ACCESS_MEDIA_ALL)) {
      throw CallingErrors.insufficientPermissions(
          "A call with app-hosted media (appHostedMediaConfig) needs the application permission "
              + Permission.CALLS_ACCESS_MEDIA_ALL.claimValue()
              + " in addition; the token's roles are "
              + caller.roles().stream().map(Permission::claimValue).sorted().toList()
              + ".");
    }
  }

  private static String describe(Scenario scenario) {
    return switch (scenario) {
      case PEER_TO_PEER -> "A peer-to-peer call";
      case GROUP -> "A group call";
      case MEETING_JOIN -> "Joining a meeting";
      case PSTN -> "A PSTN call";
    };
  }

  private static ObjectNode representation(
      ObjectNode request, String id, String tenantId, ObjectNode source, Scenario scenario) {
    ObjectNode call = JSON.objectNode();
    call.put("@odata.type", CallShape.CALL);
    call.put("state", CallState.ESTABLISHING.wireName());
    call.put("direction", "outgoing");
    call.put("callbackUri", request.get("callbackUri").asText());
    call.put("callChainId", UUID.randomUUID().toString());
    call.putArray("callRoutes");
    call.set("source", source);
    var targets = call.putArray("targets");
    if (scenario != Scenario.MEETING_JOIN) {
      request.path("targets").forEach(t -> targets.add(CallShape.invitationParticipantInfo(t)));
    }
    call.set("requestedModalities", clientValue(request, "requestedModalities", JSON.arrayNode()));
    call.putArray("activeModalities");
    call.set("mediaConfig", request.get("mediaConfig").deepCopy());
    JsonNode chatInfo = request.get("chatInfo");
    call.set("chatInfo", chatInfo == null || chatInfo.isNull() ? JSON.nullNode() : CallShape.chatInfo(chatInfo));
    JsonNode meetingInfo = request.get("meetingInfo");
    call.set("meetingInfo", meetingInfo == null ? JSON.nullNode() : shapedMeetingInfo(meetingInfo));
    call.set("routingPolicies", clientValue(request, "routingPolicies", JSON.arrayNode()));
    call.put("tenantId", tenantId);
    call.put("myParticipantId", UUID.randomUUID().toString());
    call.put("id", id);
    for (String name : CallShape.CALL_NULLS) {
      call.set(name, clientValue(request, name, JSON.nullNode()));
    }
    // Open type: whatever else the client sent is kept and returned.
    request
        .properties()
        .forEach(
            entry -> {
              // @dialtone.* annotations are the server's bookkeeping: a client cannot set them.
              if (!call.has(name(entry))
                  && !SERVER_OWNED.contains(name(entry))
                  && !name(entry).startsWith("@dialtone.")) {
                call.set(name(entry), entry.getValue().deepCopy());
              }
            });
    return call;
  }

  private static String name(java.util.Map.Entry<String, JsonNode> entry) {
    return entry.getKey();
  }

  /** The client's value of a property it may set, else the default. */
  private static JsonNode clientValue(ObjectNode request, String name, JsonNode otherwise) {
    JsonNode value = request.get(name);
    return value == null || SERVER_OWNED.contains(name) ? otherwise : value.deepCopy();
  }

  private static JsonNode shapedMeetingInfo(JsonNode meetingInfo) {
    if (!(meetingInfo instanceof ObjectNode info)) {
      return meetingInfo.deepCopy();
    }
    ObjectNode shaped = info.deepCopy();
    if (shaped.get("organizer") instanceof ObjectNode organizer) {
      shaped.set("organizer", CallShape.identitySet(organizer));
    }
    return shaped;
  }
}
