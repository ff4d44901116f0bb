package dev.dialtone.engine.directory;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A registered application (a bot).
 *
 * @param appId the client id
 * @param tenantId the home tenant
 * @param displayName shown as the call source when a request names none
 * @param secrets client secrets that authenticate it at the token endpoint
 * @param certificates PEM-encoded X.509 certificates whose keys may sign client assertions
 * @param permissions the application permissions granted (admin-consented) to it
 * @param consentedTenants other tenants where it is consented with the same permissions (a
 *     multi-tenant app), so it can get tokens for them
 * @param callingWebhook where notifications of new incoming calls go, if set
 */
public record Application(
    String appId,
    String tenantId,
    String displayName,
    List<String> secrets,
    List<String> certificates,
    Set<Permission> permissions,
    Set<String> consentedTenants,
    Optional<URI> callingWebhook) {

  public Application {
    Directory.requireText(appId, "application appId");
    Directory.requireText(tenantId, "application tenantId");
    Objects.requireNonNull(displayName, "displayName");
    secrets = List.copyOf(secrets);
    certificates = List.copyOf(certificates);
    permissions = Set.copyOf(permissions);
    consentedTenants = Set.copyOf(consentedTenants);
    Objects.requireNonNull(callingWebhook, "callingWebhook");
  }

  /** True if the app may obtain tokens for this tenant: its home tenant or a consented one. */
  public boolean isConsentedIn(String tenant) {
    return tenantId.equals(tenant) || consentedTenants.contains(tenant);
  }
}
