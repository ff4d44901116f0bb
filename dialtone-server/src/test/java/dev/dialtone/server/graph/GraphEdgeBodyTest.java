package dev.dialtone.server.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GraphEdgeBodyTest {

  @Test
  void callBody_leavesOutDialtoneAnnotations_andEndsWithTheContext_withoutChangingTheCall()
      throws Exception {
    ObjectNode resource =
        (ObjectNode)
            Json.MAPPER.readTree(
                """
                {"@odata.type":"#microsoft.graph.call","state":"establishing",
                 "@dialtone.scenario":"PEER_TO_PEER","targets":[{"identity":{"user":{"id":"u"}}}],
                 "@dialtone.parties":[{"key":"user:u"}],"subject":null,"id":"c1"}""");
    ObjectNode before = resource.deepCopy();

    byte[] body = GraphEdge.callBody(resource, "http://127.0.0.1/v1.0/$metadata#app/calls/$entity");

    assertThat(new String(body, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"@odata.type\":\"#microsoft.graph.call\",\"state\":\"establishing\","
                + "\"targets\":[{\"identity\":{\"user\":{\"id\":\"u\"}}}],\"subject\":null,\"id\":\"c1\","
                + "\"@odata.context\":\"http://127.0.0.1/v1.0/$metadata#app/calls/$entity\"}");
    assertThat(resource).isEqualTo(before);
  }
}
