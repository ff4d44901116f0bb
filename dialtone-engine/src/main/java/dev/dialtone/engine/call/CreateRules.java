package dev.dialtone.engine.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.directory.Application;
import dev.dialtone.engine.directory.ApplicationInstance;
import dev.dialtone.engine.directory.Directory;
import dev.dialtone.engine.directory.OnlineMeeting;
import dev.dialtone.engine.directory.PhoneNumber;
import java.util.HashSet;
import java.util.Set;

/**
 * The scenario rules of one create-call request: which scenario it is, whether its source, targets
 * and meeting are identities the calling app may use, checked against the directory.
 */
final class CreateRules {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final Caller caller;
  private final String tenantId;
  private final Directory directory;
  private final ObjectNode request;

  CreateRules(Caller caller, String tenantId, Directory directory, ObjectNode request) {
    this.caller = caller;
    this.tenantId = tenantId;
    this.directory = directory;
    this.request = request;
  }

  Scenario scenario() {
    boolean meeting = present(request.get("chatInfo")) || present(request.get("meetingInfo"));
    JsonNode targets = request.path("targets");
    int count = targets.isArray() ? targets.size() : 0;
    if (meeting) {
      if (count > 0) {
        throw EngineException.invalidRequest(
            "targets: a meeting join takes no targets (got "
                + count
                + "); join first, then invite with POST /communications/calls/{id}/participants/invite.");
      }
      return Scenario.MEETING_JOIN;
    }
    boolean phone = false;
    for (JsonNode target : targets) {
      phone |= present(target.path("identity").get("phone"));
    }
    if (phone) {
      if (count != 1) {
        throw EngineException.invalidRequest(
            "targets: a PSTN call takes exactly one target, a phone; got "
                + count
                + " targets. Invite other parties once the call is established.");
      }
      return Scenario.PSTN;
    }
    if (count == 1) {
      return Scenario.PEER_TO_PEER;
    }
    if (count > Scenario.MAX_GROUP_TARGETS) {
      throw EngineException.invalidRequest(
          "targets: a group call takes at most "
              + Scenario.MAX_GROUP_TARGETS
              + " targets, got "
              + count
              + ". Create the call with up to 5 and invite the others, or use a meeting.");
    }
    return Scenario.GROUP;
  }

  /** The call's source: the one in the request, checked, or the calling application. */
  ObjectNode source(Scenario scenario) {
    Application app =
        directory
            .application(caller.appId())
            .orElseThrow(
                () ->
                    CallingErrors.sourceIdentityInvalid(
                        "Application '" + caller.appId() + "' is no longer in the directory."));
    JsonNode source = request.get("source");
    JsonNode identity = source == null ? JSON.missingNode() : source.path("identity");
    JsonNode instanceIdentity = identity.get("applicationInstance");
    if (scenario == Scenario.PSTN && !present(instanceIdentity)) {
      throw CallingErrors.sourceIdentityInvalid(
          "A PSTN call needs source.identity.applicationInstance with the object id of an"
              + " application instance (resource account) linked to application '"
              + app.appId()
              + "'.");
    }
    if (scenario == Scenario.PSTN && !present(request.get("tenantId"))) {
      throw CallingErrors.tenantMismatch(
          "A PSTN call needs tenantId: send the tenant of the access token ('"
              + tenantId
              + "').");
    }
    var members = identity.fieldNames();
    while (members.hasNext()) {
      String member = members.next();
      if (!member.startsWith("@") && !member.equals("application") && !member.equals("applicationInstance")
          && present(identity.get(member))) {
        throw CallingErrors.sourceIdentityInvalid(
            "source.identity."
                + member
                + ": a bot calls as itself; the source may name only the calling application"
                + " or an application instance linked to it.");
      }
    }
    JsonNode appIdentity = identity.get("application");
    if (present(appIdentity) && !caller.appId().equals(appIdentity.path("id").asText())) {
      throw CallingErrors.sourceIdentityInvalid(
          "source.identity.application.id '"
              + appIdentity.path("id").asText()
              + "' is not the calling application '"
              + caller.appId()
              + "'. Omit source, or request the token as application '"
              + appIdentity.path("id").asText()
              + "'.");
    }
    if (present(instanceIdentity)) {
      checkInstance(instanceIdentity.path("id").asText(), scenario);
    }
    if (source != null && !source.isNull()) {
      return CallShape.participantInfo(source);
    }
    ObjectNode filled = JSON.objectNode();
    ObjectNode identitySet = filled.putObject("identity");
    ObjectNode application = identitySet.putObject("application");
    application.put("displayName", app.displayName());
    application.put("id", app.appId());
    return CallShape.participantInfo(filled);
  }

  private void checkInstance(String objectId, Scenario scenario) {
    ApplicationInstance instance =
        directory
            .applicationInstance(objectId)
            .orElseThrow(
                () ->
                    CallingErrors.sourceIdentityInvalid(
                        "source.identity.applicationInstance.id '"
                            + objectId
                            + "' is not an application instance in the directory."));
    if (!instance.appId().equals(caller.appId())) {
      throw CallingErrors.sourceIdentityInvalid(
          "Application instance '"
              + objectId
              + "' is linked to application '"
              + instance.appId()
              + "', not to the calling application '"
              + caller.appId()
              + "'.");
    }
    if (!instance.tenantId().equals(tenantId)) {
      throw CallingErrors.tenantMismatch(
          "Application instance '" + objectId + "' belongs to tenant '" + instance.tenantId() + "', the call to '" + tenantId + "'.");
    }
    if (scenario == Scenario.PSTN && instance.phoneNumber().isEmpty()) {
      throw CallingErrors.sourceIdentityInvalid(
          "Application instance '"
              + objectId
              + "' has no phone number assigned; PSTN calls need one.");
    }
  }

