package dev.dialtone.engine.graph;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The {@code Edm} primitive types the validator checks. */
enum Primitive implements TypeDef {
  STRING("Edm.String", "a JSON string"),
  BOOLEAN("Edm.Boolean", "true or false"),
  BYTE("Edm.Byte", "an integer from 0 to 255"),
  SBYTE("Edm.SByte", "an integer from -128 to 127"),
  INT16("Edm.Int16", "an integer from -32768 to 32767"),
  INT32("Edm.Int32", "an integer from -2147483648 to 2147483647"),
  INT64("Edm.Int64", "an integer from -9223372036854775808 to 9223372036854775807"),
  SINGLE("Edm.Single", "a JSON number"),
  DOUBLE("Edm.Double", "a JSON number"),
  DECIMAL("Edm.Decimal", "a JSON number"),
  GUID("Edm.Guid", "a GUID string such as '2e1a0b00-2db4-4022-9570-243709c565ab'"),
  BINARY("Edm.Binary", "a base64 string"),
  DATE_TIME_OFFSET(
      "Edm.DateTimeOffset", "an ISO-8601 date-time with offset such as '2024-05-01T09:30:00Z'"),
  DURATION("Edm.Duration", "an ISO-8601 duration such as 'PT1M30S'"),
  DATE("Edm.Date", "an ISO-8601 date such as '2024-05-01'"),
  TIME_OF_DAY("Edm.TimeOfDay", "an ISO-8601 time of day such as '09:30:00'");

  private static final Map<String, Primitive> BY_NAME =
      Stream.of(values()).collect(Collectors.toUnmodifiableMap(p -> p.edmName, Function.identity()));

  private final String edmName;
  private final String shape;

  Primitive(String edmName, String shape) {
    this.edmName = edmName;
    this.shape = shape;
  }

  @Override
  public String qualifiedName() {
    return edmName;
  }

  /** What a valid value looks like, for messages. */
  String shape() {
    return shape;
  }

  /** The primitive type named {@code edmName}, or null. */
  static Primitive byName(String edmName) {
    return BY_NAME.get(edmName);
  }
}
