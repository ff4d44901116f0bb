package dev.dialtone.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.EngineException;
import org.junit.jupiter.api.Test;

class GraphSchemaConformanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final GraphSchema schema = GraphSchema.bundled();

  private static ObjectNode json(String text) throws Exception {
    return (ObjectNode) JSON.readTree(text);
  }

  @Test
  void undeclaredPropertyOnAnOpenType_conforms() throws Exception {
    schema.checkConformance(json("{\"callbackUri\":\"https://b/c\",\"terminationReason\":null}"), "microsoft.graph.call");
  }

  @Test
  void undeclaredPropertyOnANonOpenType_doesNotConform_butIsAccepted() throws Exception {
    ObjectNode call = json("{\"callbackUri\":\"https://b/c\",\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\",\"removeFromDefaultAudioGroup\":false}}");
    schema.validate(call, "microsoft.graph.call");
    assertThatThrownBy(() -> schema.checkConformance(call, "microsoft.graph.call"))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("mediaConfig.removeFromDefaultAudioGroup")
        .hasMessageContaining("not an open type");
  }

  @Test
  void withoutUndeclared_dropsOnlyWhatNonOpenTypesDoNotDeclare() throws Exception {
    ObjectNode call = json("{\"callbackUri\":\"https://b/c\",\"custom\":1,\"mediaConfig\":{\"@odata.type\":\"#microsoft.graph.serviceHostedMediaConfig\",\"removeFromDefaultAudioGroup\":false}}");
    ObjectNode pruned = schema.withoutUndeclared(call, "microsoft.graph.call");
    assertThat(pruned.path("mediaConfig").has("removeFromDefaultAudioGroup")).isFalse();
    assertThat(pruned.path("custom").asInt()).isEqualTo(1);
    assertThat(call.path("mediaConfig").has("removeFromDefaultAudioGroup")).as("the input is untouched").isTrue();
    schema.checkConformance(pruned, "microsoft.graph.call");
  }

  @Test
  void openness_isInherited() throws Exception {
    // communicationsIdentitySet derives from the open identitySet.
    schema.checkConformance(json("{\"@odata.type\":\"#microsoft.graph.communicationsIdentitySet\",\"anything\":1}"), "microsoft.graph.identitySet");
  }
}
