package dev.dialtone.engine.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dialtone.engine.directory.Behaviour;
import dev.dialtone.engine.directory.Directory;
import dev.dialtone.engine.directory.Tenant;
import dev.dialtone.engine.directory.User;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  private static Directory directory(Behaviour behaviour) {
    return Directory.of(new Directory.Contents(
        List.of(new Tenant("t", "T")), List.of(), List.of(),
        List.of(new User("u1", "t", "One", behaviour)), List.of(), List.of()));
  }

  private static Call created() throws Exception {
    ObjectNode resource = (ObjectNode) JSON.readTree("""
        {"state":"establishing","direction":"outgoing","callbackUri":"https://bot.example.com/cb",
         "source":{"identity":{"application":{"id":"app"}}},"myParticipantId":"me",
         "targets":[{"identity":{"user":{"id":"u1"}}}],"id":"c1"}""");
    return new Call("c1", "t", "app", CallState.ESTABLISHING, T0, T0, 1, resource);
  }

  private static Timer timer(CallChange change, TimerKind kind) {
    return change.scheduledTimers().stream().filter(t -> t.kind() == kind).findFirst().orElseThrow();
  }

  private static String state(Notification n) {
    return n.body().path("value").get(0).path("changeType").asText() + ":"
        + n.body().path("value").get(0).path("resourceData").path("state").asText();
  }

  @Test
  void start_owesEstablishing_andSchedulesTheAnswerRingingTimeoutAndKeepAlive() throws Exception {
    CallChange start = Lifecycle.start(created(), Scenario.PEER_TO_PEER, directory(Behaviour.DEFAULT), T0);
    assertThat(start.notifications()).extracting(LifecycleTest::state).containsExactly("updated:establishing");
    assertThat(timer(start, TimerKind.PARTY_ACTION).dueAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(timer(start, TimerKind.RINGING_TIMEOUT).dueAt()).isEqualTo(T0.plusSeconds(60));
    assertThat(timer(start, TimerKind.KEEP_ALIVE_EXPIRY).dueAt()).isEqualTo(T0.plus(Duration.ofMinutes(45)));
    assertThat(start.notifications().get(0).sequence()).isEqualTo(100);
  }

  @Test
  void answering_establishesTheCall_andCancelsTheRingingTimeout() throws Exception {
    CallChange start = Lifecycle.start(created(), Scenario.PEER_TO_PEER, directory(Behaviour.DEFAULT), T0);
    Call call = start.call().orElseThrow();
    CallChange answered = Lifecycle.fire(call, timer(start, TimerKind.PARTY_ACTION), T0.plusSeconds(1));
    Call established = answered.call().orElseThrow();
    assertThat(established.state()).isEqualTo(CallState.ESTABLISHED);
    assertThat(established.version()).isEqualTo(2);
    assertThat(answered.notifications()).extracting(LifecycleTest::state).containsExactly("updated:established");
    assertThat(answered.notifications().get(0).sequence()).isGreaterThan(start.notifications().get(0).sequence());
    assertThat(answered.cancelledTimers()).contains("c1/ringing", "c1/party/user:u1/answer");
  }

  @Test
  void declining_endsTheCallWith603_andCancelsEveryTimer() throws Exception {
    Behaviour decline = new Behaviour(Behaviour.Response.DECLINE, Duration.ofSeconds(2), Optional.empty());
    CallChange start = Lifecycle.start(created(), Scenario.PEER_TO_PEER, directory(decline), T0);
    CallChange declined = Lifecycle.fire(start.call().orElseThrow(), timer(start, TimerKind.PARTY_ACTION), T0.plusSeconds(2));
    assertThat(declined.call().orElseThrow().state()).isEqualTo(CallState.TERMINATED);
    assertThat(declined.call().orElseThrow().version()).as("one step, one version").isEqualTo(2);
    assertThat(declined.cancelAllTimers()).isTrue();
    assertThat(declined.notifications().get(0).body().path("value").get(0).path("resourceData")
        .path("resultInfo").path("code").asInt()).isEqualTo(603);
  }

  @Test
  void ringingTimeout_withNobodyInTheCall_endsItWith408_8544_inOneVersion() throws Exception {
    Behaviour never = new Behaviour(Behaviour.Response.NO_ANSWER, Duration.ZERO, Optional.empty());
    CallChange start = Lifecycle.start(created(), Scenario.PEER_TO_PEER, directory(never), T0);
    CallChange timedOut = Lifecycle.fire(start.call().orElseThrow(), timer(start, TimerKind.RINGING_TIMEOUT), T0.plusSeconds(60));
    Call ended = timedOut.call().orElseThrow();
    assertThat(ended.version()).isEqualTo(2);
    assertThat(ended.resource().path("resultInfo").path("subcode").asInt()).isEqualTo(8544);
  }

  @Test
  void hangUp_passesThroughTerminating() throws Exception {
    CallChange start = Lifecycle.start(created(), Scenario.PEER_TO_PEER, directory(Behaviour.DEFAULT), T0);
    CallChange hungUp = Lifecycle.hangUp(start.call().orElseThrow(), T0.plusSeconds(5));
    assertThat(hungUp.notifications()).extracting(LifecycleTest::state)
        .containsExactly("updated:terminating", "deleted:terminated");
  }

  @Test
  void aTimerOfAnEndedCall_onlyGoesAway() throws Exception {
    CallChange start = Lifecycle.start(created(), Scenario.PEER_TO_PEER, directory(Behaviour.DEFAULT), T0);
    Call ended = Lifecycle.hangUp(start.call().orElseThrow(), T0).call().orElseThrow();
    CallChange late = Lifecycle.fire(ended, timer(start, TimerKind.RINGING_TIMEOUT), T0.plusSeconds(60));
    assertThat(late.call()).isEmpty();
    assertThat(late.cancelledTimers()).containsExactly("c1/ringing");
  }

  @Test
  void illegalTransitions_areTypedErrors() {
    assertThatThrownBy(() -> CallState.TERMINATED.moveTo(CallState.ESTABLISHED))
        .isInstanceOf(IllegalTransitionException.class)
        .hasMessageContaining("terminated cannot become established");
    assertThat(CallState.ESTABLISHING.moveTo(CallState.TERMINATED)).isEqualTo(CallState.TERMINATED);
  }

  @Test
  void everyLiveState_canEnd_andTerminatedIsFinal() {
    for (CallState state : CallState.values()) {
      assertThat(state.allowedNext().contains(CallState.TERMINATED)).isEqualTo(!state.isTerminal());
    }
    assertThat(CallState.TERMINATED.allowedNext()).isEmpty();
  }
}
