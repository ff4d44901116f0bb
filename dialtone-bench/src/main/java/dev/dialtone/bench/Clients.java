package dev.dialtone.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The create-call requests of a target's clients, per node: for Dialtone a token from each node's
 * own token endpoint (each node signs with its own keys), for a baseline the fixed header. Closing
 * stops the token renewals.
 */
final class Clients implements AutoCloseable {
  private final Launcher.Running running;
  private final List<CreateCallRequests> requests;

  private Clients(Launcher.Running running, List<CreateCallRequests> requests) {
    this.running = running;
    this.requests = List.copyOf(requests);
  }

  /**
   * Requests for {@code running}'s nodes.
   *
   * @param authorization what a baseline gets as {@code Authorization}
   */
  static Clients of(Launcher.Running running, byte[] body, String authorization) {
    List<CreateCallRequests> requests = new ArrayList<>();
    try {
      for (Launcher.Node node : running.nodes()) {
        URI base = node.base();
        requests.add(
            running.target() == Target.DIALTONE
                ? CreateCallRequests.withTokens(base, body)
                : CreateCallRequests.fixed(base, body, authorization));
      }
    } catch (RuntimeException e) {
      requests.forEach(CreateCallRequests::close);
      throw e;
    }
    return new Clients(running, requests);
  }

  /** One endpoint per node, in the nodes' order. */
  List<LoadGenerator.Endpoint> endpoints() {
    List<LoadGenerator.Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      endpoints.add(new LoadGenerator.Endpoint(running.nodes().get(i).address(), requests.get(i)::current));
    }
    return endpoints;
  }

  /** The request each node gets now, in the nodes' order. */
  List<byte[]> current() {
    return requests.stream().map(CreateCallRequests::current).toList();
  }

  /** The first node's {@code Authorization} header value. */
  String authorization() {
    return requests.getFirst().authorization();
  }

  @Override
  public void close() {
    requests.forEach(CreateCallRequests::close);
  }
}
