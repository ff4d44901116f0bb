package dev.dialtone.engine.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The Microsoft Graph v1.0 calls schema, read from its CSDL, and a validator of request bodies
 * against it.
 *
 * <p>The rules, in short:
 *
 * <ul>
 *   <li>Structured values are JSON objects. Their properties include those inherited along {@code
 *       BaseType}. An {@code @odata.type} ({@code #microsoft.graph.x}, {@code microsoft.graph.x}
 *       or {@code #graph.x}, any case) must name the declared type or a type derived from it; it
 *       is required where the declared type is abstract and optional elsewhere.
 *   <li>Undeclared properties and instance annotations are accepted and not checked. An {@code
 *       identitySet} may carry the members of {@code communicationsIdentitySet}; they are checked
 *       with the types declared there.
 *   <li>A property declared {@code Nullable="false"} must not be null and, unless it is a key or a
 *       navigation property, must be present.
 *   <li>Enum members match case-insensitively; flags enums take a comma-separated list.
 *   <li>Primitive values are checked strictly: no numeric strings, no JSON-encoded objects.
 * </ul>
 *
 * <p>Every validation failure is an {@link EngineException} of kind {@link
 * Failure#INVALID_REQUEST} with code {@code invalidRequest}, whose message starts with the JSON path
 * of the offending value ({@code targets[0].identity.user.id}, or {@code the request body} for the
 * root) and names what was expected and what was found.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class GraphSchema {

  private static final String BUNDLED_RESOURCE = "/graph/calls-v1.0.csdl.xml";
  private static final String COLLECTION = "Collection(";

  private final SchemaModel model;
  private final Validator validator;

  private GraphSchema(SchemaModel model) {
    this.model = model;
    this.validator = new Validator(model);
  }

  private static final class Bundled {
    static final GraphSchema INSTANCE = loadBundled();

    private static GraphSchema loadBundled() {
      try (InputStream in = GraphSchema.class.getResourceAsStream(BUNDLED_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("missing classpath resource " + BUNDLED_RESOURCE);
        }
        return load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + BUNDLED_RESOURCE, e);
      }
    }
  }

  /**
   * The schema of the bundled CSDL (classpath resource {@code /graph/calls-v1.0.csdl.xml}), loaded
   * once on first use.
   *
   * @return the shared, immutable instance
   */
  public static GraphSchema bundled() {
    return Bundled.INSTANCE;
  }

  /**
   * Checks that a value Dialtone emits conforms to the schema strictly: what {@link #validate}
   * checks, and also that every property is declared by its type or sits on an open type.
   *
   * @throws EngineException naming the first property that does not conform
   */
  public void checkConformance(JsonNode value, String qualifiedTypeName) {
    Validator strict =
        new Validator(
            model,
            (owner, name, path, type) -> {
              throw EngineException.invalidRequest(
                  path + ": " + type.qualifiedName() + " declares no property '" + name + "' and is not an open type");
            });
    strict.validate(value, type(qualifiedTypeName), false);
  }

  /**
   * A copy of a valid value without the properties its non-open types do not declare: what
   * Dialtone returns of a request it accepted (the real service takes such properties, but the
   * schema has no place for them in a response).
   */
  public ObjectNode withoutUndeclared(ObjectNode value, String qualifiedTypeName) {
    ObjectNode copy = value.deepCopy();
    removeUndeclared(copy, qualifiedTypeName);
    return copy;
  }

  /**
   * Like {@link #withoutUndeclared}, but removes those properties from {@code value} itself: for a
   * value its caller has just built and owns alone, which need not be copied.
   */
  public void removeUndeclared(ObjectNode value, String qualifiedTypeName) {
    java.util.List<java.util.Map.Entry<ObjectNode, String>> found = new java.util.ArrayList<>();
    new Validator(model, (owner, name, path, type) -> found.add(java.util.Map.entry(owner, name)))
        .validate(value, type(qualifiedTypeName), false);
    found.forEach(entry -> entry.getKey().remove(entry.getValue()));
  }

  /** Reads a schema from CSDL XML; for tests and other subsets. */
  static GraphSchema load(InputStream csdl) throws IOException {
    return new GraphSchema(CsdlReader.read(csdl));
  }

  /**
   * Validates {@code value} as an instance of the named type.
   *
   * @param value the JSON value, for example a parsed request body
   * @param qualifiedTypeName a structured or enum type ({@code microsoft.graph.call}; also {@code
   *     #microsoft.graph.call} or {@code graph.call}), an {@code Edm} primitive, or {@code
   *     Collection(...)} of one
   * @throws EngineException ({@link Failure#INVALID_REQUEST}, code {@code invalidRequest}) if the
   *     value does not conform; the message names the JSON path, e.g. {@code
   *     targets[0].identity.user.id: expected Edm.String, got a number}
   * @throws IllegalArgumentException if the schema has no such type
   */
  public void validate(JsonNode value, String qualifiedTypeName) {
    Objects.requireNonNull(value, "value");
    boolean collection = isCollection(qualifiedTypeName);
    validator.validate(value, type(qualifiedTypeName), collection);
  }

  /**
   * Validates the request body of a bound action, for example {@code answer} bound to {@code
   * microsoft.graph.call}. The body is a JSON object whose members are the action's parameters
   * other than the binding parameter. Parameters declared {@code Nullable="false"} are required
   * and must not be null; members that are not parameters are rejected with a message listing the
   * allowed ones; instance annotations are ignored. A null, missing or JSON {@code null} body
   * counts as an empty one.
   *
   * @param body the parsed request body, or null if there was none
   * @param actionName the action, matched case-insensitively; {@code microsoft.graph.answer} is
   *     accepted too
   * @param bindingTypeName the type the action is invoked on, e.g. {@code microsoft.graph.call} or
   *     {@code Collection(microsoft.graph.participant)}; an action bound to a base type applies to
   *     derived types, and the most specific overload wins
   * @throws EngineException ({@link Failure#INVALID_REQUEST}, code {@code invalidRequest}) if no
   *     such action is bound to the type or the body does not conform
   * @throws IllegalArgumentException if the schema has no type {@code bindingTypeName}
   */
  public void validateActionBody(JsonNode body, String actionName, String bindingTypeName) {
    Objects.requireNonNull(actionName, "actionName");
    boolean collection = isCollection(bindingTypeName);
    TypeDef binding = type(bindingTypeName);
    validator.validateActionBody(body, action(actionName, binding, collection, bindingTypeName));
  }

  /**
   * The concrete type a value declares with {@code @odata.type} or, absent one, the declared
   * type.
   *
   * @param value the JSON value
   * @param declaredTypeName the type the context declares, e.g. {@code microsoft.graph.mediaConfig}
   * @return the qualified name as the CSDL spells it, e.g. {@code
   *     microsoft.graph.serviceHostedMediaConfig}; for a non-structured declared type, its name
   * @throws EngineException ({@link Failure#INVALID_REQUEST}) if {@code @odata.type} is not a
   *     string, names no known type, names an abstract type, or names a type that is not the
   *     declared type or derived from it
   * @throws IllegalArgumentException if the schema has no type {@code declaredTypeName}, or it is a
   *     collection
   */
  public String resolveType(JsonNode value, String declaredTypeName) {
    Objects.requireNonNull(value, "value");
    if (isCollection(declaredTypeName)) {
      throw new IllegalArgumentException("not a single-valued type: " + declaredTypeName);
    }
    TypeDef declared = type(declaredTypeName);
    if (declared instanceof StructuredType structured && value.isObject()) {
      JsonNode odataType = value.get("@odata.type");
      if (odataType != null && !odataType.isNull()) {
        return validator.actualType(value, structured, null).qualifiedName();
      }
    }
    return declared.qualifiedName();
  }

  /**
   * Whether {@code subType} is {@code baseType} or derives from it. Names are accepted in every
   * spelling {@link #validate} accepts, case-insensitively.
   *
   * @return false if either name is not a type of the schema
   */
  public boolean isAssignable(String subType, String baseType) {
    TypeDef sub = model.find(Objects.requireNonNull(subType, "subType"));
    TypeDef base = model.find(Objects.requireNonNull(baseType, "baseType"));
    if (sub == null || base == null) {
      return false;
    }
    if (sub instanceof StructuredType s && base instanceof StructuredType b) {
      return s.isAssignableTo(b);
    }
    return sub == base;
  }

  private ActionDef action(
      String actionName, TypeDef binding, boolean collection, String bindingTypeName) {
    ActionDef best = null;
    int bestDepth = -1;
    for (ActionDef candidate : model.actions().getOrDefault(actionName, List.of())) {
      if (candidate.bindingCollection() == collection && binds(binding, candidate.bindingType())) {
        int depth = depth(candidate.bindingType());
        if (depth > bestDepth) {
          best = candidate;
          bestDepth = depth;
        }
      }
    }
    if (best != null) {
      return best;
    }
    TreeSet<String> bound = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (List<ActionDef> overloads : model.actions().values()) {
      for (ActionDef a : overloads) {
        if (a.bindingCollection() == collection && binds(binding, a.bindingType())) {
          bound.add(a.name());
        }
      }
    }
    String display =
        collection ? COLLECTION + binding.qualifiedName() + ")" : binding.qualifiedName();
    throw EngineException.invalidRequest(
        "'"
            + actionName
            + "' is not an action bound to "
            + display
            + (bound.isEmpty()
                ? "; no actions are bound to it"
                : "; the actions bound to it are: " + String.join(", ", bound)));
  }

  private static boolean binds(TypeDef binding, TypeDef declared) {
    if (binding instanceof StructuredType s && declared instanceof StructuredType d) {
      return s.isAssignableTo(d);
    }
    return binding == declared;
  }

  private static int depth(TypeDef type) {
    int depth = 0;
    if (type instanceof StructuredType s) {
      for (StructuredType t = s.base(); t != null; t = t.base()) {
        depth++;
      }
    }
    return depth;
  }

  private static boolean isCollection(String typeName) {
    Objects.requireNonNull(typeName, "typeName");
    return typeName.regionMatches(true, 0, COLLECTION, 0, COLLECTION.length())
        && typeName.endsWith(")");
  }

  private TypeDef type(String typeName) {
    String name =
        isCollection(typeName)
            ? typeName.substring(COLLECTION.length(), typeName.length() - 1)
            : typeName;
    TypeDef type = model.find(name);
    if (type == null) {
      throw new IllegalArgumentException("the Graph schema has no type " + typeName);
    }
    return type;
  }
}