  void checkTargets(Scenario scenario) {
    if (scenario == Scenario.MEETING_JOIN) {
      return;
    }
    Set<String> seen = new HashSet<>();
    JsonNode targets = request.path("targets");
    for (int i = 0; i < targets.size(); i++) {
      String path = "targets[" + i + "].identity";
      JsonNode identity = targets.get(i).path("identity");
      String key = targetKey(path, identity);
      if (!seen.add(key)) {
        throw EngineException.invalidRequest(
            path + ": the same identity cannot be invited twice (" + key + ").");
      }
    }
  }

  private String targetKey(String path, JsonNode identity) {
    JsonNode phone = identity.get("phone");
    if (present(phone)) {
      String number = phone.path("id").asText();
      if (!PhoneNumber.isE164(number)) {
        throw EngineException.invalidRequest(
            path
                + ".phone.id: '"
                + number
                + "' is not an E.164 phone number ('+' then 2 to 15 digits, e.g. +12345678901).");
      }
      return "phone " + number;
    }
    JsonNode user = identity.get("user");
    if (present(user)) {
      String id = user.path("id").asText();
      if (directory.user(id).isEmpty()) {
        throw EngineException.invalidRequest(
            path
                + ".user.id: '"
                + id
                + "' is not a user in the directory. Add the user to the directory configuration"
                + " or through PUT /dialtone/directory/users/{id}.");
      }
      return "user " + id;
    }
    JsonNode application = identity.get("application");
    if (present(application)) {
      String id = application.path("id").asText();
      if (directory.application(id).isEmpty()) {
        throw EngineException.invalidRequest(
            path + ".application.id: '" + id + "' is not an application in the directory.");
      }
      return "application " + id;
    }
    JsonNode instance = identity.get("applicationInstance");
    if (present(instance)) {
      String id = instance.path("id").asText();
      if (directory.applicationInstance(id).isEmpty()) {
        throw EngineException.invalidRequest(
            path + ".applicationInstance.id: '" + id + "' is not an application instance in the directory.");
      }
      return "applicationInstance " + id;
    }
    throw EngineException.invalidRequest(
        path + ": names no one to call; set user, phone, application or applicationInstance.");
  }

  void checkMeeting(Scenario scenario) {
    if (scenario != Scenario.MEETING_JOIN) {
      return;
    }
    JsonNode meetingInfo = request.get("meetingInfo");
    JsonNode chatInfo = request.get("chatInfo");
    if (!present(meetingInfo)) {
      throw EngineException.invalidRequest(
          "meetingInfo: joining a meeting needs meetingInfo (organizerMeetingInfo or"
              + " joinMeetingIdMeetingInfo) along with chatInfo.");
    }
    OnlineMeeting meeting;
    if (CallService.isType(meetingInfo, "microsoft.graph.organizerMeetingInfo")) {
      if (!present(chatInfo)) {
        throw EngineException.invalidRequest(
            "chatInfo: joining with organizerMeetingInfo needs chatInfo with the meeting's threadId and messageId.");
      }
      String threadId = chatInfo.path("threadId").asText();
      meeting =
          directory
              .meetingByChatThread(threadId)
              .orElseThrow(
                  () ->
                      EngineException.notFound(
                          "chatInfo.threadId: no online meeting has chat thread '" + threadId + "'."));
      JsonNode organizer = meetingInfo.path("organizer").path("user");
      String organizerId = organizer.path("id").asText();
      if (!organizerId.equals(meeting.organizerId())) {
        throw EngineException.invalidRequest(
            "meetingInfo.organizer.user.id: '"
                + organizerId
                + "' is not the organizer of the meeting with chat thread '"
                + threadId
                + "'.");
      }
      JsonNode organizerTenant = organizer.get("tenantId");
      if (present(organizerTenant) && !organizerTenant.asText().equals(tenantId)) {
        throw CallingErrors.tenantMismatch(
            "meetingInfo.organizer.user.tenantId '"
                + organizerTenant.asText()
                + "' is not the call's tenant '"
                + tenantId
                + "'.");
      }
    } else if (CallService.isType(meetingInfo, "microsoft.graph.joinMeetingIdMeetingInfo")) {
      String joinId = meetingInfo.path("joinMeetingId").asText();
      meeting =
          directory
              .meetingByJoinId(joinId)
              .orElseThrow(
                  () ->
                      EngineException.notFound(
                          "meetingInfo.joinMeetingId: no online meeting has join id '" + joinId + "'."));
      String passcode = meetingInfo.path("passcode").asText("");
      if (meeting.passcode().isPresent() && !meeting.passcode().get().equals(passcode)) {
        throw EngineException.invalidRequest(
            "meetingInfo.passcode: wrong passcode for meeting '" + joinId + "'.");
      }
    } else {
      throw EngineException.invalidRequest(
          "meetingInfo: "
              + meetingInfo.path("@odata.type").asText()
              + " is not supported; join with organizerMeetingInfo (and chatInfo) or joinMeetingIdMeetingInfo.");
    }
    if (!meeting.tenantId().equals(tenantId)) {
      throw CallingErrors.tenantMismatch(
          "The meeting lives in tenant '"
              + meeting.tenantId()
              + "' but the call is in tenant '"
              + tenantId
              + "'. Request the token from /"
              + meeting.tenantId()
              + "/oauth2/v2.0/token (the application must be consented there) and set tenantId to"
              + " that tenant.");
    }
  }

  private static boolean present(JsonNode node) {
    return node != null && !node.isNull() && !node.isMissingNode();
  }
}
