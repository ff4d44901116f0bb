package dev.dialtone.server;

import dev.dialtone.engine.call.TimerWorker;
import dev.dialtone.server.admin.NodeControl;
import dev.dialtone.server.notify.NotificationDispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work a node does beside serving requests, claimed from the shared store: firing timers and
 * delivering notifications. Started with the server; stopped by {@link #drain} or at close, each
 * time after the work in hand is finished.
 */
final class BackgroundWork implements NodeControl, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundWork.class);

  private final String nodeId;
  private final TimerLoop timers;
  private final TimerWorker timerWorker;
  private final NotificationDispatcher dispatcher;
  private volatile boolean draining;

  BackgroundWork(
      String nodeId, TimerLoop timers, TimerWorker timerWorker, NotificationDispatcher dispatcher) {
    this.nodeId = nodeId;
    this.timers = timers;
    this.timerWorker = timerWorker;
    this.dispatcher = dispatcher;
  }

  void start() {
    dispatcher.start();
    timers.start(timerWorker);
  }

  @Override
  public String nodeId() {
    return nodeId;
  }

  @Override
  public boolean draining() {
    return draining;
  }

  @Override
  public synchronized void drain() {
    if (!draining) {
      draining = true;
      LOG.info("node {} draining: no more timers or notifications are claimed here", nodeId);
    }
    stop();
    LOG.info("node {} drained: the other nodes have its work", nodeId);
  }

  /** Timers first, so their last changes are committed; any node delivers what those owe. */
  private void stop() {
    timers.close();
    dispatcher.close();
  }

  @Override
  public synchronized void close() {
    stop();
  }
}
