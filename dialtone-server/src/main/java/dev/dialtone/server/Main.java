package dev.dialtone.server;

import dev.dialtone.server.tls.ServerCertificate;
import dev.dialtone.server.tls.TlsSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dialtone}: starts a server. Options fall back to {@code DIALTONE_*} environment variables. */
@Command(
    name = "dialtone",
    mixinStandardHelpOptions = true,
    version = "Dialtone 0.1.0",
    description = "Serves the Microsoft Graph calls API, with an Azure AD-shaped token endpoint.",
    subcommands = {SimulateCommand.class, IncomingCallCommand.class, DrainCommand.class},
    sortOptions = false)
public final class Main implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "${env:DIALTONE_PORT:-8080}",
      description = "Port to listen on; 0 picks a free one (env DIALTONE_PORT; default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--https-port", defaultValue = "${env:DIALTONE_HTTPS_PORT:-" + TlsSettings.DEFAULT_HTTPS_PORT + "}",
      description = "HTTPS port beside the plain one; 0 picks a free one, -1 turns HTTPS off (env DIALTONE_HTTPS_PORT; default ${DEFAULT-VALUE}).")
  int httpsPort;

  @Option(names = "--tls-cert", defaultValue = "${env:DIALTONE_TLS_CERT}",
      description = "PEM certificate (chain) for HTTPS, with --tls-key; without them a development certificate is made in the data directory (env DIALTONE_TLS_CERT).")
  Path tlsCert;

  @Option(names = "--tls-key", defaultValue = "${env:DIALTONE_TLS_KEY}",
      description = "PEM private key of --tls-cert, not encrypted (env DIALTONE_TLS_KEY).")
  Path tlsKey;

  @Option(names = "--host", defaultValue = "${env:DIALTONE_HOST:-127.0.0.1}",
      description = "Address to listen on (env DIALTONE_HOST; default ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--data-dir", defaultValue = "${env:DIALTONE_DATA_DIR:-dialtone-data}",
      description = "Directory for the embedded database and the development certificate (env DIALTONE_DATA_DIR; default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--in-memory", defaultValue = "${env:DIALTONE_IN_MEMORY:-false}",
      description = "Keep everything in memory; nothing survives a restart (env DIALTONE_IN_MEMORY).")
  boolean inMemory;

  @Option(names = "--store-url", defaultValue = "${env:DIALTONE_STORE_URL}",
      description = "PostgreSQL JDBC URL instead of the embedded database (env DIALTONE_STORE_URL).")
  String storeUrl;

  @Option(names = "--store-user", defaultValue = "${env:DIALTONE_STORE_USER}",
      description = "PostgreSQL user (env DIALTONE_STORE_USER).")
  String storeUser;

  @Option(names = "--store-password", defaultValue = "${env:DIALTONE_STORE_PASSWORD}",
      description = "PostgreSQL password (env DIALTONE_STORE_PASSWORD).")
  String storePassword;

  @Option(names = "--directory", defaultValue = "${env:DIALTONE_DIRECTORY}",
      description = "Directory file (YAML); without it the demo directory and demo profile are used (env DIALTONE_DIRECTORY).")
  Path directory;

  @Option(names = "--directory-poll-ms", defaultValue = "${env:DIALTONE_DIRECTORY_POLL_MS:-1000}",
      description = "How often this node reads the stored directory's version to pick up admin changes made on other nodes, in milliseconds (env DIALTONE_DIRECTORY_POLL_MS; default ${DEFAULT-VALUE}).")
  long directoryPollMillis;

  @Option(names = "--admin-key", defaultValue = "${env:DIALTONE_ADMIN_KEY}",
      description = "Bearer credential of the /dialtone/ admin API; the demo profile has a well-known one (env DIALTONE_ADMIN_KEY).")
  String adminKey;

  @Option(names = "--public-url", defaultValue = "${env:DIALTONE_PUBLIC_URL}",
      description = "Base URL clients use, if not what they send as Host (env DIALTONE_PUBLIC_URL).")
  String publicUrl;

  @Option(names = "--max-request-bytes", defaultValue = "${env:DIALTONE_MAX_REQUEST_BYTES:-262144}",
      description = "Largest request body accepted (env DIALTONE_MAX_REQUEST_BYTES; default ${DEFAULT-VALUE}).")
  int maxRequestBytes;

  @Option(names = "--token-lifetime", defaultValue = "${env:DIALTONE_TOKEN_LIFETIME:-3599}",
      description = "Access token lifetime in seconds (env DIALTONE_TOKEN_LIFETIME; default ${DEFAULT-VALUE}).")
  long tokenLifetimeSeconds;

  @Option(names = "--time-scale", defaultValue = "${env:DIALTONE_TIME_SCALE:-1}",
      description = "Run the calls' clock this many times faster than real time, e.g. 60 makes the 45-minute keepAlive expiry take 45 s; for demos and tests on throwaway data (--in-memory), as a restart starts the clock again from real time (env DIALTONE_TIME_SCALE; default ${DEFAULT-VALUE}).")
  double timeScale;

  @Option(names = "--callback-issuer", defaultValue = "${env:DIALTONE_CALLBACK_ISSUER:-" + ServerConfig.DEFAULT_CALLBACK_ISSUER + "}",
      description = "The iss of the tokens that sign notifications (env DIALTONE_CALLBACK_ISSUER; default ${DEFAULT-VALUE}).")
  String callbackIssuer;

  @Option(names = "--callback-allow", split = ",", defaultValue = "${env:DIALTONE_CALLBACK_ALLOW}",
      description = "If set, the only hosts or CIDR blocks notifications may go to (env DIALTONE_CALLBACK_ALLOW, comma-separated).")
  java.util.List<String> callbackAllow = new java.util.ArrayList<>();

  @Option(names = "--callback-deny", split = ",", defaultValue = "${env:DIALTONE_CALLBACK_DENY}",
      description = "Hosts or CIDR blocks notifications never go to (env DIALTONE_CALLBACK_DENY, comma-separated).")
  java.util.List<String> callbackDeny = new java.util.ArrayList<>();

  @Option(names = "--node-id", defaultValue = "${env:DIALTONE_NODE_ID}",
      description = "This node's name in work leases; default host name and process id (env DIALTONE_NODE_ID).")
  String nodeId;

  public static void main(String[] args) {
    // Helidon logs through java.util.logging: send it to SLF4J like everything else.
    org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
    org.slf4j.bridge.SLF4JBridgeHandler.install();
    int exit = new CommandLine(new Main()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    boolean demo = directory == null;
    if (adminKey != null && adminKey.isBlank()) {
      adminKey = null;
    }
    boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    if (demo && adminKey == null && !loopback) {
      // The demo's well-known admin key must not open the directory to a network.
      byte[] random = new byte[16];
      new java.security.SecureRandom().nextBytes(random);
      adminKey = java.util.HexFormat.of().formatHex(random);
      System.err.println("Dialtone: the demo profile is listening on " + host
          + ", not on loopback: its demo credentials are well known. A random admin key is used.");
    }
    ServerConfig config =
        new ServerConfig(
            host,
            port,
            dataDir,
            inMemory,
            Optional.ofNullable(storeUrl),
            Optional.ofNullable(storeUser),
            Optional.ofNullable(storePassword),
            Optional.ofNullable(directory),
            demo,
            Optional.ofNullable(adminKey).or(() -> demo ? Optional.of(ServerConfig.DEMO_ADMIN_KEY) : Optional.empty()),
            Optional.ofNullable(publicUrl),
            maxRequestBytes,
            Duration.ofSeconds(tokenLifetimeSeconds),
            timeScale == 1 ? java.time.Clock.systemUTC() : new ScaledClock(timeScale),
            nodeId == null ? ServerConfig.defaultNodeId() : nodeId,
            callbackIssuer,
            callbackAllow == null ? java.util.List.of() : callbackAllow,
            callbackDeny == null ? java.util.List.of() : callbackDeny,
            new TlsSettings(httpsPort, Optional.ofNullable(tlsCert), Optional.ofNullable(tlsKey)),
            Duration.ofMillis(directoryPollMillis));
    DialtoneServer server = DialtoneServer.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "dialtone-shutdown"));
    Banner.print(System.out, server);
    stopped.await();
    return 0;
  }

  /** What a user needs next, printed once the server listens. */
  static final class Banner {
    private Banner() {}

    static void print(PrintStream out, DialtoneServer server) {
      ServerConfig config = server.config();
      String base = config.publicUrl().orElse(server.baseUrl());
      String store =
          config.storeUrl().map(url -> "PostgreSQL " + url)
              .orElse(config.inMemory() ? "embedded, in memory" : "embedded, " + config.dataDir().resolve("dialtone.db"));
      // With a public URL, that is the one base clients use; otherwise the https listener's too.
      java.util.Optional<String> httpsBase =
          config.publicUrl().isPresent() ? java.util.Optional.empty() : server.httpsBaseUrl();
      out.println("Dialtone listening on " + server.baseUrl()
          + server.httpsBaseUrl().map(https -> " and " + https).orElse(""));
      out.println("  profile          " + (config.demo() ? "demo (demo directory, http loopback callbacks allowed)" : "standard"));
      out.println("  store            " + store);
      out.println("  Graph base URL   " + base + "/v1.0");
      httpsBase.ifPresent(https -> out.println("                   " + https + "/v1.0"));
      String tenant = config.demo() ? "aa67bd4c-8475-432d-bd41-39f255720e0a" : "{tenant}";
      String tokenUrl = base + "/" + tenant + "/oauth2/v2.0/token";
      out.println("  token endpoint   " + tokenUrl);
      httpsBase.ifPresent(https -> out.println("                   " + https + "/" + tenant + "/oauth2/v2.0/token"));
      server.certificate().ifPresent(certificate -> certificate(out, certificate));
      if (config.demo()) {
        out.println("  client id        2891555a-92ff-42e6-80fa-6e1300c6b5c6  (Calling Bot)");
        out.println("  client secret    calling-bot-demo-secret");
        out.println("  admin key        " + config.adminKey().orElse("(none)"));
        out.println();
        out.println("Get a token, then create the Create call page's first example call:");
        out.println();
        out.println("  TOKEN=$(curl -s " + tokenUrl + " \\");
        out.println("    -d grant_type=client_credentials -d client_id=2891555a-92ff-42e6-80fa-6e1300c6b5c6 \\");
        out.println("    -d client_secret=calling-bot-demo-secret -d scope=https://graph.microsoft.com/.default \\");
        out.println("    | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')");
        out.println();
        out.println("  curl -s -X POST " + base + "/v1.0/communications/calls \\");
        out.println("    -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\");
        out.println("    -d '{\"@odata.type\":\"#microsoft.graph.call\",\"callbackUri\":\"http://127.0.0.1:9000/callback\","
            + "\"targets\":[{\"@odata.type\":\"#microsoft.graph.invitationParticipantInfo\",\"identity\":{\"@odata.type\":\"#microsoft.graph.identitySet\","
            + "\"user\":{\"@odata.type\":\"#microsoft.graph.identity\",\"displayName\":\"John\",\"id\":\"112f7296-5fa4-42ca-bae8-6a692b15d4b8\"}}}],"
            + "\"requestedModalities\":[\"audio\"],\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\"}}'");
      }
      out.flush();
    }

    /** Which certificate the HTTPS listener presents, and what a client trusts it with. */
    private static void certificate(PrintStream out, ServerCertificate certificate) {
      switch (certificate.source()) {
        case OPERATOR -> out.println("  TLS certificate  " + certificate.certificateFile() + "  (--tls-cert)");
        case DEVELOPMENT, TEMPORARY -> {
          out.println("  TLS certificate  " + certificate.certificateFile()
              + (certificate.source() == ServerCertificate.Source.TEMPORARY
                  ? "  (development; --in-memory: a new one every start, deleted at exit)"
                  : "  (development; trust it once: README, \"TLS\")"));
          certificate.truststore().ifPresent(truststore -> out.println("  Java truststore  " + truststore
              + "  (password " + ServerCertificate.TRUSTSTORE_PASSWORD + ")"));
        }
      }
    }
  }
}
