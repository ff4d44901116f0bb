package dev.dialtone.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The machine a run measured, read at run time: what the results file and BENCHMARKS.md report
 * beside the figures.
 *
 * @param loadAverage the one-minute load average when the run started (other work on a shared
 *     machine shows here)
 */
record Machine(
    int cores,
    long memoryBytes,
    String cpu,
    String os,
    String jdk,
    String jvm,
    double loadAverage,
    boolean tasksetAvailable) {

  static Machine describe() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    long memory =
        os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : -1;
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        memory,
        cpuModel().orElse(System.getProperty("os.arch")),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
        os.getSystemLoadAverage(),
        Files.isExecutable(Path.of("/usr/bin/taskset")) || Files.isExecutable(Path.of("/bin/taskset")));
  }

  private static Optional<String> cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(line -> line.startsWith("model name"))
          .map(line -> line.substring(line.indexOf(':') + 1).trim())
          .findFirst();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** One line for the report, e.g. {@code 2 cores (AMD EPYC), 23.4 GiB, Linux 6.1 amd64, JDK ...}. */
  String summary() {
    return String.format(
        java.util.Locale.ROOT,
        "%d cores (%s), %.1f GiB memory, %s, %s (%s), load average %.2f at the start",
        cores,
        cpu,
        memoryBytes / (1024.0 * 1024 * 1024),
        os,
        jdk,
        jvm,
        loadAverage);
  }
}
