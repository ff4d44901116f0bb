package dev.dialtone.engine.graph;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Reads an OData CSDL (XML) document into a {@link SchemaModel}.
 *
 * <p>What it keeps: enum types, complex and entity types (properties, navigation properties, keys,
 * {@code BaseType}, {@code Abstract}), and bound actions. A type that is referenced but not defined
 * becomes an {@link UnknownType}; a missing {@code BaseType} is an error, since the type could not
 * be checked at all.
 *
 * <p>One addition that the CSDL does not state: every type assignable to {@code identitySet} also
 * gets the members of {@code communicationsIdentitySet} that it does not declare itself ({@code
 * applicationInstance}, {@code phone}, ...), typed as {@code communicationsIdentitySet} declares
 * them. The Create call docs send them under a plain {@code #microsoft.graph.identitySet}, and
 * identitySet is open.
 */
final class CsdlReader {

  static final String IDENTITY_SET = SchemaModel.NAMESPACE + ".identitySet";
  static final String COMMUNICATIONS_IDENTITY_SET =
      SchemaModel.NAMESPACE + ".communicationsIdentitySet";

  private static final String EDM = "http://docs.oasis-open.org/odata/ns/edm";
  private static final String COLLECTION = "Collection(";

  private record RawProperty(String name, String type, boolean nullable, boolean navigation) {}

  private record RawType(String name, String base, List<String> keys, List<RawProperty> properties) {}

  private record RawAction(String name, RawProperty binding, List<RawProperty> parameters) {}

  private final Map<String, String> namespaceByAlias = new HashMap<>();
  private final Map<String, RawType> rawTypes = new LinkedHashMap<>();
  private final List<RawAction> rawActions = new ArrayList<>();
  private final Map<String, TypeDef> types = new LinkedHashMap<>();

  private CsdlReader() {}

  static SchemaModel read(InputStream in) throws IOException {
    CsdlReader reader = new CsdlReader();
    reader.parse(parseXml(in));
    return reader.build();
  }

  private static Document parseXml(InputStream in) throws IOException {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      return builder.parse(in);
    } catch (ParserConfigurationException | SAXException e) {
      throw new IOException("cannot parse the CSDL: " + e.getMessage(), e);
    }
  }

  private void parse(Document document) {
    List<Element> schemas = new ArrayList<>();
    collect(document.getDocumentElement(), "Schema", schemas);
    if (schemas.isEmpty()) {
      throw new IllegalStateException("the CSDL has no Schema element");
    }
    for (Element schema : schemas) {
      String alias = schema.getAttribute("Alias");
      if (!alias.isEmpty()) {
        namespaceByAlias.put(alias, schema.getAttribute("Namespace"));
      }
    }
    for (Element schema : schemas) {
      String namespace = schema.getAttribute("Namespace");
      for (Element element : children(schema, null)) {
        if (!EDM.equals(element.getNamespaceURI())) {
          continue;
        }
        switch (element.getLocalName()) {
          case "EnumType" -> readEnum(namespace, element);
          case "ComplexType", "EntityType" -> readStructured(namespace, element);
          case "Action" -> readAction(element);
          default -> {
            // Functions, terms, containers: not needed for validating request bodies.
          }
        }
      }
    }
  }

  private void readEnum(String namespace, Element element) {
    String name = namespace + "." + element.getAttribute("Name");
    List<String> members = new ArrayList<>();
    for (Element member : children(element, "Member")) {
      members.add(member.getAttribute("Name"));
    }
    define(EnumType.of(name, "true".equals(element.getAttribute("IsFlags")), members));
  }

  private void readStructured(String namespace, Element element) {
    String name = namespace + "." + element.getAttribute("Name");
    List<String> keys = new ArrayList<>();
    for (Element key : children(element, "Key")) {
      for (Element ref : children(key, "PropertyRef")) {
        keys.add(ref.getAttribute("Name"));
      }
    }
    List<RawProperty> properties = new ArrayList<>();
    for (Element property : children(element, null)) {
      boolean navigation = "NavigationProperty".equals(property.getLocalName());
      if (navigation || "Property".equals(property.getLocalName())) {
        properties.add(rawProperty(property, navigation));
      }
    }
    String base = element.getAttribute("BaseType");
    rawTypes.put(name, new RawType(name, base.isEmpty() ? null : qualify(base), keys, properties));
    define(
        new StructuredType(
            name,
            "true".equals(element.getAttribute("Abstract")),
            "true".equals(element.getAttribute("OpenType"))));
  }

  private void readAction(Element element) {
    if (!"true".equals(element.getAttribute("IsBound"))) {
      return;
    }
    List<Element> parameters = children(element, "Parameter");
    if (parameters.isEmpty()) {
      throw new IllegalStateException(
          "bound action " + element.getAttribute("Name") + " has no binding parameter");
    }
    List<RawProperty> rest = new ArrayList<>();
    for (Element parameter : parameters.subList(1, parameters.size())) {
      rest.add(rawProperty(parameter, false));
    }
    rawActions.add(
        new RawAction(element.getAttribute("Name"), rawProperty(parameters.get(0), false), rest));
  }

  private RawProperty rawProperty(Element element, boolean navigation) {
    return new RawProperty(
        element.getAttribute("Name"),
        element.getAttribute("Type"),
        !"false".equals(element.getAttribute("Nullable")),
        navigation);
  }

  private void define(TypeDef type) {
    if (types.putIfAbsent(type.qualifiedName(), type) != null) {
      throw new IllegalStateException("type " + type.qualifiedName() + " is defined twice");
    }
  }

  private SchemaModel build() {
    Map<StructuredType, StructuredType> baseOf = new HashMap<>();
    for (RawType raw : rawTypes.values()) {
      if (raw.base() != null) {
        if (!(types.get(raw.base()) instanceof StructuredType base)) {
          throw new IllegalStateException(
              raw.name() + " derives from " + raw.base() + ", which the CSDL does not define");
        }
        baseOf.put(structured(raw.name()), base);
      }
    }
    for (StructuredType type : baseOf.keySet()) {
      Set<StructuredType> seen = new HashSet<>();
      for (StructuredType t = type; t != null; t = baseOf.get(t)) {
        if (!seen.add(t)) {
          throw new IllegalStateException("BaseType cycle at " + type.qualifiedName());
        }
      }
    }

    Map<StructuredType, Map<String, Property>> declared = new HashMap<>();
    for (RawType raw : rawTypes.values()) {
      declaredProperties(structured(raw.name()), baseOf, declared);
    }

    StructuredType identitySet =
        types.get(IDENTITY_SET) instanceof StructuredType s ? s : null;
    StructuredType communicationsIdentitySet =
        types.get(COMMUNICATIONS_IDENTITY_SET) instanceof StructuredType s ? s : null;

    for (RawType raw : rawTypes.values()) {
      StructuredType type = structured(raw.name());
      Map<String, Property> properties = declared.get(type);
      Map<String, Property> members = new LinkedHashMap<>(properties);
      if (identitySet != null
          && communicationsIdentitySet != null
          && derivesFrom(type, identitySet, baseOf)) {
        declared.get(communicationsIdentitySet).forEach(members::putIfAbsent);
      }
      List<Property> required =
          properties.values().stream().filter(Property::required).toList();
      List<StructuredType> concrete =
          rawTypes.keySet().stream()
              .map(this::structured)
              .filter(t -> !t.isAbstract() && derivesFrom(t, type, baseOf))
              .sorted(Comparator.comparing(StructuredType::qualifiedName))
              .toList();
      type.link(baseOf.get(type), members, required, concrete);
    }

    List<ActionDef> actions = new ArrayList<>();
    for (RawAction raw : rawActions) {
      String owner = SchemaModel.NAMESPACE + "." + raw.name();
      Map<String, Property> parameters = new LinkedHashMap<>();
      for (RawProperty p : raw.parameters()) {
        parameters.put(p.name(), property(p, owner, !p.nullable()));
      }
      actions.add(
          new ActionDef(
              raw.name(),
              resolve(raw.binding().type()),
              isCollection(raw.binding().type()),
              Collections.unmodifiableMap(parameters),
              parameters.values().stream().filter(Property::required).toList()));
    }
    return SchemaModel.of(types, actions);
  }

  private Map<String, Property> declaredProperties(
      StructuredType type,
      Map<StructuredType, StructuredType> baseOf,
      Map<StructuredType, Map<String, Property>> done) {
    Map<String, Property> result = done.get(type);
    if (result != null) {
      return result;
    }
    result = new LinkedHashMap<>();
    Set<String> keys = new HashSet<>();
    StructuredType base = baseOf.get(type);
    if (base != null) {
      result.putAll(declaredProperties(base, baseOf, done));
    }
    for (StructuredType t = type; t != null; t = baseOf.get(t)) {
      keys.addAll(rawTypes.get(t.qualifiedName()).keys());
    }
    RawType raw = rawTypes.get(type.qualifiedName());
    for (RawProperty p : raw.properties()) {
      // A key is server-assigned and a navigation property is a relationship: neither is required
      // in a request, whatever its Nullable facet says.
      boolean required = !p.nullable() && !p.navigation() && !keys.contains(p.name());
      if (result.putIfAbsent(p.name(), property(p, type.qualifiedName(), required)) != null) {
        throw new IllegalStateException(
            type.qualifiedName() + " redeclares the inherited property " + p.name());
      }
    }
    // Keys declared on a derived type may refer to inherited properties: recompute "required".
    result.replaceAll(
        (name, p) ->
            p.required() && keys.contains(name)
                ? Property.of(
                    p.name(), p.type(), p.collection(), p.nullable(), false, p.owner())
                : p);
    done.put(type, result);
    return result;
  }

  private Property property(RawProperty raw, String owner, boolean required) {
    return Property.of(
        raw.name(), resolve(raw.type()), isCollection(raw.type()), raw.nullable(), required, owner);
  }

  private static boolean derivesFrom(
      StructuredType type, StructuredType ancestor, Map<StructuredType, StructuredType> baseOf) {
    for (StructuredType t = type; t != null; t = baseOf.get(t)) {
      if (t == ancestor) {
        return true;
      }
    }
    return false;
  }

  private StructuredType structured(String name) {
    return (StructuredType) types.get(name);
  }

  private static boolean isCollection(String typeRef) {
    return typeRef.startsWith(COLLECTION) && typeRef.endsWith(")");
  }

  /** The type a CSDL type reference names; {@code Collection(...)} yields its item type. */
  private TypeDef resolve(String typeRef) {
    String name =
        isCollection(typeRef)
            ? typeRef.substring(COLLECTION.length(), typeRef.length() - 1)
            : typeRef;
    if (name.startsWith("Edm.")) {
      Primitive primitive = Primitive.byName(name);
      return primitive != null ? primitive : new UnknownType(name);
    }
    String qualified = qualify(name);
    TypeDef type = types.get(qualified);
    return type != null ? type : new UnknownType(qualified);
  }

  /** Replaces a schema alias ({@code graph.call}) with its namespace. */
  private String qualify(String name) {
    int dot = name.indexOf('.');
    if (dot > 0) {
      String namespace = namespaceByAlias.get(name.substring(0, dot));
      if (namespace != null) {
        return namespace + name.substring(dot);
      }
    }
    return name;
  }

  private static void collect(Element element, String localName, List<Element> into) {
    if (EDM.equals(element.getNamespaceURI()) && localName.equals(element.getLocalName())) {
      into.add(element);
      return;
    }
    for (Element child : children(element, null)) {
      collect(child, localName, into);
    }
  }

  /** The child elements, all or those in the EDM namespace with the given local name. */
  private static List<Element> children(Element parent, String localName) {
    List<Element> result = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e
          && (localName == null
              || (EDM.equals(e.getNamespaceURI()) && localName.equals(e.getLocalName())))) {
        result.add(e);
      }
    }
    return result;
  }
}
