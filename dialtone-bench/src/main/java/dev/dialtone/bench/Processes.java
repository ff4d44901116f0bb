package dev.dialtone.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The processes of one target, measured as one: a baseline's single process, or every node of a
 * Dialtone deployment. The database a Dialtone deployment uses is measured apart ({@link
 * #databaseCpuTime()}), never added to the target's own CPU.
 */
final class Processes {
  private final List<ChildProcess> processes;
  private final Optional<PostgresServer> database;

  Processes(List<ChildProcess> processes, Optional<PostgresServer> database) {
    if (processes.isEmpty()) {
      throw new IllegalArgumentException("a target has at least one process");
    }
    this.processes = List.copyOf(processes);
    this.database = database;
  }

  /** Fails if any process has exited. */
  void requireAlive() {
    processes.forEach(ChildProcess::requireAlive);
  }

  /** CPU time (user + system) of all the processes so far. */
  Duration cpuTime() {
    return processes.stream().map(ChildProcess::cpuTime).reduce(Duration.ZERO, Duration::plus);
  }

  /** CPU time of the JIT compiler threads of all the processes so far. */
  Duration jitCpuTime() {
    return processes.stream().map(ChildProcess::jitCpuTime).reduce(Duration.ZERO, Duration::plus);
  }

  /** CPU time of the database server the target uses, zero if it uses none of the harness's. */
  Duration databaseCpuTime() {
    return database.map(PostgresServer::cpuTime).orElse(Duration.ZERO);
  }

  /** The first process's log; the others' lie beside it. */
  Path log() {
    return processes.getFirst().log();
  }

  /** The last lines of every process's log. */
  String tail() {
    StringBuilder tails = new StringBuilder();
    for (ChildProcess process : processes) {
      tails.append(processes.size() == 1 ? "" : "--- " + process.name() + " ---\n").append(process.tail()).append('\n');
    }
    return tails.toString();
  }
}
