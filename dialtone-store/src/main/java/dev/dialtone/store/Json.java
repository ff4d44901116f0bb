package dev.dialtone.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON text of the store's TEXT columns: call resources, notification bodies, timer data.
 *
 * <p>Callers are mostly virtual threads, each new, for which Jackson's default per-thread buffer
 * pool would allocate fresh buffers every time; the mapper shares one pool among all threads.
 */
final class Json {
  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build());

  private Json() {}

  /**
   * The node as JSON text.
   *
   * @param owner what the node belongs to, for the message ({@code "call 42"})
   * @param field which of its values it is ({@code "resource"})
   * @throws IllegalArgumentException if Jackson cannot write it (a node that is not plain JSON)
   */
  static String write(JsonNode node, String owner, String field) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          owner + ": the " + field + " cannot be written as JSON: " + e.getMessage(), e);
    }
  }

  /**
   * The JSON object stored as {@code text}.
   *
   * @throws IllegalStateException if the text is not a JSON object, which the store never writes
   */
  static ObjectNode readObject(String text, String owner, String field) {
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          owner + " is stored with a " + field + " that is not valid JSON: " + e.getMessage(), e);
    }
    if (node instanceof ObjectNode object) {
      return object;
    }
    throw new IllegalStateException(
        owner
            + " is stored with a "
            + field
            + " that is not a JSON object but "
            + node.getNodeType());
  }
}
