package dev.dialtone.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
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
 *       store on the real disk, {@code synchronous=FULL}.
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

  /** A started target. Closing it stops the process. */
  record Running(Target target, ChildProcess process, URI base) implements AutoCloseable {
    InetSocketAddress address() {
      return new InetSocketAddress(base.getHost(), base.getPort());
    }

    @Override
    public void close() {
      process.close();
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
   * @param ceilingBody the body the ceiling answers with
   */
  Running start(Target target, Path workDir, Path log, Path ceilingBody) {
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return switch (target) {
      case DIALTONE -> startDialtone(workDir, log);
      case CEILING -> startCeiling(log, ceilingBody);
      case WIREMOCK -> startWireMock(workDir, log);
    };
  }

  private Running startDialtone(Path workDir, Path log) {
    List<String> command = new ArrayList<>(List.of(javaCommand, "--enable-native-access=ALL-UNNAMED"));
    command.addAll(dialtoneJvmArgs);
    Path server = root.resolve("dialtone-server/target");
    command.addAll(
        List.of(
            "-cp",
            serverJar() + File.pathSeparator + server.resolve("lib") + "/*",
            "dev.dialtone.server.Main",
            "--port",
            "0",
            // Measured over plain HTTP, like the baselines; no HTTPS listener to bind.
            "--https-port",
            "-1",
            "--data-dir",
            workDir.resolve("data").toString()));
    ChildProcess process = ChildProcess.start(Target.DIALTONE.key(), command, log, pinCpus);
    try {
      URI base = URI.create(process.awaitLine(DIALTONE_READY, START_TIMEOUT));
      return new Running(Target.DIALTONE, process, base);
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
  }

  private Running startCeiling(Path log, Path body) {
    List<String> command =
        List.of(javaCommand, "-cp", System.getProperty("java.class.path"), CeilingServer.class.getName(), "0", body.toString());
    ChildProcess process = ChildProcess.start(Target.CEILING.key(), command, log, pinCpus);
    try {
      return new Running(Target.CEILING, process, URI.create(process.awaitLine(CEILING_READY, START_TIMEOUT)));
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
    Running running = new Running(Target.WIREMOCK, process, URI.create("http://127.0.0.1:" + port));
    try {
      awaitListening(running);
      return running;
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
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
          throw new BenchException(running.target().key() + " did not listen within " + START_TIMEOUT + "; its output:\n" + running.process().tail());
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new BenchException("interrupted while waiting for " + running.target().key(), interrupted);
        }
      } catch (IOException e) {
        throw new BenchException("cannot connect to " + running.target().key() + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Sends one request and requires a {@code 201}: the check that a target really works, and, for
   * Dialtone, the body the ceiling will answer with.
   */
  static HttpConnection.Response probe(Running running, byte[] request) {
    try (HttpConnection connection = HttpConnection.open(running.address())) {
      HttpConnection.Response response = connection.exchange(request);
      if (response.status() != 201) {
        throw new BenchException(
            running.target().key() + " answered the create-call probe with " + response.status() + ": "
                + new String(response.body(), StandardCharsets.UTF_8));
      }
      return response;
    } catch (IOException e) {
      throw new BenchException(running.target().key() + " failed the create-call probe: " + e.getMessage() + "\n" + running.process().tail(), e);
    }
  }

  /**
   * Replaces a demo-profile Dialtone's directory with {@code e2e-directory.yaml}, whose John
   * answers at once.
   */
  static void useEndToEndDirectory(Running running) {
    putDirectory(running, "e2e-directory.yaml");
  }

  /** Replaces a demo-profile Dialtone's directory with the bench resource {@code yamlResource}. */
  static void putDirectory(Running running, String yamlResource) {
    try {
      Object document = new YAMLMapper().readValue(Resources.bytes(yamlResource), Object.class);
      byte[] json = new ObjectMapper().writeValueAsBytes(document);
      HttpRequest request =
          HttpRequest.newBuilder(running.base().resolve("/dialtone/directory"))
              .header("Authorization", "Bearer " + ADMIN_KEY)
              .header("Content-Type", "application/json")
              .PUT(HttpRequest.BodyPublishers.ofByteArray(json))
              .build();
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new BenchException("PUT /dialtone/directory answered " + response.statusCode() + ": " + response.body());
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
