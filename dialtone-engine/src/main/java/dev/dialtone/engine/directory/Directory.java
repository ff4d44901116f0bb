package dev.dialtone.engine.directory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * An immutable, consistent snapshot of the directory: tenants, applications, application
 * instances, users, phones and meetings. Every reference is checked when the snapshot is made (an
 * application's tenant exists, an instance's application exists, a meeting's organizer exists), so
 * the engine can trust what it finds. Changes make a new snapshot ({@link #with}).
 */
public final class Directory {

  /** The parts of a directory, in a form easy to edit and to (de)serialise. */
  public record Contents(
      List<Tenant> tenants,
      List<Application> applications,
      List<ApplicationInstance> applicationInstances,
      List<User> users,
      List<PhoneNumber> phones,
      List<OnlineMeeting> meetings) {
    public Contents {
      tenants = List.copyOf(tenants);
      applications = List.copyOf(applications);
      applicationInstances = List.copyOf(applicationInstances);
      users = List.copyOf(users);
      phones = List.copyOf(phones);
      meetings = List.copyOf(meetings);
    }

    public static Contents empty() {
      return new Contents(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }
  }

  private final Contents contents;
  private final Map<String, Tenant> tenants;
  private final Map<String, Application> applications;
  private final Map<String, ApplicationInstance> instances;
  private final Map<String, User> users;
  private final Map<String, PhoneNumber> phones;
  private final Map<String, OnlineMeeting> meetingsByThread;
  private final Map<String, OnlineMeeting> meetingsById;

  private Directory(Contents contents) {
    this.contents = contents;
    this.tenants = index(contents.tenants(), Tenant::id, "tenant");
    this.applications = index(contents.applications(), Application::appId, "application");
    this.instances =
        index(
            contents.applicationInstances(),
            ApplicationInstance::objectId,
            "application instance");
    this.users = index(contents.users(), User::id, "user");
    this.phones = index(contents.phones(), PhoneNumber::number, "phone");
    this.meetingsById = index(contents.meetings(), OnlineMeeting::id, "meeting");
    this.meetingsByThread =
        index(contents.meetings(), OnlineMeeting::chatThreadId, "meeting chat thread");
    checkReferences();
  }

  /**
   * Makes a snapshot.
   *
   * @throws IllegalArgumentException naming the first duplicate id or dangling reference
   */
  public static Directory of(Contents contents) {
    return new Directory(contents);
  }

  public static Directory empty() {
    return new Directory(Contents.empty());
  }

  public Contents contents() {
    return contents;
  }

  /** A new snapshot with the changed contents; this one is unchanged. */
  public Directory with(Function<Contents, Contents> change) {
    return new Directory(change.apply(contents));
  }

  public Optional<Tenant> tenant(String id) {
    return Optional.ofNullable(tenants.get(id));
  }

  public Optional<Application> application(String appId) {
    return Optional.ofNullable(applications.get(appId));
  }

  public Optional<ApplicationInstance> applicationInstance(String objectId) {
    return Optional.ofNullable(instances.get(objectId));
  }

  public Optional<User> user(String id) {
    return Optional.ofNullable(users.get(id));
  }

  public Optional<PhoneNumber> phone(String number) {
    return Optional.ofNullable(phones.get(number));
  }

  public Optional<OnlineMeeting> meetingByChatThread(String threadId) {
    return Optional.ofNullable(meetingsByThread.get(threadId));
  }

  public Optional<OnlineMeeting> meetingByJoinId(String joinMeetingId) {
    return contents.meetings().stream()
        .filter(m -> m.joinMeetingId().filter(joinMeetingId::equals).isPresent())
        .findFirst();
  }

  private void checkReferences() {
    List<String> problems = new ArrayList<>();
    for (Application app : applications.values()) {
      requireTenant(app.tenantId(), "application " + app.appId(), problems);
      app.consentedTenants()
          .forEach(t -> requireTenant(t, "application " + app.appId() + " consent", problems));
    }
    for (ApplicationInstance instance : instances.values()) {
      requireTenant(instance.tenantId(), "application instance " + instance.objectId(), problems);
      if (!applications.containsKey(instance.appId())) {
        problems.add(
            "application instance "
                + instance.objectId()
                + " links to unknown application "
                + instance.appId());
      }
    }
    for (User user : users.values()) {
      requireTenant(user.tenantId(), "user " + user.id(), problems);
    }
    for (OnlineMeeting meeting : meetingsById.values()) {
      requireTenant(meeting.tenantId(), "meeting " + meeting.id(), problems);
      if (!users.containsKey(meeting.organizerId())) {
        problems.add(
            "meeting " + meeting.id() + " has unknown organizer user " + meeting.organizerId());
      }
      for (String participant : meeting.participants()) {
        if (!users.containsKey(participant)) {
          problems.add("meeting " + meeting.id() + " has unknown participant user " + participant);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("directory is inconsistent: " + String.join("; ", problems));
    }
  }

  private void requireTenant(String tenantId, String owner, List<String> problems) {
    if (!tenants.containsKey(tenantId)) {
      problems.add(owner + " names unknown tenant " + tenantId);
    }
  }

  private static <T> Map<String, T> index(
      Collection<T> items, Function<T, String> key, String what) {
    Map<String, T> map = new LinkedHashMap<>();
    for (T item : items) {
      if (map.putIfAbsent(key.apply(item), item) != null) {
        throw new IllegalArgumentException(
            "directory has two entries for " + what + " '" + key.apply(item) + "'");
      }
    }
    return Map.copyOf(map);
  }

  static void requireText(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
