package dev.dialtone.engine.call;

import dev.dialtone.engine.directory.Permission;
import java.util.Objects;
import java.util.Set;

/**
 * Who is making a Graph request, as proven by a verified access token.
 *
 * @param appId the token's {@code appid}
 * @param tenantId the token's {@code tid}
 * @param roles the application permissions in the token's {@code roles}
 */
public record Caller(String appId, String tenantId, Set<Permission> roles) {
  public Caller {
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(tenantId, "tenantId");
    roles = Set.copyOf(roles);
  }

  public boolean has(Permission permission) {
    return roles.contains(permission);
  }
}
