package dev.dialtone.server.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dialtone.engine.call.Notification;
import dev.dialtone.server.notify.FaultInjection.Action;
import dev.dialtone.server.notify.FaultInjection.Faults;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {
  private final FaultInjection faults = new FaultInjection();
  private final Notification notification =
      Notifications.of("call-1", 1, URI.create("https://bot.example/"), Instant.EPOCH);

  @Test
  void byDefault_everyDeliveryIsSentAsIs() {
    assertThat(plan(notification)).isSameAs(FaultInjection.Plan.NORMAL);
  }

  @Test
  void failNext_countsDownThenClearsItself() {
    faults.setForApplication(Notifications.APP_ID, Faults.none().withFailNext(2));

    assertThat(plan(notification).action()).isEqualTo(Action.FAIL_503);
    assertThat(faults.forApplication(Notifications.APP_ID)).map(Faults::failNext).contains(1);
    assertThat(plan(notification))
        .extracting(FaultInjection.Plan::action, FaultInjection.Plan::failuresLeft)
        .containsExactly(Action.FAIL_503, 0);
    assertThat(plan(notification)).isSameAs(FaultInjection.Plan.NORMAL);
    assertThat(faults.forApplication(Notifications.APP_ID)).isEmpty();
  }

  @Test
  void callFaults_takeThePlaceOfTheApplicationsFaults() {
    faults.setForApplication(Notifications.APP_ID, Faults.none().withDrop(true));
    faults.setForCall("call-1", Faults.none().withDuplicate(true));

    assertThat(plan(notification).action()).isEqualTo(Action.DUPLICATE);
    Notification otherCall =
        Notifications.of("call-2", 1, URI.create("https://bot.example/"), Instant.EPOCH);
    assertThat(plan(otherCall).action()).isEqualTo(Action.DROP);
  }

  @Test
  void failNextComesBeforeDropAndDuplicate_andTheDelayAppliesToAll() {
    faults.setForCall(
        "call-1",
        Faults.none()
            .withDelay(Duration.ofMillis(20))
            .withDrop(true)
            .withDuplicate(true)
            .withFailNext(1));

    assertThat(plan(notification))
        .isEqualTo(new FaultInjection.Plan(Duration.ofMillis(20), Action.FAIL_503, 0));
    assertThat(plan(notification))
        .isEqualTo(new FaultInjection.Plan(Duration.ofMillis(20), Action.DROP, 0));
  }

  @Test
  void settingNone_clears() {
    faults.setForCall("call-1", Faults.none().withDrop(true));
    faults.setForCall("call-1", Faults.none());

    assertThat(faults.forCall("call-1")).isEmpty();
    assertThat(plan(notification)).isSameAs(FaultInjection.Plan.NORMAL);
  }

  @Test
  void delayLongerThanTheMaximum_isRejected() {
    assertThatThrownBy(() -> Faults.none().withDelay(Duration.ofSeconds(11)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 0 and 10000 ms, got 11000 ms");
  }

  private FaultInjection.Plan plan(Notification notification) {
    return faults.plan(notification.callId(), notification.applicationId());
  }
}
