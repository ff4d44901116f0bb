package dev.dialtone.server.directory;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.dialtone.engine.directory.Application;
import dev.dialtone.engine.directory.Behaviour;
import dev.dialtone.engine.directory.ApplicationInstance;
import dev.dialtone.engine.directory.Directory;
import dev.dialtone.engine.directory.OnlineMeeting;
import dev.dialtone.engine.directory.Permission;
import dev.dialtone.engine.directory.PhoneNumber;
import dev.dialtone.engine.directory.Tenant;
import dev.dialtone.engine.directory.User;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The directory as it is written in the configuration file and exchanged on the admin API. Every
 * key is documented in {@code docs/configuration.md}. Missing lists are empty; unknown keys are
 * errors, so a misspelt key fails at start-up instead of being ignored.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DirectoryDocument(
    List<TenantEntry> tenants,
    List<ApplicationEntry> applications,
    @JsonProperty("application-instances") List<InstanceEntry> applicationInstances,
    List<UserEntry> users,
    List<PhoneEntry> phones,
    List<MeetingEntry> meetings) {

  public DirectoryDocument {
    tenants = orEmpty(tenants);
    applications = orEmpty(applications);
    applicationInstances = orEmpty(applicationInstances);
    users = orEmpty(users);
    phones = orEmpty(phones);
    meetings = orEmpty(meetings);
  }

  public record TenantEntry(String id, @JsonProperty("display-name") String displayName) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ApplicationEntry(
      @JsonProperty("app-id") String appId,
      @JsonProperty("tenant-id") String tenantId,
      @JsonProperty("display-name") String displayName,
      List<String> secrets,
      List<String> certificates,
      List<String> permissions,
      @JsonProperty("consented-tenants") List<String> consentedTenants,
      @JsonProperty("calling-webhook") String callingWebhook) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record InstanceEntry(
      @JsonProperty("object-id") String objectId,
      @JsonProperty("tenant-id") String tenantId,
      @JsonProperty("display-name") String displayName,
      @JsonProperty("app-id") String appId,
      @JsonProperty("phone-number") String phoneNumber) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record UserEntry(
      String id,
      @JsonProperty("tenant-id") String tenantId,
      @JsonProperty("display-name") String displayName,
      BehaviourEntry behaviour) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PhoneEntry(
      String number, @JsonProperty("display-name") String displayName, BehaviourEntry behaviour) {}

  /**
   * How a user or phone responds when rung: {@code response} is {@code answer} (default), {@code
   * decline}, {@code busy} or {@code no-answer}; {@code after} how long it rings first (default
   * {@code 1s}); {@code hang-up-after} how long after answering it hangs up (default never);
   * {@code tones} the DTMF keys it presses a second after answering (e.g. {@code "1#"}).
   * Durations are written {@code 500ms}, {@code 2s}, {@code 3m} or ISO-8601 ({@code PT2S}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record BehaviourEntry(
      String response, String after, @JsonProperty("hang-up-after") String hangUpAfter, String tones) {

    Behaviour toBehaviour(String owner) {
      Behaviour.Response parsed =
          switch (response == null ? "answer" : response.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "answer" -> Behaviour.Response.ANSWER;
            case "decline" -> Behaviour.Response.DECLINE;
            case "busy" -> Behaviour.Response.BUSY;
            case "no-answer" -> Behaviour.Response.NO_ANSWER;
            default ->
                throw new IllegalArgumentException(
                    owner + ": behaviour response '" + response + "' is not one of answer, decline, busy, no-answer");
          };
      return new Behaviour(
          parsed,
          after == null ? Behaviour.DEFAULT.after() : Durations.parse(after, owner + " behaviour after"),
          Optional.ofNullable(hangUpAfter).map(d -> Durations.parse(d, owner + " behaviour hang-up-after")),
          tones == null ? "" : tones);
    }

    static BehaviourEntry of(Behaviour behaviour) {
      if (behaviour.equals(Behaviour.DEFAULT)) {
        return null;
      }
      return new BehaviourEntry(
          behaviour.response().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
          behaviour.after().toMillis() + "ms",
          behaviour.hangUpAfter().map(d -> d.toMillis() + "ms").orElse(null),
          behaviour.tones().isEmpty() ? null : behaviour.tones());
    }
  }

  private static Behaviour behaviour(BehaviourEntry entry, String owner) {
    return entry == null ? Behaviour.DEFAULT : entry.toBehaviour(owner);
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record MeetingEntry(
      String id,
      @JsonProperty("tenant-id") String tenantId,
      @JsonProperty("chat-thread-id") String chatThreadId,
      @JsonProperty("message-id") String messageId,
      @JsonProperty("organizer-id") String organizerId,
      @JsonProperty("join-meeting-id") String joinMeetingId,
      String passcode,
      List<String> participants) {}

  /**
   * Builds and checks the directory.
   *
   * @throws IllegalArgumentException naming the entry and the fault
   */
  public Directory toDirectory() {
    return Directory.of(
        new Directory.Contents(
            tenants.stream()
                .map(t -> new Tenant(t.id(), Optional.ofNullable(t.displayName()).orElse(t.id())))
                .toList(),
            applications.stream().map(DirectoryDocument::application).toList(),
            applicationInstances.stream()
                .map(
                    i ->
                        new ApplicationInstance(
                            i.objectId(),
                            i.tenantId(),
                            Optional.ofNullable(i.displayName()).orElse(""),
                            i.appId(),
                            Optional.ofNullable(i.phoneNumber())))
                .toList(),
            users.stream()
                .map(
                    u ->
                        new User(
                            u.id(),
                            u.tenantId(),
                            Optional.ofNullable(u.displayName()).orElse(""),
                            behaviour(u.behaviour(), "user " + u.id())))
                .toList(),
            phones.stream()
                .map(
                    p ->
                        new PhoneNumber(
                            p.number(),
                            Optional.ofNullable(p.displayName()).orElse(""),
                            behaviour(p.behaviour(), "phone " + p.number())))
                .toList(),
            meetings.stream()
                .map(
                    m ->
                        new OnlineMeeting(
                            m.id(),
                            m.tenantId(),
                            m.chatThreadId(),
                            Optional.ofNullable(m.messageId()).orElse("0"),
                            m.organizerId(),
                            Optional.ofNullable(m.joinMeetingId()),
                            Optional.ofNullable(m.passcode()),
                            orEmpty(m.participants())))
                .toList()));
  }

  /** The document of a directory; secrets included (the admin API is privileged). */
  public static DirectoryDocument of(Directory directory) {
    Directory.Contents c = directory.contents();
    return new DirectoryDocument(
        c.tenants().stream().map(t -> new TenantEntry(t.id(), t.displayName())).toList(),
        c.applications().stream().map(DirectoryDocument::entry).toList(),
        c.applicationInstances().stream()
            .map(
                i ->
                    new InstanceEntry(
                        i.objectId(), i.tenantId(), i.displayName(), i.appId(), i.phoneNumber().orElse(null)))
            .toList(),
        c.users().stream()
            .map(u -> new UserEntry(u.id(), u.tenantId(), u.displayName(), BehaviourEntry.of(u.behaviour())))
            .toList(),
        c.phones().stream()
            .map(p -> new PhoneEntry(p.number(), p.displayName(), BehaviourEntry.of(p.behaviour())))
            .toList(),
        c.meetings().stream()
            .map(
                m ->
                    new MeetingEntry(
                        m.id(),
                        m.tenantId(),
                        m.chatThreadId(),
                        m.messageId(),
                        m.organizerId(),
                        m.joinMeetingId().orElse(null),
                        m.passcode().orElse(null),
                        m.participants()))
            .toList());
  }

  static Application application(ApplicationEntry a) {
    Set<Permission> permissions = new LinkedHashSet<>();
    for (String name : orEmpty(a.permissions())) {
      permissions.add(
          Permission.parse(name)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "application "
                              + a.appId()
                              + ": unknown permission '"
                              + name
                              + "'; the calls API's application permissions are "
                              + List.of(Permission.values()))));
    }
    return new Application(
        a.appId(),
        a.tenantId(),
        Optional.ofNullable(a.displayName()).orElse(""),
        orEmpty(a.secrets()),
        orEmpty(a.certificates()),
        permissions,
        Set.copyOf(orEmpty(a.consentedTenants())),
        Optional.ofNullable(a.callingWebhook()).map(URI::create));
  }

  static ApplicationEntry entry(Application a) {
    List<String> permissions = new ArrayList<>();
    a.permissions().stream().map(Permission::claimValue).sorted().forEach(permissions::add);
    return new ApplicationEntry(
        a.appId(),
        a.tenantId(),
        a.displayName(),
        a.secrets(),
        a.certificates(),
        permissions,
        a.consentedTenants().stream().sorted().toList(),
        a.callingWebhook().map(URI::toString).orElse(null));
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }
}
