package dev.dialtone.engine.directory;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The application permissions of the calls API, by their real names. The spellings used on the
 * Create call page ({@code Calls.InitiateGroupCalls.All}, {@code Calls.JoinGroupCalls.All},
 * {@code Calls.JoinGroupCallsasGuest.All}) are accepted as aliases when parsing.
 */
public enum Permission {
  CALLS_INITIATE_ALL("Calls.Initiate.All"),
  CALLS_INITIATE_GROUP_CALL_ALL("Calls.InitiateGroupCall.All", "Calls.InitiateGroupCalls.All"),
  CALLS_JOIN_GROUP_CALL_ALL("Calls.JoinGroupCall.All", "Calls.JoinGroupCalls.All"),
  CALLS_JOIN_GROUP_CALL_AS_GUEST_ALL(
      "Calls.JoinGroupCallAsGuest.All", "Calls.JoinGroupCallsasGuest.All"),
  CALLS_ACCESS_MEDIA_ALL("Calls.AccessMedia.All");

  private final String claimValue;
  private final List<String> aliases;

  Permission(String claimValue, String... aliases) {
    this.claimValue = claimValue;
    this.aliases = List.of(aliases);
  }

  /** The name as it appears in a token's {@code roles} claim. */
  public String claimValue() {
    return claimValue;
  }

  /** Parses a real name or an alias, ignoring case. */
  public static Optional<Permission> parse(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    for (Permission permission : values()) {
      if (permission.claimValue.toLowerCase(Locale.ROOT).equals(wanted)) {
        return Optional.of(permission);
      }
      for (String alias : permission.aliases) {
        if (alias.toLowerCase(Locale.ROOT).equals(wanted)) {
          return Optional.of(permission);
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return claimValue;
  }
}
