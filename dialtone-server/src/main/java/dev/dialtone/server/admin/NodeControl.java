package dev.dialtone.server.admin;

/**
 * This node's part in a cluster, as the admin API sees it: its name, and draining it before a
 * rolling restart.
 */
public interface NodeControl {

  /** The node id, as in work leases. */
  String nodeId();

  /** Whether the node was drained (or is being drained). */
  boolean draining();

  /**
   * Takes the node out of the cluster's work: readiness reports it out of service, so a load
   * balancer stops sending requests; it stops claiming timers and notifications, and returns once
   * the ones it was working on are done (their leases released). The other nodes take over
   * everything still to do. Requests that still arrive are served. One-way: restart the node to
   * bring it back. Idempotent.
   */
  void drain();
}
