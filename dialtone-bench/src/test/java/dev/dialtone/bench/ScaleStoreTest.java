package dev.dialtone.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScaleStoreTest {
  private static final String TENANT = "aa67bd4c-8475-432d-bd41-39f255720e0a";
  private static final String CALL = "46c132a3-a8a4-4766-94f0-18714c29b904";
  private static final String CHAIN = "f4a15545-59ef-4871-89d5-3edd1808acd8";
  private static final String NOTIFICATION = "039b8f50-404b-4bee-ad65-8da66c191cc5";
  private static final String JOHN = "112f7296-5fa4-42ca-bae8-6a692b15d4b8";

  private static Map<String, Object> row(Object... keysAndValues) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      row.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return row;
  }

  private static ScaleStore.Template template() {
    Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
    tables.put(
        "calls",
        List.of(row("id", CALL, "tenant_id", TENANT, "state", "terminated", "created_at", 1_000L, "version", 3L,
            "resource", "{\"id\":\"" + CALL + "\",\"callChainId\":\"" + CHAIN + "\",\"user\":\"" + JOHN + "\"}")));
    tables.put(
        "notifications",
        List.of(row("id", NOTIFICATION, "call_id", CALL, "sequence", 100L, "body", "{\"resource\":\"/app/calls/" + CALL + "\"}",
            "created_at", 1_010L, "lease_owner", null)));
    tables.put("delivery_attempts", List.of(row("notification_id", NOTIFICATION, "number", 1L, "at", 1_020L, "status", 202L)));
    tables.put("timers", List.of());
    return ScaleStore.Template.of(tables, Set.of(TENANT, JOHN));
  }

  @Test
  void aCopyReplacesEveryIdButTheDirectorysConsistentlyAcrossItsRows() {
    ScaleStore.Template template = template();

    ScaleStore.Template.Copy copy = template.copy(-5_000);

    assertThat(template.varyingIds()).isEqualTo(3);
    Object[] call = copy.rows("calls").get(0);
    String id = (String) call[0];
    assertThat(id).isNotEqualTo(CALL).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(call[1]).isEqualTo(TENANT);
    assertThat((String) call[5]).contains("\"id\":\"" + id + "\"").contains(JOHN).doesNotContain(CHAIN);
    Object[] notification = copy.rows("notifications").get(0);
    assertThat(notification[1]).isEqualTo(id);
    assertThat((String) notification[3]).isEqualTo("{\"resource\":\"/app/calls/" + id + "\"}");
    assertThat(notification[5]).isNull();
    assertThat(copy.rows("delivery_attempts").get(0)[0]).isEqualTo(notification[0]).isNotEqualTo(NOTIFICATION);
    assertThat(copy.rows("timers")).isEmpty();
  }

  @Test
  void aCopyMovesTimestampsAndKeepsOtherNumbers() {
    ScaleStore.Template.Copy copy = template().copy(-5_000);

    Object[] call = copy.rows("calls").get(0);
    assertThat(call[3]).isEqualTo(-4_000L);
    assertThat(call[4]).isEqualTo(3L);
    assertThat(copy.rows("notifications").get(0)[2]).isEqualTo(100L);
    assertThat(copy.rows("notifications").get(0)[4]).isEqualTo(-3_990L);
    assertThat(copy.rows("delivery_attempts").get(0)[2]).isEqualTo(-3_980L);
    assertThat(copy.rows("delivery_attempts").get(0)[3]).isEqualTo(202L);
  }

  @Test
  void copiesGetDistinctIds() {
    ScaleStore.Template template = template();

    assertThat(template.copy(0).rows("calls").get(0)[0]).isNotEqualTo(template.copy(0).rows("calls").get(0)[0]);
    assertThat(template.shape()).containsExactly(
        Map.entry("calls", 1), Map.entry("notifications", 1), Map.entry("delivery_attempts", 1), Map.entry("timers", 0));
  }
}
