package dev.dialtone.engine.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.EngineException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Checks JSON values against the types of a {@link SchemaModel}. Stateless; every failure is an
 * {@link EngineException#invalidRequest} whose message starts with the JSON path.
 */
final class Validator {

  private static final String ODATA_TYPE = "@odata.type";
  private static final int ECHO_LIMIT = 80;

  /** Told of each property a non-open type does not declare. */
  interface UndeclaredSink {
    void undeclared(ObjectNode owner, String name, JsonPath path, StructuredType type);
  }

  private final SchemaModel model;
  private final UndeclaredSink undeclared;

  /** A validator that accepts undeclared properties everywhere, as the real service does. */
  Validator(SchemaModel model) {
    this(model, (owner, name, path, type) -> {});
  }

  Validator(SchemaModel model, UndeclaredSink undeclared) {
    this.model = model;
    this.undeclared = undeclared;
  }

  /** Validates a whole document of the given type; {@code collection} for {@code Collection(T)}. */
  void validate(JsonNode value, TypeDef type, boolean collection) {
    if (collection) {
      checkCollection(value, type, true, "Collection(" + type.qualifiedName() + ")", null);
    } else {
      checkSingle(value, type, null);
    }
  }

  /** Validates an action's request body; a missing body counts as an empty one. */
  void validateActionBody(JsonNode body, ActionDef action) {
    if (body != null && !body.isMissingNode() && !body.isNull()) {
      if (!body.isObject()) {
        throw fail(
            null,
            "expected a JSON object with the parameters of "
                + action.name()
                + ", got "
                + describe(body));
      }
      for (Map.Entry<String, JsonNode> field : body.properties()) {
        String name = field.getKey();
        if (isAnnotation(name)) {
          continue;
        }
        Property parameter = action.parameters().get(name);
        JsonPath path = JsonPath.property(null, name);
        if (parameter == null) {
          throw fail(path, unknownParameter(action, name));
        }
        checkProperty(field.getValue(), parameter, path);
      }
    }
    for (Property parameter : action.required()) {
      JsonNode value = body == null ? null : body.get(parameter.name());
      if (value == null) {
        throw fail(
            JsonPath.property(null, parameter.name()),
            "required parameter of "
                + action.name()
                + " is missing (expected "
                + parameter.typeDisplay()
                + ")");
      }
    }
  }

  /**
   * The type a structured value declares with {@code @odata.type}, checked against {@code
   * declared}; {@code declared} itself if the value declares none and {@code declared} is concrete.
   */
  StructuredType actualType(JsonNode value, StructuredType declared, JsonPath path) {
    JsonNode odataType = value.get(ODATA_TYPE);
    if (odataType == null || odataType.isNull()) {
      if (declared.isAbstract()) {
        throw fail(
            path,
            "@odata.type is required because "
                + declared.qualifiedName()
                + " is abstract; "
                + useOneOf(declared));
      }
      return declared;
    }
    if (!odataType.isTextual()) {
      throw fail(
          path,
          "@odata.type must be a string such as '#"
              + firstConcrete(declared)
              + "', got "
              + describe(odataType));
    }
    String text = odataType.textValue();
    TypeDef named = model.lookup().get(text);
    if (!(named instanceof StructuredType actual) || !actual.isAssignableTo(declared)) {
      throw fail(
          path,
          "@odata.type '"
              + echo(text)
              + "' is not "
              + declared.qualifiedName()
              + " or a type derived from it"
              + (named == null ? " (no such type)" : ""));
    }
    if (actual.isAbstract()) {
      throw fail(
          path,
          "@odata.type '" + echo(text) + "' names an abstract type; " + useOneOf(actual));
    }
    return actual;
  }

  private void checkProperty(JsonNode value, Property property, JsonPath path) {
    if (value.isNull()) {
      if (!property.nullable()) {
        throw fail(
            path,
            "expected "
                + property.typeDisplay()
                + ", got null; "
                + property.owner()
                + "."
                + property.name()
                + " is not nullable");
      }
      return;
    }
    if (property.collection()) {
      checkCollection(
          value, property.type(), property.nullable(), property.typeDisplay(), path);
    } else {
      checkSingle(value, property.type(), path);
    }
  }

  private void checkCollection(
      JsonNode value, TypeDef itemType, boolean nullableItems, String display, JsonPath path) {
    if (!value.isArray()) {
      throw fail(path, "expected an array (" + display + "), got " + describe(value));
    }
    boolean structured = itemType instanceof StructuredType;
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      JsonPath itemPath = JsonPath.index(path, i);
      if (item.isNull()) {
        if (structured || !nullableItems) {
          throw fail(itemPath, "null is not allowed in " + display);
        }
      } else {
        checkSingle(item, itemType, itemPath);
      }
    }
  }

  private void checkSingle(JsonNode value, TypeDef type, JsonPath path) {
    switch (type) {
      case StructuredType structured -> checkStructured(value, structured, path);
      case EnumType enumType -> checkEnum(value, enumType, path);
      case Primitive primitive -> checkPrimitive(value, primitive, path);
      case UnknownType unknown ->
          throw fail(
              path,
              "values of type "
                  + unknown.qualifiedName()
                  + " are not supported: the type is not part of this server's schema");
    }
  }

  private void checkStructured(JsonNode value, StructuredType declared, JsonPath path) {
    if (!value.isObject()) {
      String hint =
          value.isTextual() && value.textValue().strip().startsWith("{")
              ? "; send the object itself, not a JSON-encoded string"
              : "";
      throw fail(
          path,
          "expected an object (" + declared.qualifiedName() + "), got " + describe(value) + hint);
    }
    StructuredType actual = actualType(value, declared, path);
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      String name = field.getKey();
      if (isAnnotation(name)) {
        continue;
      }
      Property property = actual.member(name);
      if (property != null) {
        checkProperty(field.getValue(), property, JsonPath.property(path, name));
      } else if (!actual.isOpen()) {
        // Accepted and not checked, as the real service takes them; the sink decides what else.
        undeclared.undeclared((ObjectNode) value, name, JsonPath.property(path, name), actual);
      }
    }
    for (Property property : actual.required()) {
      if (value.get(property.name()) == null) {
        throw fail(
            JsonPath.property(path, property.name()),
            "required property of "
                + actual.qualifiedName()
                + " is missing (expected "
                + property.typeDisplay()
                + ")");
      }
    }
  }

  private void checkEnum(JsonNode value, EnumType type, JsonPath path) {
    if (!value.isTextual()) {
      throw fail(
          path,
          "expected "
              + type.qualifiedName()
              + " (a string naming a member), got "
              + describe(value));
    }
    String text = value.textValue();
    if (!type.flags()) {
      if (!type.hasMember(text)) {
        String note =
            text.indexOf(',') >= 0
                ? " (" + type.qualifiedName() + " is not a flags enum: give exactly one member)"
                : "";
        throw fail(path, notAMember(text, type) + note);
      }
      return;
    }
    int start = 0;
    while (true) {
      int comma = text.indexOf(',', start);
      String member = (comma < 0 ? text.substring(start) : text.substring(start, comma)).strip();
      if (!type.hasMember(member)) {
        throw fail(
            path,
            notAMember(member, type)
                + " (a flags enum: give one or more members separated by commas)");
      }
      if (comma < 0) {
        return;
      }
      start = comma + 1;
    }
  }

  private static String notAMember(String text, EnumType type) {
    return "'"
        + echo(text)
        + "' is not a member of "
        + type.qualifiedName()
        + "; expected one of: "
        + String.join(", ", type.members());
  }

  private void checkPrimitive(JsonNode value, Primitive type, JsonPath path) {
    switch (type) {
      case STRING -> expect(value.isTextual(), value, type, path);
      case BOOLEAN -> expect(value.isBoolean(), value, type, path);
      case BYTE -> checkIntegral(value, type, 0, 255, path);
      case SBYTE -> checkIntegral(value, type, Byte.MIN_VALUE, Byte.MAX_VALUE, path);
      case INT16 -> checkIntegral(value, type, Short.MIN_VALUE, Short.MAX_VALUE, path);
      case INT32 -> checkIntegral(value, type, Integer.MIN_VALUE, Integer.MAX_VALUE, path);
      case INT64 -> checkIntegral(value, type, Long.MIN_VALUE, Long.MAX_VALUE, path);
      case SINGLE, DOUBLE, DECIMAL -> expect(value.isNumber(), value, type, path);
      case GUID -> checkText(value, type, path, isGuid(textOf(value)));
      case BINARY -> checkText(value, type, path, isBase64(textOf(value)));
      case DATE_TIME_OFFSET -> checkText(value, type, path, isDateTimeOffset(textOf(value)));
      case DURATION -> checkText(value, type, path, isDuration(textOf(value)));
      case DATE -> checkText(value, type, path, isDate(textOf(value)));
      case TIME_OF_DAY -> checkText(value, type, path, isTimeOfDay(textOf(value)));
    }
  }

  private static void expect(boolean ok, JsonNode value, Primitive type, JsonPath path) {
    if (!ok) {
      throw fail(
          path,
          "expected " + type.qualifiedName() + ", got " + describe(value) + quotedNumberHint(value));
    }
  }

  private static void checkText(JsonNode value, Primitive type, JsonPath path, boolean valid) {
    expect(value.isTextual(), value, type, path);
    if (!valid) {
      throw fail(
          path,
          "expected "
              + type.qualifiedName()
              + " ("
              + type.shape()
              + "), got '"
              + echo(value.textValue())
              + "'");
    }
  }

  private static void checkIntegral(
      JsonNode value, Primitive type, long min, long max, JsonPath path) {
    expect(value.isNumber(), value, type, path);
    boolean whole;
    boolean inRange;
    if (value.isIntegralNumber()) {
      whole = true;
      inRange =
          value.canConvertToLong() && value.longValue() >= min && value.longValue() <= max;
    } else if ((value.isDouble() || value.isFloat()) && !Double.isFinite(value.doubleValue())) {
      whole = false;
      inRange = false;
    } else {
      BigDecimal decimal = value.decimalValue();
      whole = decimal.signum() == 0 || decimal.stripTrailingZeros().scale() <= 0;
      inRange =
          decimal.compareTo(BigDecimal.valueOf(min)) >= 0
              && decimal.compareTo(BigDecimal.valueOf(max)) <= 0;
    }
    if (!whole) {
      throw fail(
          path,
          "expected "
              + type.qualifiedName()
              + ", got "
              + value.asText()
              + ", which is not a whole number");
    }
    if (!inRange) {
      throw fail(
          path,
          "expected "
              + type.qualifiedName()
              + ", got "
              + value.asText()
              + ", which is out of range ("
              + min
              + " to "
              + max
              + ")");
    }
  }

  private static String textOf(JsonNode value) {
    return value.isTextual() ? value.textValue() : "";
  }

  /** Canonical 8-4-4-4-12 hex digits, either case. */
  static boolean isGuid(String s) {
    if (s.length() != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return false;
        }
      } else if (!isHexDigit(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** Base64, standard or URL-safe alphabet, padding optional (OData uses base64url). */
  static boolean isBase64(String s) {
    try {
      Base64.getDecoder().decode(s);
      return true;
    } catch (IllegalArgumentException standard) {
      try {
        Base64.getUrlDecoder().decode(s);
        return true;
      } catch (IllegalArgumentException urlSafe) {
        return false;
      }
    }
  }

  private static boolean isDateTimeOffset(String s) {
    return parses(s, OffsetDateTime::parse);
  }

  private static boolean isDuration(String s) {
    return parses(s, Duration::parse);
  }

  private static boolean isDate(String s) {
    return parses(s, LocalDate::parse);
  }

  private static boolean isTimeOfDay(String s) {
    return parses(s, LocalTime::parse);
  }

  /** True if {@code parser} accepts the text (java.time's ISO-8601 parsers). */
  private static boolean parses(String s, java.util.function.Function<String, ?> parser) {
    try {
      parser.apply(s);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static String quotedNumberHint(JsonNode value) {
    if (!value.isTextual()) {
      return "";
    }
    try {
      new BigDecimal(value.textValue().strip());
      return " ('" + echo(value.textValue()) + "'); send the number without quotes";
    } catch (NumberFormatException e) {
      return "";
    }
  }

  private static String unknownParameter(ActionDef action, String name) {
    if (action.parameters().isEmpty()) {
      return "not a parameter of "
          + action.name()
          + ", which takes no parameters; send an empty body";
    }
    String suggestion =
        action.parameters().keySet().stream()
            .filter(name::equalsIgnoreCase)
            .findFirst()
            .map(p -> "; did you mean '" + p + "'? (parameter names are case-sensitive)")
            .orElse("");
    return "not a parameter of "
        + action.name()
        + suggestion
        + "; the allowed parameters are: "
        + String.join(", ", action.parameters().keySet());
  }

  private static String useOneOf(StructuredType type) {
    List<StructuredType> concrete = type.concreteTypes();
    if (concrete.isEmpty()) {
      return "this server knows no concrete type derived from it";
    }
    List<String> names =
        concrete.stream().map(t -> "#" + t.qualifiedName()).toList();
    if (names.size() == 1) {
      return "use " + names.get(0);
    }
    return "use "
        + String.join(", ", names.subList(0, names.size() - 1))
        + " or "
        + names.get(names.size() - 1);
  }

  private static String firstConcrete(StructuredType type) {
    return type.concreteTypes().isEmpty()
        ? type.qualifiedName()
        : type.concreteTypes().get(0).qualifiedName();
  }

  /** Instance annotations ({@code @odata.type}, {@code name@odata.type}, ...) are always allowed. */
  private static boolean isAnnotation(String name) {
    return name.indexOf('@') >= 0;
  }

  static String describe(JsonNode value) {
    if (value == null) {
      return "nothing";
    }
    return switch (value.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case NULL -> "null";
      case MISSING -> "nothing";
      case BINARY -> "binary data";
      case POJO -> "a Java object";
    };
  }

  private static String echo(String text) {
    return text.length() <= ECHO_LIMIT ? text : text.substring(0, ECHO_LIMIT) + "...";
  }

  static EngineException fail(JsonPath path, String message) {
    return EngineException.invalidRequest(JsonPath.render(path) + ": " + message);
  }
}
