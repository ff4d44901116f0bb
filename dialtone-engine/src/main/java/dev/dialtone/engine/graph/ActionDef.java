package dev.dialtone.engine.graph;

import java.util.List;
import java.util.Map;

/**
 * A bound action.
 *
 * @param name the action name as the CSDL spells it, e.g. {@code answer}
 * @param bindingType the type of the binding parameter (the item type if {@code
 *     bindingCollection})
 * @param bindingCollection whether the action is bound to a collection, like {@code invite}
 * @param parameters every parameter except the binding one, in declaration order
 * @param required the parameters declared {@code Nullable="false"}
 */
record ActionDef(
    String name,
    TypeDef bindingType,
    boolean bindingCollection,
    Map<String, Property> parameters,
    List<Property> required) {

  /** The binding as the CSDL writes it, e.g. {@code Collection(microsoft.graph.participant)}. */
  String bindingDisplay() {
    return bindingCollection
        ? "Collection(" + bindingType.qualifiedName() + ")"
        : bindingType.qualifiedName();
  }
}
