package dev.dialtone.engine.call;

import dev.dialtone.engine.directory.Permission;
import java.util.List;

/**
 * The kinds of outgoing call a bot can create, each with the application permissions that allow
 * it (any one of them suffices).
 */
public enum Scenario {
  /** One VoIP target: a user or an application. */
  PEER_TO_PEER(List.of(Permission.CALLS_INITIATE_ALL)),
  /** No target, or two to five VoIP targets. */
  GROUP(List.of(Permission.CALLS_INITIATE_GROUP_CALL_ALL)),
  /** Joining an online meeting, as the app or as a guest. */
  MEETING_JOIN(
      List.of(
          Permission.CALLS_JOIN_GROUP_CALL_ALL, Permission.CALLS_JOIN_GROUP_CALL_AS_GUEST_ALL)),
  /** One phone target, placed through an application instance. */
  PSTN(List.of(Permission.CALLS_INITIATE_ALL));

  /** Group calls ring at most this many targets ("supports up to 5 VoIP users"). */
  public static final int MAX_GROUP_TARGETS = 5;

  private final List<Permission> anyOf;

  Scenario(List<Permission> anyOf) {
    this.anyOf = anyOf;
  }

  /** The permissions of which a caller needs at least one. */
  public List<Permission> requiredAnyOf() {
    return anyOf;
  }

  /** True where the bot gets roster notifications: group calls and meetings. */
  public boolean hasRoster() {
    return this == GROUP || this == MEETING_JOIN;
  }

  public boolean isAllowedFor(Caller caller) {
    return anyOf.stream().anyMatch(caller::has);
  }
}
