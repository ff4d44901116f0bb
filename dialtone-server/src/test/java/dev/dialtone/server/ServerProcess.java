package dev.dialtone.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Dialtone in a process of its own, started with {@link Main} on port 0, killable with SIGKILL. */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("Dialtone listening on (http://\\S+)");

  private final Process process;
  private final String baseUrl;

  private ServerProcess(Process process, String baseUrl) {
    this.process = process;
    this.baseUrl = baseUrl;
  }

  static ServerProcess start(Path dataDir, String... extraArgs) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--port", "0", "--data-dir", dataDir.toString()));
    command.addAll(List.of(extraArgs));
    if (!command.contains("--https-port")) {
      // No second port (and no certificate to make) unless a test asks for HTTPS.
      command.addAll(List.of("--https-port", "-1"));
    }
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> url = new CompletableFuture<>();
      StringBuilder seen = new StringBuilder();
      Thread.ofVirtual().start(() -> {
        try {
          String line;
          while ((line = out.readLine()) != null) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
              url.complete(m.group(1));
            } else if (!url.isDone()) {
              seen.append(line).append('\n');
            }
          }
          url.completeExceptionally(new IllegalStateException("server exited before listening:\n" + seen));
        } catch (IOException e) {
          url.completeExceptionally(e);
        }
      });
      return new ServerProcess(process, url.get(60, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("Dialtone did not start", e);
    }
  }

  String baseUrl() {
    return baseUrl;
  }

  /** SIGKILL: no shutdown hook, no flush, like a crash. */
  void kill() {
    process.destroyForcibly();
    awaitExit();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      if (!awaitExit()) {
        kill();
      }
    }
  }

  private boolean awaitExit() {
    try {
      return process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
