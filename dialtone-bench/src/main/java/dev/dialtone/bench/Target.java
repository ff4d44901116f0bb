package dev.dialtone.bench;

/** What a slot of a round runs: Dialtone or one of its two baselines, all answering the same request. */
enum Target {
  DIALTONE("dialtone", "Dialtone (embedded store)"),
  CEILING("ceiling", "ceiling (Helidon, static 201)"),
  WIREMOCK("wiremock", "WireMock 3.13.2 standalone");

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

  static Target of(String key) {
    for (Target target : values()) {
      if (target.key.equals(key)) {
        return target;
      }
    }
    throw new IllegalArgumentException("no target '" + key + "'; the targets are dialtone, ceiling and wiremock");
  }
}
