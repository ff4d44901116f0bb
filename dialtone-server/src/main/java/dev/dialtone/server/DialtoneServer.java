package dev.dialtone.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.call.AfterCommit;
import dev.dialtone.engine.call.CallPolicy;
import dev.dialtone.engine.call.CallService;
import dev.dialtone.engine.call.Simulator;
import dev.dialtone.engine.call.Timer;
import dev.dialtone.engine.call.TimerWorker;
import dev.dialtone.server.notify.CallbackTokens;
import dev.dialtone.server.notify.DeliveryPolicy;
import dev.dialtone.server.notify.FaultInjection;
import dev.dialtone.server.notify.NotificationDispatcher;
import java.time.Duration;
import dev.dialtone.engine.graph.GraphSchema;
import dev.dialtone.server.admin.AdminApi;
import dev.dialtone.server.admin.NodeControl;
import dev.dialtone.server.directory.DirectoryRegistry;
import dev.dialtone.server.graph.GraphEdge;
import dev.dialtone.server.graph.GraphErrors;
import dev.dialtone.server.graph.Json;
import dev.dialtone.server.graph.PublicUrls;
import dev.dialtone.server.graph.RequestIds;
import dev.dialtone.server.graph.RequestLog;
import dev.dialtone.server.identity.AccessTokenVerifier;
import dev.dialtone.server.identity.IssuerPolicy;
import dev.dialtone.server.identity.SigningKeys;
import dev.dialtone.server.identity.TokenIssuer;
import dev.dialtone.server.tls.DevelopmentCertificate;
import dev.dialtone.server.tls.ServerCertificate;
import dev.dialtone.store.StoreConfig;
import dev.dialtone.store.JdbcStore;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.Comparator;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Dialtone: the store, the engine, the edges and the HTTP server, assembled from a
 * {@link ServerConfig}. {@link #routing} is the one place routes are wired; {@link Main} and the
 * tests both go through it.
 */
public final class DialtoneServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DialtoneServer.class);

  private final ServerConfig config;
  private final JdbcStore store;
  private final DirectoryRegistry directory;
  private final WebServer webServer;
  private final BackgroundWork work;
  private final RequestLog requestLog;
  private final Optional<ServerCertificate> certificate;

  private DialtoneServer(
      ServerConfig config,
      JdbcStore store,
      DirectoryRegistry directory,
      WebServer webServer,
      BackgroundWork work,
      RequestLog requestLog,
      Optional<ServerCertificate> certificate) {
    this.config = config;
    this.store = store;
    this.directory = directory;
    this.webServer = webServer;
    this.work = work;
    this.requestLog = requestLog;
    this.certificate = certificate;
  }

  /**
   * Opens the store (running migrations), takes the signing keys and the directory from it (storing
   * them first if this is the first node to start), and starts listening.
   *
   * @throws IllegalArgumentException for a configuration that cannot work (bad directory file)
   */
  public static DialtoneServer start(ServerConfig config) {
    Clock clock = config.clock();
    // Read before anything opens, so that a bad file fails fast.
    DirectoryRegistry.Seed seed =
        config.directoryFile().map(DirectoryRegistry.Seed::file).orElseGet(DirectoryRegistry.Seed::demo);
    // Certificate validity is real time, never the scaled clock.
    Optional<ServerCertificate> certificate =
        config.tls().enabled()
            ? Optional.of(ServerCertificate.resolve(config.tls(), config.dataDir(), config.inMemory(),
                DevelopmentCertificate.names(config.host(), config.publicUrl()), Clock.systemUTC()))
            : Optional.empty();
    JdbcStore store;
    try {
      store = JdbcStore.open(storeConfig(config));
    } catch (RuntimeException e) {
      certificate.ifPresent(ServerCertificate::close);
      throw e;
    }
    DirectoryRegistry directory = null;
    RequestLog requestLog = new RequestLog();
    try {
      // Shared by every node on the store: a token one node signs verifies on all.
      SigningKeys keys = SigningKeys.shared(store, formerKeyFile(config), Clock.systemUTC().instant());
      directory = DirectoryRegistry.open(store, seed, clock, config.directoryPollInterval());
      GraphErrors errors = new GraphErrors(clock);
      PublicUrls urls = new PublicUrls(config.publicUrl(), config.host());
      FaultInjection faults = new FaultInjection();
      DeliveryPolicy delivery =
          DeliveryPolicy.builder()
              .allowLoopback(config.demo())
              .allow(config.callbackAllow())
              .deny(config.callbackDeny())
              .build();
      NotificationDispatcher dispatcher =
          NotificationDispatcher.builder(
                  store,
                  // Bots check these tokens against their own clocks: real time, never scaled.
                  CallbackTokens.create(
                      keys,
                      Clock.systemUTC(),
                      config.callbackIssuer(),
                      Duration.ofMinutes(10),
                      Duration.ofMinutes(1)))
              .nodeId(config.nodeId())
              .clock(clock)
              .lease(scaled(clock, NOTIFICATION_LEASE))
              .policy(delivery)
              .faults(faults)
              .signed(!unsignedForBenchmarks(config))
              .build();
      TimerLoop timers = new TimerLoop(store, clock, rate(clock), TIMER_POLL);
      AfterCommit afterCommit = wakes(dispatcher::wake, timers);
      TimerWorker timerWorker = new TimerWorker(store, clock, config.nodeId(), afterCommit);
      BackgroundWork work = new BackgroundWork(config.nodeId(), timers, timerWorker, dispatcher);
      CallService calls =
          new CallService(
              store,
              directory,
              GraphSchema.bundled(),
              clock,
              new CallPolicy(config.demo(), uri -> refusal(delivery.checkTarget(uri))),
              afterCommit);
      IssuerPolicy issuers = IssuerPolicy.azureAdV1();
      AccessTokenVerifier verifier = new AccessTokenVerifier(keys, directory, clock, issuers);
      TokenIssuer issuer = new TokenIssuer(keys, directory, clock, issuers, config.tokenLifetime());
      Components components =
          new Components(
              new GraphEdge(calls, verifier, errors, urls, config.maxRequestBytes()),
              new IdentityRoutes(issuer, keys, issuers, urls, config.callbackIssuer()),
              new AdminApi(
                  directory, store, new Simulator(store, directory, clock, afterCommit), faults, work,
                  dispatcher, errors, config.adminKey()),
              store,
              work,
              errors,
              requestLog);
      var server =
          WebServer.builder()
              .host(config.host())
              .port(config.port())
              // Above the edge's own limit, so oversized bodies get Graph's 413 from the edge.
              .maxPayloadSize(config.maxRequestBytes() * 4L)
              .routing(routing -> routing(routing, components));
      // HTTPS: a second listener with the same routes.
      certificate.ifPresent(
          tls -> server.putSocket(HTTPS, socket -> socket
              .host(config.host())
              .port(config.tls().httpsPort())
              .maxPayloadSize(config.maxRequestBytes() * 4L)
              .tls(tls.tls())
              .routing(routing -> routing(routing, components))));
      WebServer webServer = server.build().start();
      if (!webServer.isRunning()) {
        // Helidon logs the cause (a port in use) and stops rather than throwing.
        throw new IllegalStateException("cannot listen on " + config.host() + " port " + config.port()
            + (certificate.isPresent() ? " and HTTPS port " + config.tls().httpsPort() : "")
            + "; see the error above, or choose other ports (--port, --https-port; 0 picks a free one)");
      }
      work.start();
      directory.start();
      return new DialtoneServer(config, store, directory, webServer, work, requestLog, certificate);
    } catch (RuntimeException e) {
      if (directory != null) {
        directory.close();
      }
      requestLog.close();
      store.close();
      certificate.ifPresent(ServerCertificate::close);
      throw e;
    }
  }

  /**
   * What follows a commit: the dispatcher is woken for the change's notifications, and the timer
   * loop told of the earliest timer it scheduled.
   */
  static AfterCommit wakes(Runnable dispatcher, TimerLoop timers) {
    return change -> {
      if (!change.notifications().isEmpty()) {
        dispatcher.run();
      }
      change.scheduledTimers().stream()
          .map(Timer::dueAt)
          .min(Comparator.naturalOrder())
          .ifPresent(timers::scheduled);
    };
  }

  /**
   * The JVM system property that makes notifications go out unsigned, to measure what signing costs
   * (bin/bench's delivery scenario). Not a configuration key: no bot accepts such notifications.
   */
  static final String UNSIGNED_NOTIFICATIONS = "dialtone.benchmark.unsigned-notifications";

  /**
   * @throws IllegalArgumentException if {@link #UNSIGNED_NOTIFICATIONS} is set outside the demo
   *     profile
   */
  private static boolean unsignedForBenchmarks(ServerConfig config) {
    if (!Boolean.getBoolean(UNSIGNED_NOTIFICATIONS)) {
      return false;
    }
    if (!config.demo()) {
      throw new IllegalArgumentException(
          "-D" + UNSIGNED_NOTIFICATIONS + " is for benchmarks in the demo profile only; remove it");
    }
    LOG.warn("notifications are sent WITHOUT a signed token (-D{}): for benchmarks only", UNSIGNED_NOTIFICATIONS);
    return true;
  }

  /** The name of the HTTPS listener. */
  private static final String HTTPS = "https";

  private static java.util.Optional<String> refusal(DeliveryPolicy.Verdict verdict) {
    return switch (verdict) {
      case DeliveryPolicy.Verdict.Allowed allowed -> java.util.Optional.empty();
      case DeliveryPolicy.Verdict.Denied denied -> java.util.Optional.of(denied.message());
    };
  }

  /** How long a claimed notification is this node's, in real time. */
  private static final Duration NOTIFICATION_LEASE = Duration.ofSeconds(30);

  /**
   * The longest the timer loop sleeps when it knows of no timer due sooner: how late it notices
   * timers other nodes made, and the leases of dead nodes running out. Timers this node schedules
   * wake it when they are due.
   */
  private static final Duration TIMER_POLL = Duration.ofMillis(250);

  /** How many seconds of the server's clock pass in a second of real time. */
  private static double rate(Clock clock) {
    return clock instanceof ScaledClock scaledClock ? scaledClock.rate() : 1;
  }

  /** A real-time span in the units of the server's clock, which may run faster than real time. */
  private static Duration scaled(Clock clock, Duration realTime) {
    return clock instanceof ScaledClock scaledClock ? scaledClock.scaled(realTime) : realTime;
  }

  /** Everything the routes need. */
  record Components(
      GraphEdge graph,
      IdentityRoutes identity,
      AdminApi admin,
      JdbcStore store,
      NodeControl node,
      GraphErrors errors,
      RequestLog requestLog) {}

  /** Wires every route. The one routing method, shared by {@link #start} and tests. */
  static void routing(HttpRouting.Builder routing, Components components) {
    routing.addFilter(components.requestLog());
    routing.get("/health", (req, res) -> health(res, components.store(), components.node()));
    routing.get("/health/live", (req, res) -> live(res));
    components.admin().register(routing);
    components.identity().register(routing);
    routing.any(
        (req, res) -> {
          if (GraphEdge.isGraphPath(req.path().rawPath())) {
            components.graph().handle(req, res);
            return;
          }
          components
                .errors()
                .send(
                    res,
                    RequestLog.ids(req),
                    404,
                    "itemNotFound",
                    "No resource at '" + req.path().rawPath() + "'. The calls API is under /v1.0/communications/calls.");
        });
    routing.error(
        Throwable.class,
        (req, res, error) -> {
          RequestIds ids = RequestLog.ids(req);
          LOG.error("request-id={} failed unexpectedly", ids.requestId(), error);
          if (!res.isSent()) {
            components
                .errors()
                .send(
                    res,
                    ids,
                    500,
                    "generalException",
                    "An unexpected error occurred. Quote request-id " + ids.requestId() + " when you report it.");
          }
        });
  }

  /**
   * Readiness, for load balancers: 200 {@code UP} while the node takes requests and work; 503 when
   * the store is unreachable or its migrations are not current ({@code DOWN}), or when the node is
   * drained ({@code DRAINING}).
   */
  private static void health(ServerResponse res, JdbcStore store, NodeControl node) {
    boolean storeUp = store.isReady();
    String status = !storeUp ? "DOWN" : node.draining() ? "DRAINING" : "UP";
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("status", status);
    body.put("node", node.nodeId());
    body.putObject("checks").put("store", storeUp ? "UP" : "DOWN");
    sendHealth(res, status.equals("UP") ? 200 : 503, body);
  }

  /** Liveness: 200 while the process serves requests, drained or not, store reachable or not. */
  private static void live(ServerResponse res) {
    sendHealth(res, 200, Json.MAPPER.createObjectNode().put("status", "UP"));
  }

  private static void sendHealth(ServerResponse res, int status, ObjectNode body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.header(HeaderNames.CACHE_CONTROL, "no-store");
    res.send(Json.bytes(body));
  }

  /**
   * Where a former Dialtone kept its token signing keys, imported into a store that holds none: the
   * data directory's {@value #FORMER_KEY_FILE}, unless the data directory is not used.
   */
  private static Optional<java.nio.file.Path> formerKeyFile(ServerConfig config) {
    return config.inMemory() ? Optional.empty() : Optional.of(config.dataDir().resolve(FORMER_KEY_FILE));
  }

  private static final String FORMER_KEY_FILE = "token-signing-keys.json";

  private static StoreConfig storeConfig(ServerConfig config) {
    if (config.storeUrl().isPresent()) {
      return StoreConfig.postgres(
          config.storeUrl().get(), config.storeUser().orElse(""), config.storePassword().orElse(""));
    }
    return config.inMemory() ? StoreConfig.sqliteInMemory() : StoreConfig.sqliteFile(config.dataDir());
  }

  public int port() {
    return webServer.port();
  }

  /** The base URL to reach this server on its listening address. */
  public String baseUrl() {
    return "http://" + (config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host()) + ":" + port();
  }

  /** The HTTPS listener's port, if HTTPS is on. */
  public java.util.OptionalInt httpsPort() {
    return certificate.isPresent() ? java.util.OptionalInt.of(webServer.port(HTTPS)) : java.util.OptionalInt.empty();
  }

  /** The base URL to reach this server over HTTPS on its listening address, if HTTPS is on. */
  public Optional<String> httpsBaseUrl() {
    String host = config.host().equals("0.0.0.0") || config.host().equals("::") ? "127.0.0.1" : config.host();
    String authority = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return certificate.map(tls -> "https://" + authority + ":" + webServer.port(HTTPS));
  }

  /** The certificate the HTTPS listener presents, if HTTPS is on. */
  public Optional<ServerCertificate> certificate() {
    return certificate;
  }

  public ServerConfig config() {
    return config;
  }

  public DirectoryRegistry directory() {
    return directory;
  }

  public JdbcStore store() {
    return store;
  }

  /** This node's control: its id, and draining it. */
  public NodeControl node() {
    return work;
  }

  /**
   * Stops taking requests, stops polling the directory, stops the timers and the dispatcher
   * (in-flight attempts finish), closes the store.
   */
  @Override
  public void close() {
    webServer.stop();
    requestLog.close();
    directory.close();
    work.close();
    store.close();
    certificate.ifPresent(ServerCertificate::close);
  }
}
