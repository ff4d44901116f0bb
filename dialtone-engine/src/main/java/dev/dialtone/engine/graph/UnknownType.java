package dev.dialtone.engine.graph;

/**
 * A type that the bundled CSDL subset references (for example {@code microsoft.graph.adhocCall}
 * or {@code microsoft.graph.callRecords.callRecord}) but does not define. References to it are
 * tolerated; a value that actually needs it cannot be validated and is rejected.
 */
record UnknownType(String qualifiedName) implements TypeDef {}
