package dev.dialtone.engine.directory;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A scheduled online meeting a bot can join.
 *
 * @param id the meeting's id
 * @param tenantId the organizer's tenant, where the meeting lives
 * @param chatThreadId the meeting chat's thread id ({@code 19:meeting_…@thread.v2})
 * @param messageId the chat message id of the meeting ({@code "0"} for scheduled meetings)
 * @param organizerId the user id of the organizer
 * @param joinMeetingId the numeric join id, if the meeting has one
 * @param passcode the join passcode, if any
 * @param participants ids of the users who are in the meeting when a bot joins
 */
public record OnlineMeeting(
    String id,
    String tenantId,
    String chatThreadId,
    String messageId,
    String organizerId,
    Optional<String> joinMeetingId,
    Optional<String> passcode,
    List<String> participants) {
  public OnlineMeeting {
    Directory.requireText(id, "meeting id");
    Directory.requireText(tenantId, "meeting tenantId");
    Directory.requireText(chatThreadId, "meeting chatThreadId");
    Objects.requireNonNull(messageId, "messageId");
    Directory.requireText(organizerId, "meeting organizerId");
    Objects.requireNonNull(joinMeetingId, "joinMeetingId");
    Objects.requireNonNull(passcode, "passcode");
    participants = List.copyOf(participants);
  }
}
