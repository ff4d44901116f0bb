package dev.dialtone.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The request bodies of the eight examples of the Create call page (copied verbatim, trailing
 * commas included) are valid calls.
 */
class GraphSchemaSeedExamplesTest {

  private final GraphSchema schema = GraphSchema.bundled();

  @ParameterizedTest(name = "example {0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void acceptsEveryCreateCallExampleOfTheDocs(int example) {
    JsonNode body = GraphJson.resource("/graph/seed-example-" + example + ".json");

    assertThatCode(() -> schema.validate(body, "microsoft.graph.call")).doesNotThrowAnyException();
    assertThat(schema.resolveType(body, "microsoft.graph.call")).isEqualTo("microsoft.graph.call");
  }

  @Test
  void acceptsExampleOneAsTheJavaSdkSendsItWithoutODataTypesOnTheCallOrItsTargets() {
    JsonNode body =
        GraphJson.parse(
            """
            {"callbackUri":"https://bot.contoso.com/callback",\
            "mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"},\
            "requestedModalities":["audio"],\
            "targets":[{"identity":{"user":{"displayName":"John",\
            "id":"112f7296-5fa4-42ca-bae8-6a692b15d4b8"}}}]}
            """);

    assertThatCode(() -> schema.validate(body, "microsoft.graph.call")).doesNotThrowAnyException();
  }

  @Test
  void resolvesTheMediaConfigOfExampleTwoToAppHostedMedia() {
    JsonNode mediaConfig = GraphJson.resource("/graph/seed-example-2.json").get("mediaConfig");

    assertThat(schema.resolveType(mediaConfig, "microsoft.graph.mediaConfig"))
        .isEqualTo("microsoft.graph.appHostedMediaConfig");
  }
}
