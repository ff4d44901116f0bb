package dev.dialtone.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryProbeTest {
  private static final String HEAP_INFO =
      """
      8732:
       garbage-first heap   total reserved 6172672K, committed 40960K, used 12326K [0x0000000687400000, 0x0000000800000000)
        region size 4096K, 1 young (4096K), 0 survivors (0K)
       Metaspace       used 25000K, committed 25344K, reserved 1114112K
      """;

  private static final String HISTOGRAM =
      """
      8732:
       num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:         41888        4148592  [B (java.base@25.0.3)
         2:          7209         926976  java.lang.Class (java.base@25.0.3)
         3:         36225         869400  java.lang.String (java.base@25.0.3)
      Total        213841       11809376
      """;

  @Test
  void readsHeapCommittedAndUsedFromHeapInfo() {
    assertThat(MemoryProbe.heapUsed(HEAP_INFO)).containsExactly(40960L * 1024, 12326L * 1024);
  }

  @Test
  void readsTheClassHistogram() {
    Map<String, MemoryProbe.ClassBytes> byClass = MemoryProbe.histogram(HISTOGRAM);

    assertThat(byClass.keySet()).containsExactly("[B", "java.lang.Class", "java.lang.String");
    assertThat(byClass.get("java.lang.String")).isEqualTo(new MemoryProbe.ClassBytes("java.lang.String", 36225, 869400));
    assertThat(MemoryProbe.histogramTotal(HISTOGRAM)).isEqualTo(11809376L);
  }

  @Test
  void growthListsTheClassesThatGrewMostFirst() {
    MemoryProbe.Reading before = reading(Map.of("[B", new MemoryProbe.ClassBytes("[B", 10, 1_000), "A", new MemoryProbe.ClassBytes("A", 5, 500)));
    MemoryProbe.Reading after =
        reading(Map.of(
            "[B", new MemoryProbe.ClassBytes("[B", 12, 1_200),
            "A", new MemoryProbe.ClassBytes("A", 4, 400),
            "B", new MemoryProbe.ClassBytes("B", 100, 8_000)));

    assertThat(MemoryProbe.growth(before, after, 5))
        .containsExactly(new MemoryProbe.ClassBytes("B", 100, 8_000), new MemoryProbe.ClassBytes("[B", 2, 200));
  }

  private static MemoryProbe.Reading reading(Map<String, MemoryProbe.ClassBytes> byClass) {
    return new MemoryProbe.Reading(0, 0, 0, 0, List.of(), byClass);
  }

  @Test
  void readsThisProcesssResidentSet() {
    assertThat(MemoryProbe.rss(ProcessHandle.current().pid())).isGreaterThan(1 << 20);
  }
}
