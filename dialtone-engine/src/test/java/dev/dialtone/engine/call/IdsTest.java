package dev.dialtone.engine.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00.123Z");

  @Test
  void anIdIsAVersion7Guid_carryingItsMillisecond() {
    String id = Ids.timeOrdered(T0);

    assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    UUID uuid = UUID.fromString(id);
    assertThat(uuid.version()).isEqualTo(7);
    assertThat(uuid.variant()).isEqualTo(2);
    assertThat(uuid.getMostSignificantBits() >>> 16).isEqualTo(T0.toEpochMilli());
  }

  @Test
  void idsOfLaterMillisecondsSortAfter_asTextToo_andNoTwoAreEqual() {
    List<String> ids = new ArrayList<>();
    for (int ms = 0; ms < 1000; ms++) {
      ids.add(Ids.timeOrdered(T0.plusMillis(ms)));
      ids.add(Ids.timeOrdered(T0.plusMillis(ms)));
    }
    for (int i = 2; i < ids.size(); i += 2) {
      assertThat(ids.get(i)).isGreaterThan(ids.get(i - 1)).isGreaterThan(ids.get(i - 2));
    }
    assertThat(new HashSet<>(ids)).hasSameSizeAs(ids);
  }
}
