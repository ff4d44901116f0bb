package dev.dialtone.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallStore;
import dev.dialtone.engine.call.Delivery;
import dev.dialtone.engine.call.Simulator;
import dev.dialtone.server.directory.DirectoryDocument;
import dev.dialtone.server.directory.DirectoryRegistry;
import dev.dialtone.server.graph.GraphErrors;
import dev.dialtone.server.graph.Json;
import dev.dialtone.server.graph.RequestIds;
import dev.dialtone.server.graph.RequestLog;
import dev.dialtone.server.notify.FaultInjection;
import dev.dialtone.server.notify.NotificationDispatcher;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Dialtone's own API under {@code /dialtone/}: read and change the directory at run time (stored,
 * so the change reaches every node on the database and survives restarts; see {@link
 * DirectoryRegistry}), read any call, ended ones included, drive simulated parties, inject delivery
 * faults, pause this node's delivery, drain this node. Every request needs {@code Authorization:
 * Bearer <admin key>}.
 * Errors use Graph's error body, like the rest of the server.
 */
public final class AdminApi {
  private static final ObjectMapper MAPPER = Json.MAPPER.copy()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** How to find the id of an entry in each directory collection. */
  private static final Map<String, Collection<?>> COLLECTIONS =
      Map.of(
          "tenants",
          new Collection<>(DirectoryDocument.TenantEntry.class, DirectoryDocument.TenantEntry::id),
          "applications",
          new Collection<>(
              DirectoryDocument.ApplicationEntry.class, DirectoryDocument.ApplicationEntry::appId),
          "application-instances",
          new Collection<>(
              DirectoryDocument.InstanceEntry.class, DirectoryDocument.InstanceEntry::objectId),
          "users",
          new Collection<>(DirectoryDocument.UserEntry.class, DirectoryDocument.UserEntry::id),
          "phones",
          new Collection<>(DirectoryDocument.PhoneEntry.class, DirectoryDocument.PhoneEntry::number),
          "meetings",
          new Collection<>(DirectoryDocument.MeetingEntry.class, DirectoryDocument.MeetingEntry::id));

  private record Collection<T>(Class<T> type, Function<T, String> id) {}

  private final DirectoryRegistry directory;
  private final CallStore store;
  private final GraphErrors errors;
  private final Optional<byte[]> adminKey;
  private final Simulator simulator;
  private final FaultInjection faults;
  private final NodeControl node;
  private final NotificationDispatcher dispatcher;

  /**
   * @param node this node, to drain it
   * @param dispatcher this node's notification dispatcher, to pause it
   * @param adminKey the credential; empty disables the admin API (every request gets 403)
   */
  public AdminApi(
      DirectoryRegistry directory,
      CallStore store,
      Simulator simulator,
      FaultInjection faults,
      NodeControl node,
      NotificationDispatcher dispatcher,
      GraphErrors errors,
      Optional<String> adminKey) {
    this.directory = directory;
    this.store = store;
    this.simulator = simulator;
    this.faults = faults;
    this.node = node;
    this.dispatcher = dispatcher;
    this.errors = errors;
    this.adminKey = adminKey.map(key -> key.getBytes(StandardCharsets.UTF_8));
  }

  public void register(HttpRouting.Builder routing) {
    routing.get("/dialtone/directory", guarded(this::getDirectory));
    routing.put("/dialtone/directory", guarded(this::putDirectory));
    routing.put("/dialtone/directory/{collection}/{id}", guarded(this::putEntry));
    routing.delete("/dialtone/directory/{collection}/{id}", guarded(this::deleteEntry));
    routing.get("/dialtone/calls/{id}", guarded(this::getCall));
    routing.get("/dialtone/calls/{id}/notifications", guarded(this::getNotifications));
    routing.post("/dialtone/calls/{id}/parties/{party}/{action}", guarded(this::partyAction));
    routing.post("/dialtone/incoming-calls", guarded(this::incomingCall));
    routing.put("/dialtone/faults/applications/{id}", guarded(this::putFaults));
    routing.put("/dialtone/faults/calls/{id}", guarded(this::putFaults));
    routing.post("/dialtone/drain", guarded(this::drain));
    routing.delete("/dialtone/faults", guarded((req, res) -> {
      faults.clear();
      res.status(204).send();
    }));
    routing.get("/dialtone/delivery", guarded((req, res) -> sendDelivery(res)));
    routing.put("/dialtone/delivery", guarded(this::putDelivery));
  }

