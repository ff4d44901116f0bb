package dev.dialtone.bench;

import java.util.List;

/** A slot of the delivery scenario: Dialtone delivering a backlog, signed or not, or the baseline sender. */
enum DeliveryTarget {
  DIALTONE("dialtone", "Dialtone, signed (a token reused up to 1 min per app and tenant)", List.of()),
  DIALTONE_UNSIGNED(
      "dialtone-unsigned",
      "Dialtone, unsigned (benchmark switch: no Authorization header)",
      List.of("-D" + DeliveryTarget.UNSIGNED_PROPERTY + "=true")),
  SENDER("sender", "minimal sender replaying one signed notification", List.of());

  /** Dialtone's switch for measuring what signing costs; demo profile only. */
  static final String UNSIGNED_PROPERTY = "dialtone.benchmark.unsigned-notifications";

  private final String key;
  private final String label;
  private final List<String> jvmArgs;

  DeliveryTarget(String key, String label, List<String> jvmArgs) {
    this.key = key;
    this.label = label;
    this.jvmArgs = jvmArgs;
  }

  String key() {
    return key;
  }

  String label() {
    return label;
  }

  /** Dialtone's extra JVM options in this slot. */
  List<String> jvmArgs() {
    return jvmArgs;
  }

  boolean isDialtone() {
    return this != SENDER;
  }

  static DeliveryTarget of(String key) {
    for (DeliveryTarget target : values()) {
      if (target.key.equals(key)) {
        return target;
      }
    }
    throw new IllegalArgumentException("no delivery target '" + key + "'; they are dialtone, dialtone-unsigned and sender");
  }
}
