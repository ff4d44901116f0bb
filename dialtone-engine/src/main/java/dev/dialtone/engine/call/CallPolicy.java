package dev.dialtone.engine.call;

/**
 * Rules that differ between deployments.
 *
 * @param allowHttpLoopbackCallbacks accept {@code http://} callback URIs whose host is a loopback
 *     address or {@code localhost} (the demo profile); otherwise callbacks must be {@code https}
 *     as in Graph
 */
public record CallPolicy(boolean allowHttpLoopbackCallbacks) {

  /** Graph's own rules: {@code https} callbacks only. */
  public static CallPolicy strict() {
    return new CallPolicy(false);
  }

  /** The demo profile: plain {@code http} to loopback allowed as well. */
  public static CallPolicy demo() {
    return new CallPolicy(true);
  }
}
