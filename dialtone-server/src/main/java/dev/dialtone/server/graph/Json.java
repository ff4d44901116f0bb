package dev.dialtone.server.graph;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dialtone.engine.EngineException;

/**
 * The server's JSON reading and writing. Reading tolerates trailing commas, as the real service's
 * parser does (the Create call page's own examples have them), and rejects duplicate keys and
 * trailing content.
 *
 * <p>Jackson's default pool of read and write buffers is per thread. Requests run on virtual
 * threads, each new, so that pool would allocate fresh buffers (some 16 KiB) for every request; a
 * pool shared by all threads is used instead ({@link #factory()}).
 */
public final class Json {
  public static final ObjectMapper MAPPER =
      JsonMapper.builder(factory())
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}

  /**
   * A new JSON factory whose parsers and generators take their buffers from the pool every thread
   * shares: what mappers used on virtual threads should be made with.
   */
  public static JsonFactory factory() {
    return JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build();
  }

  /**
   * Parses a request body.
   *
   * @throws EngineException 400 naming the line and column of the first fault
   */
  public static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw EngineException.invalidRequest(
          "The request body is empty; send a JSON object with Content-Type: application/json.");
    }
    try {
      return MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      var location = e.getLocation();
      throw EngineException.invalidRequest(
          "The request body is not valid JSON"
              + (location == null
                  ? ""
                  : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")")
              + ": "
              + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw EngineException.invalidRequest("The request body could not be read: " + e.getMessage());
    }
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be written", e);
    }
  }
}
