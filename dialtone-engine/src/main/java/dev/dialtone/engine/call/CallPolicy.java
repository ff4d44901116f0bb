package dev.dialtone.engine.call;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Rules that differ between deployments.
 *
 * @param allowHttpLoopbackCallbacks accept {@code http://} callback URIs whose host is a loopback
 *     address or {@code localhost} (the demo profile); otherwise callbacks must be {@code https}
 *     as in Graph
 * @param callbackTargets the deployment's delivery policy: the reason a callback URI would never
 *     be delivered to, if it would not (a link-local address, a denied host), so the request that
 *     names it is refused at once rather than its notifications given up later
 */
public record CallPolicy(
    boolean allowHttpLoopbackCallbacks, Function<URI, Optional<String>> callbackTargets) {

  public CallPolicy {
    Objects.requireNonNull(callbackTargets, "callbackTargets");
  }

}
