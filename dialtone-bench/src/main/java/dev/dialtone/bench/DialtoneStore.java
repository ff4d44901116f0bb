package dev.dialtone.bench;

import java.util.Locale;

/**
 * Where the Dialtone under test keeps its calls, and how many Dialtone processes share that store.
 *
 * @param kind the embedded SQLite file ({@code --data-dir}) or a PostgreSQL server the harness
 *     starts ({@code --store-url})
 * @param nodes Dialtone processes on the one database: 1 for SQLite (an embedded file has one
 *     writer process), 1 to {@link #MAX_NODES} for PostgreSQL
 */
record DialtoneStore(Kind kind, int nodes) {
  static final int MAX_NODES = 3;

  enum Kind {
    SQLITE,
    POSTGRES
  }

  static final DialtoneStore SQLITE = new DialtoneStore(Kind.SQLITE, 1);

  DialtoneStore {
    if (kind == Kind.SQLITE && nodes != 1) {
      throw new IllegalArgumentException(
          "the embedded store belongs to one process: --nodes applies to --store postgres only, got " + nodes + " nodes");
    }
    if (nodes < 1 || nodes > MAX_NODES) {
      throw new IllegalArgumentException("nodes must be 1 to " + MAX_NODES + ", got " + nodes);
    }
  }

  /** {@code sqlite} or {@code postgres}, as {@code --store} takes them. */
  static DialtoneStore of(String name, int nodes) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "sqlite" -> new DialtoneStore(Kind.SQLITE, nodes);
      case "postgres", "postgresql" -> new DialtoneStore(Kind.POSTGRES, nodes);
      default -> throw new IllegalArgumentException("no store '" + name + "'; the stores are sqlite and postgres");
    };
  }

  /**
   * The target's name in the results: {@code dialtone} on the embedded store (as in every earlier
   * run), {@code dialtone-postgres}, {@code dialtone-postgres-2nodes}, …
   */
  String key() {
    return switch (kind) {
      case SQLITE -> Target.DIALTONE.key();
      case POSTGRES -> Target.DIALTONE.key() + "-postgres" + (nodes == 1 ? "" : "-" + nodes + "nodes");
    };
  }

  String label() {
    return switch (kind) {
      case SQLITE -> Target.DIALTONE.label();
      case POSTGRES -> "Dialtone (PostgreSQL" + (nodes == 1 ? ")" : ", " + nodes + " nodes)");
    };
  }

  /** The label of a result's target key: a baseline's, or a Dialtone store's. */
  static String labelOf(String key) {
    if (key.equals(Target.DIALTONE.key())) {
      return SQLITE.label();
    }
    String prefix = Target.DIALTONE.key() + "-postgres";
    if (key.startsWith(prefix)) {
      String rest = key.substring(prefix.length());
      int nodes = rest.isEmpty() ? 1 : Integer.parseInt(rest.substring(1, rest.indexOf("nodes")));
      return new DialtoneStore(Kind.POSTGRES, nodes).label();
    }
    return Target.of(key).label();
  }

  /** True for a result key of Dialtone on any store. */
  static boolean isDialtone(String key) {
    return key.equals(Target.DIALTONE.key()) || key.startsWith(Target.DIALTONE.key() + "-");
  }
}
