package dev.dialtone.engine.graph;

/**
 * A type of the schema: a primitive {@code Edm} type, an enum type, a structured (complex or
 * entity) type, or a type that the CSDL references but does not define.
 */
sealed interface TypeDef permits Primitive, EnumType, StructuredType, UnknownType {

  /** The qualified name as the CSDL spells it, for example {@code microsoft.graph.call}. */
  String qualifiedName();
}
