package dev.dialtone.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

class PostgresCommitFailureTest extends CommitFailureContract {
  private static TestPostgres postgres;

  @BeforeAll
  static void startPostgres() {
    postgres = TestPostgres.start();
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
  }

  @Override
  StoreConfig newDatabase() {
    // One committer, so that the writes queued before it starts make one batch.
    return postgres.newDatabase().withWriters(1);
  }

  @Override
  void refuseInsertsInto(StoreConfig config, String tenant) throws SQLException {
    execute(
        config,
        """
        CREATE FUNCTION refuse_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.tenant_id = '%s' THEN
            RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END $$
        """
            .formatted(tenant),
        "CREATE TRIGGER refuse_tenant BEFORE INSERT ON calls"
            + " FOR EACH ROW EXECUTE FUNCTION refuse_tenant()");
  }

  @Override
  void failCommitsInserting(StoreConfig config, String tenant) throws SQLException {
    // A deferred constraint trigger runs at COMMIT.
    execute(
        config,
        """
        CREATE FUNCTION fail_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.tenant_id = '%s' THEN
            RAISE EXCEPTION 'commit refused by the test';
          END IF;
          RETURN NULL;
        END $$
        """
            .formatted(tenant),
        "CREATE CONSTRAINT TRIGGER fail_commit AFTER INSERT ON calls"
            + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fail_commit()");
  }

  private static void execute(StoreConfig config, String... statements) throws SQLException {
    try (Connection connection = TestPostgres.connect(config);
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
