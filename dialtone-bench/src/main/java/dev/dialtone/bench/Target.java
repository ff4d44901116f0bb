package dev.dialtone.bench;

/**
 * What a slot of a round runs. The first three answer the same create-call request and are
 * compared; {@link #DIALTONE_E2E} is Dialtone again, with a callee that answers at once, for the
 * POST-to-established latency.
 */
enum Target {
  DIALTONE("dialtone", "Dialtone (embedded store)"),
  CEILING("ceiling", "ceiling (Helidon, static 201)"),
  WIREMOCK("wiremock", "WireMock 3.13.2 standalone"),
  DIALTONE_E2E("e2e", "Dialtone, POST to established");

  private final String key;
  private final String label;

  Target(String key, String label) {
    this.key = key;
    this.label = label;
  }

  /** The name on the command line and in the results file. */
  String key() {
    return key;
  }

  String label() {
    return label;
  }

  /** True for the targets measured with the create-call load at each client count. */
  boolean createLoad() {
    return this != DIALTONE_E2E;
  }

  static Target of(String key) {
    for (Target target : values()) {
      if (target.key.equals(key)) {
        return target;
      }
    }
    throw new IllegalArgumentException(
        "no target '" + key + "'; the targets are dialtone, ceiling, wiremock and e2e");
  }
}