  /** Whether delivery is paused: {@code {"paused": true}}. */
  record DeliveryEntry(boolean paused) {}

  private void putDelivery(ServerRequest req, ServerResponse res) {
    if (read(req, DeliveryEntry.class).paused()) {
      dispatcher.pause();
    } else {
      dispatcher.resume();
    }
    sendDelivery(res);
  }

  /** {@code {"paused": false, "pending": 12}}: the pause, and the outbox's backlog. */
  private void sendDelivery(ServerResponse res) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("paused", dispatcher.isPaused());
    body.put("pending", store.pendingCount());
    sendJson(res, 200, body);
  }

  private Handler guarded(Handler handler) {
    return (req, res) -> {
      RequestIds ids = RequestLog.ids(req);
      if (adminKey.isEmpty()) {
        errors.send(res, ids, 403, "accessDenied",
            "The admin API is disabled: start Dialtone with --admin-key (or DIALTONE_ADMIN_KEY).");
        return;
      }
      String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
      byte[] presented =
          header.regionMatches(true, 0, "Bearer ", 0, 7)
              ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8)
              : new byte[0];
      if (presented.length == 0 || !MessageDigest.isEqual(presented, adminKey.get())) {
        res.header("WWW-Authenticate", "Bearer realm=\"dialtone-admin\"");
        errors.send(res, ids, 401, "unauthenticated",
            "The admin API needs Authorization: Bearer <admin key>.");
        return;
      }
      try {
        handler.handle(req, res);
      } catch (EngineException e) {
        errors.send(res, ids, GraphErrors.status(e.failure()), e.code(), e.getMessage());
      } catch (IllegalArgumentException e) {
        errors.send(res, ids, 400, "invalidRequest", e.getMessage());
      }
    };
  }

  private void getDirectory(ServerRequest req, ServerResponse res) {
    sendJson(res, 200, MAPPER.valueToTree(DirectoryDocument.of(directory.get())));
  }

  private void putDirectory(ServerRequest req, ServerResponse res) {
    DirectoryDocument document = read(req, DirectoryDocument.class);
    directory.replace(document.toDirectory());
    getDirectory(req, res);
  }

  private void putEntry(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("collection");
    String id = req.path().pathParameters().get("id");
    Collection<?> collection = collection(name);
    JsonNode entry = read(req, JsonNode.class);
    String entryId = idOf(collection, entry);
    if (!id.equals(entryId)) {
      throw new IllegalArgumentException(
          "the path names " + name + " '" + id + "' but the body's id is '" + entryId + "'");
    }
    directory.update(
        current -> change(current, name, list -> {
          list.removeIf(existing -> id.equals(idOf(collection, existing)));
          list.add(entry);
        }));
    sendJson(res, 200, entry);
  }

  private void deleteEntry(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("collection");
    String id = req.path().pathParameters().get("id");
    Collection<?> collection = collection(name);
    directory.update(
        current -> change(current, name, list -> {
          if (!list.removeIf(e -> id.equals(idOf(collection, e)))) {
            // Thrown inside the change, so that nothing is stored.
            throw EngineException.notFound("The directory has no " + name + " entry '" + id + "'.");
          }
        }));
    res.status(204).send();
  }

  /** Drains this node (see {@link NodeControl#drain}) and answers once it is drained. */
  private void drain(ServerRequest req, ServerResponse res) {
    node.drain();
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("node", node.nodeId());
    body.put("status", "DRAINED");
    sendJson(res, 200, body);
  }

  private void getCall(ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().get("id");
    Call call = store.find(id).orElseThrow(() -> EngineException.notFound("No call '" + id + "' is stored."));
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("id", call.id());
    body.put("tenantId", call.tenantId());
    body.put("applicationId", call.applicationId());
    body.put("state", call.state().wireName());
    body.put("createdAt", call.createdAt().toString());
    body.put("updatedAt", call.updatedAt().toString());
    body.put("version", call.version());
    body.set("resource", call.resourceCopy());
    sendJson(res, 200, body);
  }

  /** The faults of one app or call: {@code {"delay-ms", "drop", "duplicate", "fail-next"}}. */
  record FaultsEntry(
      @com.fasterxml.jackson.annotation.JsonProperty("delay-ms") long delayMs,
      boolean drop,
      boolean duplicate,
      @com.fasterxml.jackson.annotation.JsonProperty("fail-next") int failNext) {}

  private void putFaults(ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().get("id");
    FaultsEntry entry = read(req, FaultsEntry.class);
    FaultInjection.Faults set =
        new FaultInjection.Faults(
            java.time.Duration.ofMillis(entry.delayMs()), entry.drop(), entry.duplicate(), entry.failNext());
    if (req.path().rawPath().contains("/faults/calls/")) {
      faults.setForCall(id, set);
    } else {
      faults.setForApplication(id, set);
    }
    sendJson(res, 200, MAPPER.valueToTree(entry));
  }

  /** A simulated caller calls a bot: {@code {"from": "user:{id}", "to": "application:{appId}"}}. */
  record IncomingCallEntry(String from, String to) {}

  private void incomingCall(ServerRequest req, ServerResponse res) {
    IncomingCallEntry entry = read(req, IncomingCallEntry.class);
    if (entry.from() == null || entry.to() == null) {
      throw new IllegalArgumentException("an incoming call needs \"from\" and \"to\"");
    }
    Call call = simulator.incomingCall(entry.from(), entry.to());
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("id", call.id());
    body.put("state", call.state().wireName());
    sendJson(res, 201, body);
  }

  private void partyAction(ServerRequest req, ServerResponse res) {
    var params = req.path().pathParameters();
    Simulator.PartyAction action = Simulator.PartyAction.parse(params.get("action"));
    String tones = "";
    if (action == Simulator.PartyAction.TONES) {
      JsonNode body = read(req, JsonNode.class);
      tones = body.path("tones").asText("");
    }
    Call call = simulator.act(params.get("id"), params.get("party"), action, tones);
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("id", call.id());
    body.put("state", call.state().wireName());
    sendJson(res, 200, body);
  }

  private void getNotifications(ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().get("id");
    if (store.find(id).isEmpty()) {
      throw EngineException.notFound("No call '" + id + "' is stored.");
    }
    var list = Json.MAPPER.createArrayNode();
    for (Delivery.Record record : store.deliveries(id)) {
      ObjectNode item = list.addObject();
      item.put("id", record.notification().id());
      item.put("sequence", record.notification().sequence());
      item.put("target", record.notification().target().toString());
      item.put("state", record.state().name().toLowerCase(java.util.Locale.ROOT));
      item.put("createdAt", record.notification().createdAt().toString());
      record.nextAttemptAt().ifPresent(at -> item.put("nextAttemptAt", at.toString()));
      var attempts = item.putArray("attempts");
      for (Delivery.Attempt attempt : record.attempts()) {
        ObjectNode a = attempts.addObject();
        a.put("number", attempt.number());
        a.put("at", attempt.at().toString());
        attempt.status().ifPresent(status -> a.put("status", status));
        a.put("latencyMs", attempt.latency().toMillis());
        attempt.error().ifPresent(error -> a.put("error", error));
      }
      item.set("body", record.notification().body().deepCopy());
    }
    sendJson(res, 200, list);
  }

  private static dev.dialtone.engine.directory.Directory change(
      dev.dialtone.engine.directory.Directory current,
      String collection,
      java.util.function.Consumer<List<JsonNode>> edit) {
    ObjectNode document = MAPPER.valueToTree(DirectoryDocument.of(current));
    List<JsonNode> entries = new ArrayList<>();
    document.path(collection).forEach(entries::add);
    edit.accept(entries);
    document.putArray(collection).addAll(entries);
    try {
      return MAPPER.treeToValue(document, DirectoryDocument.class).toDirectory();
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static <T> String idOf(Collection<T> collection, JsonNode entry) {
    try {
      T value = MAPPER.treeToValue(entry, collection.type());
      return collection.id().apply(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("the entry is not valid: " + e.getMessage(), e);
    }
  }

  private static Collection<?> collection(String name) {
    Collection<?> collection = COLLECTIONS.get(name);
    if (collection == null) {
      throw EngineException.notFound(
          "The directory has no collection '" + name + "'; it has " + COLLECTIONS.keySet().stream().sorted().toList() + ".");
    }
    return collection;
  }

  private static <T> T read(ServerRequest req, Class<T> type) {
    try {
      return MAPPER.readValue(req.content().inputStream(), type);
    } catch (IOException e) {
      throw new IllegalArgumentException("the request body is not valid: " + e.getMessage(), e);
    }
  }

  private static void sendJson(ServerResponse res, int status, JsonNode body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(Json.bytes(body));
  }
}
