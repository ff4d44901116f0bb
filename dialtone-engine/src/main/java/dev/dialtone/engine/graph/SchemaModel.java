package dev.dialtone.engine.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The loaded schema: types and bound actions, with lookup tables built once so that a lookup
 * allocates nothing.
 *
 * @param lookup every structured and enum type under each accepted spelling ({@code
 *     microsoft.graph.x}, {@code #microsoft.graph.x}, {@code graph.x}, {@code #graph.x}),
 *     case-insensitively
 * @param actions bound actions by name, also under {@code microsoft.graph.name} and {@code
 *     graph.name}, case-insensitively; a name can have overloads (e.g. {@code mute})
 */
record SchemaModel(
    NavigableMap<String, TypeDef> lookup,
    NavigableMap<String, List<ActionDef>> actions) {

  static final String NAMESPACE = "microsoft.graph";
  static final String ALIAS = "graph";

  static SchemaModel of(Map<String, TypeDef> types, List<ActionDef> actions) {
    TreeMap<String, TypeDef> lookup = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (TypeDef type : types.values()) {
      String name = type.qualifiedName();
      List<String> spellings = new ArrayList<>(List.of(name, "#" + name));
      if (name.startsWith(NAMESPACE + ".")) {
        String aliased = ALIAS + name.substring(NAMESPACE.length());
        spellings.add(aliased);
        spellings.add("#" + aliased);
      }
      for (String spelling : spellings) {
        TypeDef previous = lookup.putIfAbsent(spelling, type);
        if (previous != null && previous != type) {
          throw new IllegalStateException(
              "type names differ only in case: " + previous.qualifiedName() + ", " + name);
        }
      }
    }
    TreeMap<String, List<ActionDef>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (ActionDef action : actions) {
      for (String spelling :
          List.of(
              action.name(), NAMESPACE + "." + action.name(), ALIAS + "." + action.name())) {
        byName.computeIfAbsent(spelling, k -> new ArrayList<>()).add(action);
      }
    }
    byName.replaceAll((k, v) -> List.copyOf(v));
    return new SchemaModel(
        Collections.unmodifiableNavigableMap(lookup),
        Collections.unmodifiableNavigableMap(byName));
  }

  /**
   * The type a caller names: a structured or enum type in any accepted spelling, or an {@code
   * Edm} primitive. Returns null if unknown.
   */
  TypeDef find(String name) {
    TypeDef type = lookup.get(name);
    if (type != null) {
      return type;
    }
    return name.regionMatches(true, 0, "Edm.", 0, 4) ? primitive(name) : null;
  }

  private static Primitive primitive(String name) {
    Primitive exact = Primitive.byName(name);
    if (exact != null) {
      return exact;
    }
    for (Primitive p : Primitive.values()) {
      if (p.qualifiedName().equalsIgnoreCase(name)) {
        return p;
      }
    }
    return null;
  }
}
