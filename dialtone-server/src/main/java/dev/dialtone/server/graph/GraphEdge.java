package dev.dialtone.server.graph;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.call.Call;
import dev.dialtone.engine.call.CallService;
import dev.dialtone.engine.call.Caller;
import dev.dialtone.server.identity.AccessTokenVerifier;
import dev.dialtone.server.identity.AuthenticationException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;

/**
 * The Graph edge: {@code /v1.0} and {@code /beta} calls routes, authentication, JSON in and out,
 * and Graph's error body. It knows HTTP; the engine below it does not.
 *
 * <p>Routing is done here rather than by the HTTP server's router because Graph's paths are
 * case-insensitive in their resource and action names and accept namespace-qualified actions,
 * and because every miss must still answer with Graph's error body.
 */
public final class GraphEdge {
  private final CallService calls;
  private final AccessTokenVerifier verifier;
  private final GraphErrors errors;
  private final PublicUrls urls;
  private final int maxBodyBytes;

  public GraphEdge(
      CallService calls,
      AccessTokenVerifier verifier,
      GraphErrors errors,
      PublicUrls urls,
      int maxBodyBytes) {
    this.calls = Objects.requireNonNull(calls, "calls");
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.errors = Objects.requireNonNull(errors, "errors");
    this.urls = Objects.requireNonNull(urls, "urls");
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * True for Graph paths ({@code /v1.0/…}, {@code /beta/…}) in any case: the server's last route
   * sends them here.
   */
  public static boolean isGraphPath(String rawPath) {
    String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    int slash = path.indexOf('/');
    String first = slash < 0 ? path : path.substring(0, slash);
    return first.equalsIgnoreCase("v1.0") || first.equalsIgnoreCase("beta");
  }

  /** Answers one Graph request. */
  public void handle(ServerRequest req, ServerResponse res) {
    RequestIds ids = RequestLog.ids(req);
    try {
      Caller caller = authenticate(req);
      GraphPath path = GraphPath.parse(req.path().rawPath());
      Method method = req.prologue().method();
      if (path.callId().isEmpty()) {
        requireMethod(method, Method.POST);
        create(req, res, caller, path);
      } else if (path.action().isEmpty()) {
        if (method.equals(Method.GET)) {
          Call call = calls.get(caller, path.callId().get());
          sendCall(res, 200, call, urls.context(req, path.version(), "communications/calls/$entity"));
        } else if (method.equals(Method.DELETE)) {
          calls.hangUp(caller, path.callId().get());
          res.status(204).send();
        } else {
          throw new MethodNotAllowed(method, "GET, DELETE");
        }
      } else if (GraphPath.NAVIGATIONS.contains(path.action().get())) {
        throw notServed(path.action().get());
      } else {
        requireMethod(method, Method.POST);
        action(req, res, caller, path.callId().get(), path.action().get());
      }
    } catch (AuthenticationException e) {
      if (e.httpStatus() == 401) {
        res.header("WWW-Authenticate", e.wwwAuthenticate(java.net.URI.create(urls.base(req))));
        errors.send(res, ids, 401, "InvalidAuthenticationToken", e.getMessage());
      } else {
        errors.send(res, ids, e.httpStatus(), "Forbidden", e.getMessage());
      }
    } catch (GraphPath.Unknown e) {
      errors.send(res, ids, 400, "BadRequest", e.getMessage());
    } catch (MethodNotAllowed e) {
      res.header(HeaderNames.ALLOW, e.allowed);
      errors.send(res, ids, 405, "notAllowed", e.getMessage());
    } catch (Bodies.TooLarge e) {
      errors.send(res, ids, 413, "requestEntityTooLarge", e.getMessage());
    } catch (Bodies.NotJson e) {
      errors.send(res, ids, 415, "unsupportedMediaType", e.getMessage());
    } catch (EngineException e) {
      errors.send(res, ids, GraphErrors.status(e.failure()), e.code(), e.getMessage());
    }
  }

  /** {@code POST /calls/{id}/{action}}: the actions Dialtone serves; the others are named as not yet served. */
  private void action(ServerRequest req, ServerResponse res, Caller caller, String id, String action) {
    switch (action) {
      case "answer", "reject", "redirect" -> {
        var body = req.content().hasEntity() ? Json.parse(Bodies.read(req, maxBodyBytes)) : null;
        switch (action) {
          case "answer" -> calls.answer(caller, id, body);
          case "reject" -> calls.reject(caller, id, body);
          default -> calls.redirect(caller, id, body);
        }
        res.status(202).send();
      }
      case "keepalive" -> {
        calls.keepAlive(caller, id);
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "text/plain");
        res.send();
      }
      default -> throw notServed(action);
    }
  }

  private static EngineException notServed(String segment) {
    return EngineException.invalidRequest(
        "'" + segment + "' on a call is part of the Graph calls API but Dialtone does not serve it yet.");
  }

  private Caller authenticate(ServerRequest req) {
    return verifier.verify(req.headers().first(HeaderNames.AUTHORIZATION).orElse(""));
  }

  private void create(ServerRequest req, ServerResponse res, Caller caller, GraphPath path) {
    Bodies.requireJson(req);
    byte[] body = Bodies.read(req, maxBodyBytes);
    Call call = calls.create(caller, Json.parse(body));
    res.header(HeaderNames.LOCATION, urls.call(req, path.version(), call.id()));
    sendCall(res, 201, call, urls.context(req, path.version(), "app/calls/$entity"));
  }

  private static void sendCall(ServerResponse res, int status, Call call, String context) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.header("OData-Version", "4.0");
    res.send(callBody(call.resource(), context));
  }

  /**
   * The call as the client sees it: its properties in their order, without Dialtone's own
   * bookkeeping (the {@code @dialtone.*} annotations that travel with the stored call), then {@code
   * @odata.context}. Written straight from the stored tree, which is not copied.
   */
  static byte[] callBody(ObjectNode resource, String context) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (JsonGenerator json = Json.MAPPER.createGenerator(out)) {
      json.writeStartObject();
      for (Map.Entry<String, JsonNode> property : resource.properties()) {
        if (!property.getKey().startsWith("@dialtone.")) {
          json.writeFieldName(property.getKey());
          json.writeTree(property.getValue());
        }
      }
      json.writeStringField("@odata.context", context);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("a call could not be written as JSON", e);
    }
    return out.toByteArray();
  }

  private static void requireMethod(Method actual, Method allowed) {
    if (!actual.equals(allowed)) {
      throw new MethodNotAllowed(actual, allowed.text());
    }
  }

  private static final class MethodNotAllowed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String allowed;

    MethodNotAllowed(Method method, String allowed) {
      super("The method " + method.text() + " is not allowed on this resource; use " + allowed + ".");
      this.allowed = allowed;
    }
  }
}
