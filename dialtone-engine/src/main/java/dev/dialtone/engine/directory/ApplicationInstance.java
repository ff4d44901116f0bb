package dev.dialtone.engine.directory;

import java.util.Objects;
import java.util.Optional;

/**
 * An application instance (a Teams resource account) through which an application places PSTN
 * calls.
 *
 * @param objectId the instance's object id, used as {@code source.identity.applicationInstance.id}
 * @param tenantId its tenant
 * @param displayName its display name
 * @param appId the application it is linked to
 * @param phoneNumber its E.164 number, if one is assigned
 */
public record ApplicationInstance(
    String objectId,
    String tenantId,
    String displayName,
    String appId,
    Optional<String> phoneNumber) {
  public ApplicationInstance {
    Directory.requireText(objectId, "application instance objectId");
    Directory.requireText(tenantId, "application instance tenantId");
    Objects.requireNonNull(displayName, "displayName");
    Directory.requireText(appId, "application instance appId");
    Objects.requireNonNull(phoneNumber, "phoneNumber");
    phoneNumber.ifPresent(PhoneNumber::requireE164);
  }
}
