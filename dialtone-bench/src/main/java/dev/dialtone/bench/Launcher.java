package dev.dialtone.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Starts each {@link Target} as a child process, the way a user would run it, and hands back what
 * the load generator needs.
 *
 * <ul>
 *   <li>Dialtone: {@code java -cp dialtone-server/target/dialtone-server.jar:dialtone-server/target/lib/*
 *       dev.dialtone.server.Main --port 0 --data-dir DIR}, the packaged server and its runtime
 *       class path (what {@code ./dialtone} runs), on a fresh data directory: the embedded SQLite
 *       store on the real disk, {@code synchronous=FULL}. Or, with {@code --store postgres}, on a
 *       {@link PostgresServer} started for the slot ({@code --store-url}), as one to three nodes.
 *   <li>The ceiling: {@link CeilingServer} on the harness's own class path (Helidon 4.5 from the
 *       same BOM as Dialtone's).
 *   <li>WireMock: {@code java -jar wiremock-standalone.jar} on a root directory holding one static
 *       stub, with the request journal off (it would grow without bound at these rates; off is the
 *       faster setting, so the comparison favours WireMock).
 * </ul>
 *
 * Every Java target runs on the harness's own JDK with the JVM's default flags.
 */
final class Launcher {
  static final String ADMIN_KEY = "dialtone-demo-admin-key";
  private static final Pattern DIALTONE_READY = Pattern.compile("Dialtone listening on (http://\\S+)");
  private static final Pattern CEILING_READY = Pattern.compile("Ceiling listening on (http://\\S+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Path root;
  private final Optional<String> pinCpus;
  private final List<String> dialtoneJvmArgs;
  private final String javaCommand;

  /** One listening process of a target. */
  record Node(ChildProcess process, URI base) {
    InetSocketAddress address() {
      return new InetSocketAddress(base.getHost(), base.getPort());
    }
  }

  /**
   * A started target: one process, or for Dialtone on PostgreSQL each of its nodes and the database
   * they share. Closing it stops the nodes, then the database.
   *
   * @param key the target's name in the results ({@link DialtoneStore#key()} for Dialtone)
   */
  record Running(Target target, String key, List<Node> nodes, Optional<PostgresServer> database)
      implements AutoCloseable {
    Running {
      nodes = List.copyOf(nodes);
    }

    /** Every node's process, measured as one. */
    Processes process() {
      return new Processes(nodes.stream().map(Node::process).toList(), database);
    }

    /** The first node's base URL. */
    URI base() {
      return nodes.getFirst().base();
    }

    InetSocketAddress address() {
      return nodes.getFirst().address();
    }

    @Override
    public void close() {
      nodes.forEach(node -> node.process().close());
      database.ifPresent(PostgresServer::close);
    }
  }

  Launcher(Path root, Optional<String> pinCpus, List<String> dialtoneJvmArgs) {
    this.root = root;
    this.pinCpus = pinCpus;
    this.dialtoneJvmArgs = List.copyOf(dialtoneJvmArgs);
    this.javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Fails early, with the fix, if a packaged artefact is missing. */
  void requireArtefacts(List<Target> targets) {
    List<Path> needed = new ArrayList<>();
    if (targets.contains(Target.DIALTONE)) {
      needed.add(serverJar());
    }
    if (targets.contains(Target.WIREMOCK)) {
      needed.add(wireMockJar());
    }
    for (Path path : needed) {
      if (!Files.isRegularFile(path)) {
        throw new BenchException(path + " is missing: run ./mvnw -B -q -DskipTests package first (bin/bench does).");
      }
    }
  }

  /**
   * Starts {@code target} in {@code workDir} (its data), logging to {@code log}.
   *
   * @param store where Dialtone keeps its calls, and on how many nodes (ignored for the baselines)
   * @param ceilingBody the body the ceiling answers with
   */
  Running start(Target target, DialtoneStore store, Path workDir, Path log, Path ceilingBody) {
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return switch (target) {
      case DIALTONE -> startDialtone(store, workDir, log);
      case CEILING -> startCeiling(log, ceilingBody);
      case WIREMOCK -> startWireMock(workDir, log);
    };
  }

  /**
   * Dialtone on the embedded store, or on a PostgreSQL server started here for this slot alone
   * with each node its own process, port, data directory and {@code --node-id};
   * node {@code i > 0} logs beside {@code log} with {@code -node<i>} in the name.
   */
  private Running startDialtone(DialtoneStore store, Path workDir, Path log) {
    Optional<PostgresServer> database =
        store.kind() == DialtoneStore.Kind.POSTGRES
            ? Optional.of(PostgresServer.start(workDir.resolve("postgres"), siblingLog(log, "postgres")))
            : Optional.empty();
    List<Node> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < store.nodes(); i++) {
        Path dataDir = workDir.resolve(i == 0 ? "data" : "data-node" + i);
        nodes.add(startDialtoneNode(store, i, database, dataDir, i == 0 ? log : siblingLog(log, "node" + i), List.of()));
      }
      return new Running(Target.DIALTONE, store.key(), nodes, database);
    } catch (RuntimeException e) {
      nodes.forEach(node -> node.process().close());
      database.ifPresent(PostgresServer::close);
      throw e;
    }
  }

  /**
   * Starts Dialtone once and stops it, so that {@code ./dialtone}'s class-data archive of this
   * build exists before anything is measured: the JVM writes it when a server of the build first
   * stops cleanly, and a JVM that will write it runs without Flight Recorder. Every slot then starts
   * as it does for a user who has run this build before.
   */
  void prepareDialtone(Path dataDir, Path log) {
    startDialtoneNode(DialtoneStore.SQLITE, 0, Optional.empty(), dataDir, log, List.of()).process().close();
  }

  /**
   * Starts Dialtone on the embedded store in {@code dataDir}, new or left by an earlier run, with
   * {@code jvmArgs} beside the run's own; returns once it listens.
   */
  Running dialtone(Path dataDir, Path log, List<String> jvmArgs) {
    DialtoneStore store = DialtoneStore.SQLITE;
    Node node = startDialtoneNode(store, 0, Optional.empty(), dataDir, log, jvmArgs);
    return new Running(Target.DIALTONE, store.key(), List.of(node), Optional.empty());
  }

  private Node startDialtoneNode(
      DialtoneStore store, int index, Optional<PostgresServer> database, Path dataDir, Path log, List<String> jvmArgs) {
    // Started as a user starts it, by ./dialtone (the JDK bin/java-env finds, its JVM options and
    // class-data archive); this run's extra JVM options go in JDK_JAVA_OPTIONS, which java reads.
    List<String> command =
        new ArrayList<>(
            List.of(
                root.resolve("dialtone").toString(),
                "--port",
                "0",
                // Measured over plain HTTP, like the baselines; no HTTPS listener to bind.
                "--https-port",
                "-1",
                "--data-dir",
                dataDir.toString(),
                "--node-id",
                "bench-node-" + index));
    List<String> extraJvmArgs = new ArrayList<>(dialtoneJvmArgs);
    extraJvmArgs.addAll(jvmArgs);
    database.ifPresent(
        postgres -> command.addAll(List.of("--store-url", postgres.jdbcUrl(), "--store-user", postgres.user())));
    String name = store.nodes() == 1 ? store.key() : store.key() + "-node" + index;
    Map<String, String> environment =
        extraJvmArgs.isEmpty() ? Map.of() : Map.of("JDK_JAVA_OPTIONS", String.join(" ", extraJvmArgs));
    ChildProcess process = ChildProcess.start(name, command, environment, log, pinCpus);
    try {
      return new Node(process, URI.create(process.awaitLine(DIALTONE_READY, START_TIMEOUT)));
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
  }

  private static Path siblingLog(Path log, String suffix) {
    String name = log.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return log.resolveSibling(dot < 0 ? name + "-" + suffix : name.substring(0, dot) + "-" + suffix + name.substring(dot));
  }

  private Running startCeiling(Path log, Path body) {
    List<String> command =
        List.of(javaCommand, "-cp", System.getProperty("java.class.path"), CeilingServer.class.getName(), "0", body.toString());
    ChildProcess process = ChildProcess.start(Target.CEILING.key(), command, log, pinCpus);
    try {
      URI base = URI.create(process.awaitLine(CEILING_READY, START_TIMEOUT));
      return new Running(Target.CEILING, Target.CEILING.key(), List.of(new Node(process, base)), Optional.empty());
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
  }

  private Running startWireMock(Path workDir, Path log) {
    Path stubs = workDir.resolve("wiremock");
    int port = freePort();
    try {
      Files.createDirectories(stubs.resolve("mappings"));
      Files.createDirectories(stubs.resolve("__files"));
      Files.write(stubs.resolve("__files/create-call-response.json"), Resources.bytes("create-call-response.json"));
      String mapping =
          """
          {
            "request": {"method": "POST", "urlPath": "%s"},
            "response": {
              "status": 201,
              "headers": {
                "Content-Type": "application/json",
                "Location": "http://127.0.0.1:%d%s/%s"
              },
              "bodyFileName": "create-call-response.json"
            }
          }
          """
              .formatted(CreateCallRequests.PATH, port, CreateCallRequests.PATH, CeilingServer.CALL_ID);
      Files.writeString(stubs.resolve("mappings/create-call.json"), mapping);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command =
        List.of(
            javaCommand,
            "-jar",
            wireMockJar().toString(),
            "--port",
            Integer.toString(port),
            "--bind-address",
            "127.0.0.1",
            "--root-dir",
            stubs.toString(),
            "--no-request-journal",
            "--disable-banner");
    ChildProcess process = ChildProcess.start(Target.WIREMOCK.key(), command, log, pinCpus);
    Running running =
        new Running(
            Target.WIREMOCK,
            Target.WIREMOCK.key(),
            List.of(new Node(process, URI.create("http://127.0.0.1:" + port))),
            Optional.empty());
    try {
      awaitListening(running);
      return running;
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
  }

  /**
   * Starts the {@link NotificationSender} baseline on the harness's class path: {@code count}
   * copies of {@code sample} to {@code receiver}, on {@code connections} connections. It exits
   * when it is done.
   */
  ChildProcess sender(URI receiver, Path sample, long count, int connections, Path log) {
    List<String> command =
        List.of(
            javaCommand,
            "-cp",
            System.getProperty("java.class.path"),
            NotificationSender.class.getName(),
            CreateCallRequests.hostAndPort(receiver),
            receiver.getRawPath(),
            sample.toString(),
            Long.toString(count),
            Integer.toString(connections));
    return ChildProcess.start("sender", command, log, pinCpus);
  }

  /** Waits until the target accepts connections (WireMock prints no reliable ready line). */
  private static void awaitListening(Running running) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      running.process().requireAlive();
      try {
        HttpConnection.open(running.address()).close();
        return;
      } catch (ConnectException e) {
        if (System.nanoTime() > deadline) {
          throw new BenchException(running.key() + " did not listen within " + START_TIMEOUT + "; its output:\n" + running.process().tail());
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new BenchException("interrupted while waiting for " + running.target().key(), interrupted);
        }
      } catch (IOException e) {
        throw new BenchException("cannot connect to " + running.key() + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Sends one request to each of the target's nodes ({@code requests} holds one per node, in their
   * order) and requires a {@code 201}: the check that a target really works, and, for Dialtone, the
   * body the ceiling will answer with (the first node's).
   */
  static HttpConnection.Response probe(Running running, List<byte[]> requests) {
    HttpConnection.Response first = null;
    for (int i = 0; i < running.nodes().size(); i++) {
      Node node = running.nodes().get(i);
      try (HttpConnection connection = HttpConnection.open(node.address())) {
        HttpConnection.Response response = connection.exchange(requests.get(i));
        if (response.status() != 201) {
          throw new BenchException(
              node.process().name() + " answered the create-call probe with " + response.status() + ": "
                  + new String(response.body(), StandardCharsets.UTF_8));
        }
        first = first == null ? response : first;
      } catch (IOException e) {
        throw new BenchException(node.process().name() + " failed the create-call probe: " + e.getMessage() + "\n" + node.process().tail(), e);
      }
    }
    return first;
  }

  /**
   * Replaces a demo-profile Dialtone's directory with {@code e2e-directory.yaml}, whose John
   * answers at once, on every node (each keeps its directory in memory).
   */
  static void useEndToEndDirectory(Running running) {
    putDirectory(running, "e2e-directory.yaml");
  }

  /** Replaces a demo-profile Dialtone's directory with the bench resource {@code yamlResource}. */
  static void putDirectory(Running running, String yamlResource) {
    try {
      Object document = new YAMLMapper().readValue(Resources.bytes(yamlResource), Object.class);
      byte[] json = new ObjectMapper().writeValueAsBytes(document);
      for (Node node : running.nodes()) {
        HttpRequest request =
            HttpRequest.newBuilder(node.base().resolve("/dialtone/directory"))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new BenchException("PUT /dialtone/directory answered " + response.statusCode() + ": " + response.body());
        }
      }
    } catch (IOException e) {
      throw new BenchException("cannot load the directory " + yamlResource + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while loading the directory " + yamlResource, e);
    }
  }

  private Path serverJar() {
    return root.resolve("dialtone-server/target/dialtone-server.jar");
  }

  private Path wireMockJar() {
    return root.resolve("dialtone-bench/target/wiremock/wiremock-standalone.jar");
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new BenchException("cannot find a free port: " + e.getMessage(), e);
    }
  }

  /** The bench module's resources. */
  static final class Resources {
    private Resources() {}

    static byte[] bytes(String name) {
      try (InputStream in = Launcher.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException("resource " + name + " is missing from the bench jar");
        }
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
