package dev.dialtone.engine.graph;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A complex or entity type with everything the validator needs precomputed at load: the
 * properties collected up the {@code BaseType} chain, the required ones, and the concrete types
 * derived from it.
 *
 * <p>Instances are created in two steps because types refer to each other (also cyclically):
 * {@link CsdlReader} creates every type first and then {@linkplain #link links} it exactly once,
 * before the schema is published. After that an instance never changes; it is published through
 * the final fields of {@link GraphSchema}, which makes the linked state visible to every thread.
 */
final class StructuredType implements TypeDef {

  private final String qualifiedName;
  private final boolean isAbstract;
  private final boolean declaredOpen;

  private StructuredType base;
  private Map<String, Property> members;
  private List<Property> required;
  private List<StructuredType> concreteTypes;
  private boolean linked;

  StructuredType(String qualifiedName, boolean isAbstract, boolean declaredOpen) {
    this.qualifiedName = Objects.requireNonNull(qualifiedName, "qualifiedName");
    this.isAbstract = isAbstract;
    this.declaredOpen = declaredOpen;
  }

  /**
   * Completes the type; called once by the loader.
   *
   * @param base the base type or null
   * @param members the properties to validate, keyed by name: the declared ones (inherited
   *     first), plus members tolerated without declaration (see {@link CsdlReader})
   * @param required the properties that must be present and non-null
   * @param concreteTypes this type, if concrete, and every concrete type derived from it, sorted
   *     by name
   */
  void link(
      StructuredType base,
      Map<String, Property> members,
      List<Property> required,
      List<StructuredType> concreteTypes) {
    if (linked) {
      throw new IllegalStateException(qualifiedName + " is already linked");
    }
    this.base = base;
    this.members = Map.copyOf(members);
    this.required = List.copyOf(required);
    this.concreteTypes = List.copyOf(concreteTypes);
    this.linked = true;
  }

  @Override
  public String qualifiedName() {
    return qualifiedName;
  }

  boolean isAbstract() {
    return isAbstract;
  }

  /** True if this type or a type it derives from is {@code OpenType="true"} (OData: openness is inherited). */
  boolean isOpen() {
    return declaredOpen || (base != null && base.isOpen());
  }

  StructuredType base() {
    return base;
  }

  /** The property named {@code name} (exact case), or null if the type does not declare it. */
  Property member(String name) {
    return members.get(name);
  }

  List<Property> required() {
    return required;
  }

  List<StructuredType> concreteTypes() {
    return concreteTypes;
  }

  /** True if this type is {@code other} or derives from it. */
  boolean isAssignableTo(StructuredType other) {
    for (StructuredType t = this; t != null; t = t.base) {
      if (t == other) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return qualifiedName;
  }
}
