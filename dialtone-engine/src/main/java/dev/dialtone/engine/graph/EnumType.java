package dev.dialtone.engine.graph;

import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * An enum type. Members are matched case-insensitively (the CSDL's {@code operationStatus}
 * members are PascalCase while the docs and the SDKs send lower case).
 *
 * @param qualifiedName the qualified name, e.g. {@code microsoft.graph.modality}
 * @param flags whether the CSDL declares {@code IsFlags="true"}: a value is then a
 *     comma-separated list of members
 * @param members the member names in declaration order
 * @param byName the members keyed case-insensitively
 */
record EnumType(
    String qualifiedName, boolean flags, List<String> members, NavigableMap<String, String> byName)
    implements TypeDef {

  EnumType {
    members = List.copyOf(members);
  }

  static EnumType of(String qualifiedName, boolean flags, List<String> members) {
    TreeMap<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String member : members) {
      if (byName.putIfAbsent(member, member) != null) {
        throw new IllegalStateException(
            "enum " + qualifiedName + " has members differing only in case: " + member);
      }
    }
    return new EnumType(qualifiedName, flags, members, Collections.unmodifiableNavigableMap(byName));
  }

  /** True if {@code name} names a member, in any case. */
  boolean hasMember(String name) {
    return byName.containsKey(name);
  }
}
