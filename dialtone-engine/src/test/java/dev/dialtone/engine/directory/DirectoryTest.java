package dev.dialtone.engine.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DirectoryTest {
  private static final Tenant CONTOSO = new Tenant("t1", "Contoso");

  private static Application app(String id, String tenant) {
    return new Application(id, tenant, "Bot", List.of("s"), List.of(), Set.of(), Set.of(), Optional.empty());
  }

  @Test
  void applicationInUnknownTenant_isRejectedNamingIt() {
    var contents = new Directory.Contents(List.of(CONTOSO), List.of(app("a1", "t9")), List.of(), List.of(), List.of(), List.of());
    assertThatThrownBy(() -> Directory.of(contents))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("application a1 names unknown tenant t9");
  }

  @Test
  void duplicateIds_areRejected() {
    var contents = new Directory.Contents(List.of(CONTOSO, CONTOSO), List.of(), List.of(), List.of(), List.of(), List.of());
    assertThatThrownBy(() -> Directory.of(contents)).hasMessageContaining("two entries for tenant 't1'");
  }

  @Test
  void instanceLinkedToUnknownApplication_isRejected() {
    var instance = new ApplicationInstance("i1", "t1", "Bot", "nope", Optional.of("+14255550100"));
    var contents = new Directory.Contents(List.of(CONTOSO), List.of(), List.of(instance), List.of(), List.of(), List.of());
    assertThatThrownBy(() -> Directory.of(contents)).hasMessageContaining("links to unknown application nope");
  }

  @Test
  void phoneNumbers_mustBeE164() {
    assertThatThrownBy(() -> new PhoneNumber("0123", "x")).hasMessageContaining("E.164");
    assertThat(PhoneNumber.isE164("+12345678901")).isTrue();
    assertThat(PhoneNumber.isE164("+0123")).isFalse();
  }

  @Test
  void with_makesANewSnapshotAndLeavesTheOldOne() {
    Directory empty = Directory.of(new Directory.Contents(List.of(CONTOSO), List.of(), List.of(), List.of(), List.of(), List.of()));
    Directory changed = empty.with(c -> new Directory.Contents(c.tenants(), List.of(app("a1", "t1")),
        c.applicationInstances(), c.users(), c.phones(), c.meetings()));
    assertThat(changed.application("a1")).isPresent();
    assertThat(empty.application("a1")).isEmpty();
  }
}
