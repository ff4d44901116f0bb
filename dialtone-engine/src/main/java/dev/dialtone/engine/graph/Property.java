package dev.dialtone.engine.graph;

/**
 * A declared property of a structured type, or a parameter of an action.
 *
 * @param name the property name (case-sensitive)
 * @param type the item type if {@code collection}, else the type
 * @param collection whether the declared type is {@code Collection(type)}
 * @param nullable the CSDL's {@code Nullable} facet; for a collection it also governs its items
 * @param required whether the value must be present and non-null
 * @param owner who declares it, for messages: a type name or {@code action answer}
 * @param typeDisplay the declared type as the CSDL writes it, e.g. {@code
 *     Collection(microsoft.graph.modality)}
 */
record Property(
    String name,
    TypeDef type,
    boolean collection,
    boolean nullable,
    boolean required,
    String owner,
    String typeDisplay) {

  static Property of(
      String name,
      TypeDef type,
      boolean collection,
      boolean nullable,
      boolean required,
      String owner) {
    String display = collection ? "Collection(" + type.qualifiedName() + ")" : type.qualifiedName();
    return new Property(name, type, collection, nullable, required, owner, display);
  }
}
