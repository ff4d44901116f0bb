package dev.dialtone.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java target's memory, read from outside the process: {@code jcmd PID GC.run} (a full
 * collection), then {@code jcmd PID GC.heap_info} (heap used and committed after it), then {@code
 * jcmd PID GC.class_histogram} (the live objects by class, itself after another full collection),
 * and the resident set from {@code /proc/PID/status}. The harness's own JDK's {@code jcmd} attaches
 * to the child, which runs on the same JDK as the same user. Nothing in the target has to be
 * configured for it, and nothing about the target's own measurement path changes.
 */
final class MemoryProbe {
  private static final Pattern HEAP_USED = Pattern.compile("\\bcommitted (\\d+)K, used (\\d+)K");
  private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)", Pattern.MULTILINE);
  private static final Pattern VM_RSS = Pattern.compile("^VmRSS:\\s+(\\d+) kB", Pattern.MULTILINE);
  private static final int TOP = 15;

  private MemoryProbe() {}

  /** Live objects of one class. */
  record ClassBytes(String className, long instances, long bytes) {}

  /**
   * One reading.
   *
   * @param heapUsedBytes heap in use right after a full collection (what the heap target is about)
   * @param heapCommittedBytes heap the JVM holds from the OS at that moment
   * @param liveObjectBytes the class histogram's total: the bytes of every live object
   * @param rssBytes the process's resident set (heap, metaspace, code, thread stacks, native
   *     memory such as SQLite's page cache)
   * @param top the classes with the most live bytes
   */
  record Reading(
      long heapUsedBytes,
      long heapCommittedBytes,
      long liveObjectBytes,
      long rssBytes,
      List<ClassBytes> top,
      @com.fasterxml.jackson.annotation.JsonIgnore Map<String, ClassBytes> byClass) {}

  /** Reads {@code process}'s memory (a few seconds for a large heap: two full collections). */
  static Reading read(ChildProcess process) {
    long pid = process.pid();
    process.requireAlive();
    jcmd(pid, "GC.run");
    String heap = jcmd(pid, "GC.heap_info");
    String histogram = jcmd(pid, "GC.class_histogram");
    long[] heapFigures = heapUsed(heap);
    Map<String, ClassBytes> byClass = histogram(histogram);
    return new Reading(
        heapFigures[1],
        heapFigures[0],
        histogramTotal(histogram),
        rss(pid),
        byClass.values().stream().limit(TOP).toList(),
        byClass);
  }

  /** Committed and used bytes from {@code GC.heap_info}'s first line with both. */
  static long[] heapUsed(String heapInfo) {
    Matcher m = HEAP_USED.matcher(heapInfo);
    if (!m.find()) {
      throw new BenchException("cannot find 'committed …K, used …K' in jcmd GC.heap_info's output:\n" + heapInfo);
    }
    return new long[] {Long.parseLong(m.group(1)) * 1024, Long.parseLong(m.group(2)) * 1024};
  }

  /** The histogram's rows, largest first, by class name. */
  static Map<String, ClassBytes> histogram(String histogram) {
    List<ClassBytes> rows = new ArrayList<>();
    for (String line : histogram.split("\n")) {
      Matcher m = HISTOGRAM_ROW.matcher(line);
      if (m.find()) {
        rows.add(new ClassBytes(m.group(3), Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
      }
    }
    rows.sort(Comparator.comparingLong(ClassBytes::bytes).reversed());
    Map<String, ClassBytes> byClass = new LinkedHashMap<>();
    rows.forEach(row -> byClass.merge(row.className(), row, (a, b) -> new ClassBytes(a.className(), a.instances() + b.instances(), a.bytes() + b.bytes())));
    return byClass;
  }

  static long histogramTotal(String histogram) {
    Matcher m = HISTOGRAM_TOTAL.matcher(histogram);
    if (!m.find()) {
      throw new BenchException("cannot find the Total line in jcmd GC.class_histogram's output");
    }
    return Long.parseLong(m.group(2));
  }

  /**
   * The classes whose live bytes grew most from {@code before} to {@code after}, largest growth
   * first (instances and bytes are the growth).
   */
  static List<ClassBytes> growth(Reading before, Reading after, int limit) {
    List<ClassBytes> grown = new ArrayList<>();
    for (ClassBytes now : after.byClass().values()) {
      ClassBytes then = before.byClass().get(now.className());
      long bytes = now.bytes() - (then == null ? 0 : then.bytes());
      long instances = now.instances() - (then == null ? 0 : then.instances());
      if (bytes > 0) {
        grown.add(new ClassBytes(now.className(), instances, bytes));
      }
    }
    grown.sort(Comparator.comparingLong(ClassBytes::bytes).reversed());
    return grown.stream().limit(limit).toList();
  }

  /** The resident set of process {@code pid} in bytes, from {@code /proc}. */
  static long rss(long pid) {
    try {
      String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.ISO_8859_1);
      Matcher m = VM_RSS.matcher(status);
      if (!m.find()) {
        throw new BenchException("no VmRSS line in /proc/" + pid + "/status");
      }
      return Long.parseLong(m.group(1)) * 1024;
    } catch (IOException e) {
      throw new BenchException("cannot read /proc/" + pid + "/status (the scale measurement needs Linux): " + e.getMessage(), e);
    }
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      throw new BenchException(jcmd + " is missing: the scale measurement needs a full JDK (bin/java-env finds one)");
    }
    try {
      Process process =
          new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new BenchException("jcmd " + pid + " " + command + " did not finish within 120 s");
      }
      String text = new String(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new BenchException("jcmd " + pid + " " + command + " exited with " + process.exitValue() + ":\n" + text);
      }
      return text;
    } catch (IOException e) {
      throw new BenchException("cannot run jcmd " + pid + " " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while running jcmd " + command, e);
    }
  }
}
