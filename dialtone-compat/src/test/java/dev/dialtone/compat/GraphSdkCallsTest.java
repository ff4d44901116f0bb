package dev.dialtone.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.microsoft.graph.models.AppHostedMediaConfig;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.CallDirection;
import com.microsoft.graph.models.CallState;
import com.microsoft.graph.models.ChatInfo;
import com.microsoft.graph.models.CommunicationsIdentitySet;
import com.microsoft.graph.models.Identity;
import com.microsoft.graph.models.IdentitySet;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.MediaInfo;
import com.microsoft.graph.models.Modality;
import com.microsoft.graph.models.OrganizerMeetingInfo;
import com.microsoft.graph.models.ParticipantInfo;
import com.microsoft.graph.models.ServiceHostedMediaConfig;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of call on the Create call page, made through the official Graph Java SDK's request
 * builders and model classes with an azure-identity credential, over HTTPS on real sockets: created
 * ({@code calls().post}), read back ({@code byCallId(id).get()}), hung up ({@code .delete()}), and
 * gone afterwards (the SDK's {@link ODataError}, 404).
 */
class GraphSdkCallsTest {
  @TempDir static Path dataDir;
  static Dialtone dialtone;
  static BotWebhook webhook;
  static GraphServiceClient callingBot;
  static GraphServiceClient testBot;
  static GraphServiceClient callingBotInFabrikam;

  @BeforeAll
  static void start() {
    dialtone = Dialtone.start(dataDir);
    webhook = BotWebhook.admittingAll();
    callingBot = dialtone.graph(Demo.CALLING_BOT, Demo.CONTOSO);
    testBot = dialtone.graph(Demo.TEST_BOT, Demo.CONTOSO);
    callingBotInFabrikam = dialtone.graph(Demo.CALLING_BOT, Demo.FABRIKAM);
  }

  @AfterAll
  static void stop() {
    if (webhook != null) {
      webhook.close();
    }
    if (dialtone != null) {
      dialtone.close();
    }
  }

  static Identity identity(String id, String displayName) {
    Identity identity = new Identity();
    identity.setId(id);
    identity.setDisplayName(displayName);
    return identity;
  }

  static InvitationParticipantInfo user(String id, String displayName) {
    IdentitySet set = new IdentitySet();
    set.setUser(identity(id, displayName));
    InvitationParticipantInfo target = new InvitationParticipantInfo();
    target.setIdentity(set);
    return target;
  }

  static ParticipantInfo application(Demo.App app) {
    IdentitySet set = new IdentitySet();
    set.setApplication(identity(app.appId(), app.displayName()));
    ParticipantInfo source = new ParticipantInfo();
    source.setIdentity(set);
    return source;
  }

  static Call call(List<InvitationParticipantInfo> targets, com.microsoft.graph.models.MediaConfig media) {
    Call call = new Call();
    call.setCallbackUri(webhook.url());
    call.setTargets(targets);
    call.setRequestedModalities(List.of(Modality.Audio));
    call.setMediaConfig(media);
    return call;
  }

  /** What every created call has, then: read it back, hang it up, and it is gone. */
  static Call createdReadAndHungUp(GraphServiceClient graph, Call request, String tenant) {
    Call created = graph.communications().calls().post(request);

    assertThat(created.getId()).isNotBlank();
    assertThat(created.getState()).isEqualTo(CallState.Establishing);
    assertThat(created.getDirection()).isEqualTo(CallDirection.Outgoing);
    assertThat(created.getCallbackUri()).isEqualTo(webhook.url());
    assertThat(created.getTenantId()).isEqualTo(tenant);
    assertThat(created.getMyParticipantId()).isNotBlank();
    assertThat(created.getCallChainId()).isNotBlank();
    assertThat(created.getRequestedModalities()).containsExactly(Modality.Audio);

    Call read = graph.communications().calls().byCallId(created.getId()).get();
    assertThat(read.getId()).isEqualTo(created.getId());
    assertThat(read.getState()).isIn(CallState.Establishing, CallState.Established);
    assertThat(read.getMediaConfig()).isInstanceOf(created.getMediaConfig().getClass());

    // The bot's callbackUri gets the call's first state, which the SDK's model reads.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !webhook.about(created.getId()).isEmpty());
    Call first = Notifications.call(Notifications.notification(webhook.about(created.getId()).get(0)));
    assertThat(first.getId()).isEqualTo(created.getId());
    assertThat(first.getState()).isEqualTo(CallState.Establishing);

    graph.communications().calls().byCallId(created.getId()).delete();

    ODataError gone =
        catchThrowableOfType(
            ODataError.class, () -> graph.communications().calls().byCallId(created.getId()).get());
    assertThat(gone).as("GET after DELETE").isNotNull();
    assertThat(gone.getResponseStatusCode()).isEqualTo(404);
    assertThat(gone.getError().getCode()).isEqualTo("itemNotFound");
    assertThat(gone.getError().getMessage()).contains(created.getId());
    return created;
  }

  @Test
  void example1_peerToPeer_serviceHostedMedia() {
    Call request = call(List.of(user(Demo.JOHN, "John")), new ServiceHostedMediaConfig());

    Call created = createdReadAndHungUp(callingBot, request, Demo.CONTOSO);

    assertThat(created.getMediaConfig()).isExactlyInstanceOf(ServiceHostedMediaConfig.class);
    assertThat(created.getTargets()).singleElement().satisfies(t -> {
      assertThat(t.getIdentity().getUser().getId()).isEqualTo(Demo.JOHN);
      assertThat(t.getIdentity().getUser().getDisplayName()).isEqualTo("John");
    });
    // No source in the request: Dialtone fills in the calling app.
    assertThat(created.getSource().getIdentity().getApplication().getId())
        .isEqualTo(Demo.CALLING_BOT.appId());
  }

  @Test
  void example2_peerToPeer_appHostedMedia() {
    AppHostedMediaConfig media = new AppHostedMediaConfig();
    media.setBlob("<Media Session Configuration>");
    Call request = call(List.of(user(Demo.JOHN, "John")), media);
    request.setSource(application(Demo.CALLING_BOT));

    Call created = createdReadAndHungUp(callingBot, request, Demo.CONTOSO);

    assertThat(created.getMediaConfig())
        .isInstanceOfSatisfying(
            AppHostedMediaConfig.class,
            m -> assertThat(m.getBlob()).isEqualTo("<Media Session Configuration>"));
    assertThat(created.getSource().getIdentity().getApplication().getDisplayName())
        .isEqualTo("Calling Bot");
  }

  @Test
  void example3_groupCall_fromTestBot() {
    ServiceHostedMediaConfig media = new ServiceHostedMediaConfig();
    // Not in the SDK's model: it travels as additional data.
    media.getAdditionalData().put("removeFromDefaultAudioGroup", false);
    Call request = call(List.of(user(Demo.USER1, "user1"), user(Demo.USER2, "user2")), media);
    request.setDirection(CallDirection.Outgoing);
    request.setSubject("Create a group call with service hosted media");
    request.setSource(application(Demo.TEST_BOT));

    Call created = createdReadAndHungUp(testBot, request, Demo.CONTOSO);

    assertThat(created.getSubject()).isEqualTo("Create a group call with service hosted media");
    assertThat(created.getMediaConfig()).isExactlyInstanceOf(ServiceHostedMediaConfig.class);
    // Accepted as the real service accepts it, but not returned: serviceHostedMediaConfig is not
    // an open type, so the schema has no place for it in a response.
    assertThat(created.getMediaConfig().getAdditionalData())
        .doesNotContainKey("removeFromDefaultAudioGroup");
    assertThat(created.getTargets())
        .extracting(t -> t.getIdentity().getUser().getId())
        .containsExactly(Demo.USER1, Demo.USER2);
    assertThat(created.getSource().getIdentity().getApplication().getId())
        .isEqualTo(Demo.TEST_BOT.appId());
  }

  @Test
  void example5_joinBobsMeeting_withAFabrikamToken() {
    MediaInfo beep = new MediaInfo();
    beep.setUri("https://cdn.contoso.com/beep.wav");
    beep.setResourceId("f8971b04-b53e-418c-9222-c82ce681a582");
    MediaInfo cool = new MediaInfo();
    cool.setUri("https://cdn.contoso.com/cool.wav");
    cool.setResourceId("86dc814b-c172-4428-9112-60f8ecae1edb");
    ServiceHostedMediaConfig media = new ServiceHostedMediaConfig();
    media.setPreFetchMedia(List.of(beep, cool));
    ChatInfo chat = new ChatInfo();
    chat.setThreadId(Demo.BOBS_MEETING_THREAD);
    chat.setMessageId("0");
    Identity bob = identity(Demo.BOB, "Bob");
    bob.getAdditionalData().put("tenantId", Demo.FABRIKAM);
    IdentitySet organizer = new IdentitySet();
    organizer.setUser(bob);
    OrganizerMeetingInfo meeting = new OrganizerMeetingInfo();
    meeting.setOrganizer(organizer);
    meeting.getAdditionalData().put("allowConversationWithoutHost", true);
    Call request = call(null, media);
    request.setChatInfo(chat);
    request.setMeetingInfo(meeting);
    request.setTenantId(Demo.FABRIKAM);

    Call created = createdReadAndHungUp(callingBotInFabrikam, request, Demo.FABRIKAM);

    assertThat(created.getChatInfo().getThreadId()).isEqualTo(Demo.BOBS_MEETING_THREAD);
    assertThat(created.getMeetingInfo())
        .isInstanceOfSatisfying(
            OrganizerMeetingInfo.class,
            m -> {
              assertThat(m.getOrganizer().getUser().getId()).isEqualTo(Demo.BOB);
              assertThat(m.getOrganizer().getUser().getAdditionalData())
                  .containsEntry("tenantId", Demo.FABRIKAM);
              assertThat(m.getAdditionalData()).containsEntry("allowConversationWithoutHost", true);
            });
    assertThat(created.getMediaConfig())
        .isInstanceOfSatisfying(
            ServiceHostedMediaConfig.class,
            m ->
                assertThat(m.getPreFetchMedia())
                    .extracting(MediaInfo::getUri, MediaInfo::getResourceId)
                    .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(beep.getUri(), beep.getResourceId()),
                        org.assertj.core.groups.Tuple.tuple(cool.getUri(), cool.getResourceId())));
  }

  @Test
  void example7_pstn_fromTheApplicationInstance() {
    CommunicationsIdentitySet instance = new CommunicationsIdentitySet();
    instance.setApplicationInstance(identity(Demo.INSTANCE, "Calling Bot"));
    ParticipantInfo source = new ParticipantInfo();
    source.setIdentity(instance);
    CommunicationsIdentitySet phone = new CommunicationsIdentitySet();
    Identity number = new Identity();
    number.setId(Demo.PSTN_NUMBER);
    phone.setPhone(number);
    InvitationParticipantInfo target = new InvitationParticipantInfo();
    target.setIdentity(phone);
    Call request = call(List.of(target), new ServiceHostedMediaConfig());
    request.setSource(source);
    request.setTenantId(Demo.CONTOSO);

    Call created = createdReadAndHungUp(callingBot, request, Demo.CONTOSO);

    assertThat(created.getSource().getIdentity())
        .isInstanceOfSatisfying(
            CommunicationsIdentitySet.class,
            s -> {
              assertThat(s.getApplicationInstance().getId()).isEqualTo(Demo.INSTANCE);
              assertThat(s.getApplicationInstance().getDisplayName()).isEqualTo("Calling Bot");
            });
    assertThat(created.getTargets())
        .singleElement()
        .satisfies(
            t ->
                assertThat(t.getIdentity())
                    .isInstanceOfSatisfying(
                        CommunicationsIdentitySet.class,
                        p -> assertThat(p.getPhone().getId()).isEqualTo(Demo.PSTN_NUMBER)));
  }

  @Test
  void aCallOfAnotherTenant_isTheSdksODataError403_7505() {
    Call created =
        callingBot
            .communications()
            .calls()
            .post(call(List.of(user(Demo.JOHN, "John")), new ServiceHostedMediaConfig()));
    try {
      ODataError refused =
          catchThrowableOfType(
              ODataError.class,
              () -> callingBotInFabrikam.communications().calls().byCallId(created.getId()).get());

      assertThat(refused).isNotNull();
      assertThat(refused.getResponseStatusCode()).isEqualTo(403);
      assertThat(refused.getError().getCode()).isEqualTo("7505");
      assertThat(refused.getError().getInnerError()).isNotNull();
      assertThat(refused.getResponseHeaders()).containsKey("request-id");
    } finally {
      callingBot.communications().calls().byCallId(created.getId()).delete();
    }
  }

  @Test
  void theKnownTrap_withoutDialtonesHostAllowed_theSdkSendsNoToken_andGets401() {
    GraphServiceClient dialtoneAllowed = dialtone.graph(Demo.CALLING_BOT, Demo.CONTOSO);
    GraphServiceClient graphHostsOnly = dialtone.graph(Demo.CALLING_BOT, Demo.CONTOSO, new String[0]);
    ODataError refused =
        catchThrowableOfType(
            ODataError.class,
            () ->
                graphHostsOnly
                    .communications()
                    .calls()
                    .post(call(List.of(user(Demo.JOHN, "John")), new ServiceHostedMediaConfig())));

    assertThat(refused).isNotNull();
    assertThat(refused.getResponseStatusCode()).isEqualTo(401);
    assertThat(refused.getError().getCode()).isEqualTo("InvalidAuthenticationToken");
    assertThat(refused.getResponseHeaders()).containsKey("WWW-Authenticate");
    // The same request from the client that allows Dialtone's host. A new model object: the
    // SDK's backing store sends only what changed since a model was last serialized, so posting
    // the same Call object again would send a body without its callbackUri.
    Call created =
        dialtoneAllowed
            .communications()
            .calls()
            .post(call(List.of(user(Demo.JOHN, "John")), new ServiceHostedMediaConfig()));
    dialtoneAllowed.communications().calls().byCallId(created.getId()).delete();
  }
}
