package dev.dialtone.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A target the harness started: a process whose output goes to a log file, that the harness waits
 * for, measures the CPU time of, and stops. Every child is also stopped by a shutdown hook, so an
 * interrupted benchmark leaves nothing running.
 */
final class ChildProcess implements AutoCloseable {
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "bench-children-stop"));
  }

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code command}, prefixed with {@code taskset -c CPUS} if {@code pinCpus} is given.
   *
   * @throws BenchException if it cannot be started
   */
  static ChildProcess start(String name, List<String> command, Path log, Optional<String> pinCpus) {
    return start(name, command, Map.of(), log, pinCpus);
  }

  /** Like {@link #start(String, List, Path, Optional)}, with {@code environment} added to this one's. */
  static ChildProcess start(
      String name, List<String> command, Map<String, String> environment, Path log, Optional<String> pinCpus) {
    List<String> full = new ArrayList<>();
    pinCpus.ifPresent(cpus -> full.addAll(List.of("taskset", "-c", cpus)));
    full.addAll(command);
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder = new ProcessBuilder(full);
      builder.environment().putAll(environment);
      Process process =
          builder
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      RUNNING.add(process);
      return new ChildProcess(name, process, log);
    } catch (IOException e) {
      throw new BenchException("cannot start " + name + " (" + String.join(" ", full) + "): " + e.getMessage(), e);
    }
  }

  String name() {
    return name;
  }

  Path log() {
    return log;
  }

  long pid() {
    return process.pid();
  }

  /**
   * Waits until the log has a line matching {@code pattern} and returns its first group.
   *
   * @throws BenchException if the process exits first or the line does not come in time
   */
  String awaitLine(Pattern pattern, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Matcher matcher = pattern.matcher(logText());
      if (matcher.find()) {
        return matcher.group(1);
      }
      if (!process.isAlive()) {
        throw new BenchException(name + " exited with status " + process.exitValue() + " before it was ready; its output:\n" + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new BenchException(name + " printed no line matching '" + pattern + "' within " + timeout + "; its output:\n" + tail());
      }
      sleep(Duration.ofMillis(50));
    }
  }

  /** Fails if the process has exited with a failure; a process that finished cleanly is fine. */
  void requireAliveOrDone() {
    if (!process.isAlive() && process.exitValue() != 0) {
      throw new BenchException(name + " exited with status " + process.exitValue() + "; its output:\n" + tail());
    }
  }

  /** Fails if the process has exited. */
  void requireAlive() {
    if (!process.isAlive()) {
      throw new BenchException(name + " exited with status " + process.exitValue() + "; its output:\n" + tail());
    }
  }

  /** CPU time (user + system) the process has used so far; zero where the platform does not say. */
  Duration cpuTime() {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  /**
   * CPU time the JVM's JIT compiler threads ({@code C1 CompilerThread…}, {@code C2 CompilerThread…})
   * have used so far, from {@code /proc/PID/task/*\/stat}; zero where there is no {@code /proc}.
   * Clock ticks are taken as 100 a second (Linux's USER_HZ).
   */
  Duration jitCpuTime() {
    Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
    long ticks = 0;
    try (java.util.stream.Stream<Path> threads = Files.list(tasks)) {
      for (Path thread : threads.toList()) {
        String stat;
        try {
          stat = Files.readString(thread.resolve("stat"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
          continue; // the thread ended
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open || !stat.substring(open + 1, close).contains("CompilerThre")) {
          continue;
        }
        String[] fields = stat.substring(close + 2).split(" ");
        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      }
    } catch (IOException | RuntimeException e) {
      return Duration.ZERO;
    }
    return Duration.ofMillis(ticks * 10);
  }

  /** The last lines of the log, for error messages. */
  String tail() {
    String[] lines = logText().split("\n");
    int from = Math.max(0, lines.length - 30);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length)) + "\n(full log: " + log + ")";
  }

  private String logText() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /**
   * Kills the process at once (SIGKILL, like {@code kill -9}: no shutdown hook runs, nothing is
   * flushed or closed) and waits until it is gone.
   */
  void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new BenchException(name + " did not die within 30 s of SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while killing " + name, e);
    } finally {
      RUNNING.remove(process);
    }
  }

  /** Waits for the process to exit by itself; its exit status, or empty if it did not within {@code timeout}. */
  Optional<Integer> awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(process.exitValue()) : Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while waiting for " + name, e);
    }
  }

  /** Asks the process to stop (SIGTERM: Dialtone closes its store), then kills it after 20 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      RUNNING.remove(process);
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while waiting for a target to start", e);
    }
  }
}
