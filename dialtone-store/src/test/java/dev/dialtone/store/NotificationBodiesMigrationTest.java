package dev.dialtone.store;

import static dev.dialtone.store.TestOutbox.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dialtone.engine.call.Delivery;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migration 5 moves the bodies of the notifications a database already holds into their own table,
 * and migration 6 adds a chain id that older rows lack: a pending notification stored before both
 * is delivered after them as it was, with its call's id as its chain id.
 */
class NotificationBodiesMigrationTest {
  private static final String BODY =
      "{\"@odata.type\":\"#microsoft.graph.commsNotifications\",\"value\":[{\"changeType\":\"updated\","
          + "\"resourceData\":{\"state\":\"established\",\"subject\":\"Zürich ☎ İstanbul\"}}]}";

  @TempDir Path dataDir;

  @Test
  void bodiesStoredBeforeTheMoveAreReadAndClaimedAfterIt_onSqlite() throws SQLException {
    bodiesSurviveTheMove(StoreConfig.sqliteFile(dataDir));
  }

  @Test
  void bodiesStoredBeforeTheMoveAreReadAndClaimedAfterIt_onPostgres() throws SQLException {
    try (TestPostgres postgres = TestPostgres.start()) {
      bodiesSurviveTheMove(postgres.newDatabase());
    }
  }

  private static void bodiesSurviveTheMove(StoreConfig config) throws SQLException {
    Engine engine = Engine.of(config);
    Flyway.configure()
        .dataSource(engine.dataSource(config, "migration-test"))
        .locations("classpath:dev/dialtone/store/migration")
        .target("2")
        .load()
        .migrate();
    String id = UUID.randomUUID().toString();
    String callId = UUID.randomUUID().toString();
    try (Connection connection = engine.dataSource(config, "migration-test").getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT INTO notifications (id, call_id, sequence, app_id, tenant_id, target, body,"
                    + " created_at, state, next_attempt_at, attempts)"
                    + " VALUES (?, ?, 1, ?, ?, 'https://bot.contoso.com/callback', ?, ?, 'pending', ?, 0)")) {
      insert.setString(1, id);
      insert.setString(2, callId);
      insert.setString(3, TestCalls.APP);
      insert.setString(4, TestCalls.TENANT);
      insert.setString(5, BODY);
      insert.setLong(6, T0.toEpochMilli());
      insert.setLong(7, T0.toEpochMilli());
      insert.executeUpdate();
    }

    try (JdbcStore store = JdbcStore.open(config)) {
      assertThat(store.deliveries(callId))
          .singleElement()
          .satisfies(
              record -> {
                assertThat(record.notification().id()).isEqualTo(id);
                assertThat(record.notification().body()).isEqualTo(TestOutbox.data(BODY));
                assertThat(record.notification().chainId()).isEqualTo(callId);
              });
      assertThat(store.claimNotifications("x", T0, Duration.ofMinutes(1), 10))
          .extracting(TestOutbox::notification)
          .singleElement()
          .satisfies(
              notification -> {
                assertThat(notification.body()).isEqualTo(TestOutbox.data(BODY));
                assertThat(notification.chainId()).isEqualTo(callId);
              });
    }
  }
}
