package dev.dialtone.engine.directory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PermissionTest {
  @Test
  void realNames_parseToThemselves() {
    for (Permission permission : Permission.values()) {
      assertThat(Permission.parse(permission.claimValue())).contains(permission);
    }
  }

  @Test
  void theCreateCallPagesSpellings_areAliases() {
    assertThat(Permission.parse("Calls.InitiateGroupCalls.All")).contains(Permission.CALLS_INITIATE_GROUP_CALL_ALL);
    assertThat(Permission.parse("Calls.JoinGroupCalls.All")).contains(Permission.CALLS_JOIN_GROUP_CALL_ALL);
    assertThat(Permission.parse("Calls.JoinGroupCallsasGuest.All"))
        .contains(Permission.CALLS_JOIN_GROUP_CALL_AS_GUEST_ALL);
  }

  @Test
  void unknownNames_parseToNothing() {
    assertThat(Permission.parse("Calls.Everything.All")).isEmpty();
  }
}
