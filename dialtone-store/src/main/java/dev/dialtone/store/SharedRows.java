package dev.dialtone.store;

import dev.dialtone.engine.EngineException;
import dev.dialtone.engine.Failure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The {@code signing_keys} and {@code directory} tables (one row each, {@code id = 1}): {@link
 * SharedState} on JDBC, one SQL for SQLite and PostgreSQL.
 *
 * <p>Reads use the store's read pool. Writes are rare (a node's first start, an admin change), so
 * each takes a connection of its own in auto-commit rather than a place in the group committer's
 * queue, and is one statement: an insert that does nothing on a conflict, or an update guarded by
 * the version it replaces. One statement needs no explicit transaction, and on SQLite never has to
 * upgrade a read lock to a write lock, which can fail at once instead of waiting for the busy
 * timeout.
 */
final class SharedRows implements SharedState {
  static final String SELECT_SIGNING_KEYS = "SELECT jwks FROM signing_keys WHERE id = 1";

  // ON CONFLICT DO NOTHING: on PostgreSQL a concurrent insert waits for the first one to commit,
  // then inserts nothing; the read that follows sees the first one's keys.
  static final String INSERT_SIGNING_KEYS =
      "INSERT INTO signing_keys (id, jwks, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING";

  private static final String DIRECTORY_COLUMNS = "version, document, seed_sha256, updated_at";

  static final String SELECT_DIRECTORY =
      "SELECT " + DIRECTORY_COLUMNS + " FROM directory WHERE id = 1";

  static final String SELECT_DIRECTORY_VERSION = "SELECT version FROM directory WHERE id = 1";

  static final String INSERT_DIRECTORY =
      "INSERT INTO directory (id, "
          + DIRECTORY_COLUMNS
          + ") VALUES (1, 1, ?, ?, ?) ON CONFLICT (id) DO NOTHING";

  static final String UPDATE_DIRECTORY =
      "UPDATE directory SET version = ?, document = ?, seed_sha256 = ?, updated_at = ?"
          + " WHERE id = 1 AND version = ?";

  private final DataSource reads;
  private final DataSource writes;

  /**
   * @param reads the store's read pool
   * @param writes connections in auto-commit that may write
   */
  SharedRows(DataSource reads, DataSource writes) {
    this.reads = reads;
    this.writes = writes;
  }

  @Override
  public Optional<String> signingKeys() {
    try (Connection connection = reads.getConnection()) {
      return selectSigningKeys(connection);
    } catch (SQLException e) {
      throw failed("read", "the signing keys", e);
    }
  }

  @Override
  public String insertSigningKeysIfAbsent(String jwks, Instant now) {
    Objects.requireNonNull(jwks, "jwks");
    try (Connection connection = writes.getConnection()) {
      try (PreparedStatement insert = connection.prepareStatement(INSERT_SIGNING_KEYS)) {
        insert.setString(1, jwks);
        insert.setLong(2, now.toEpochMilli());
        insert.executeUpdate();
      }
      return selectSigningKeys(connection)
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "the signing keys were inserted or present, yet the table is empty"));
    } catch (SQLException e) {
      throw failed("write", "the signing keys", e);
    }
  }

  @Override
  public Optional<StoredDirectory> directory() {
    try (Connection connection = reads.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT_DIRECTORY);
        ResultSet row = select.executeQuery()) {
      if (!row.next()) {
        return Optional.empty();
      }
      return Optional.of(
          new StoredDirectory(
              row.getLong(1),
              row.getString(2),
              row.getString(3),
              Instant.ofEpochMilli(row.getLong(4))));
    } catch (SQLException e) {
      throw failed("read", "the directory", e);
    }
  }

  @Override
  public OptionalLong directoryVersion() {
    try (Connection connection = reads.getConnection();
        PreparedStatement select = connection.prepareStatement(SELECT_DIRECTORY_VERSION);
        ResultSet row = select.executeQuery()) {
      return row.next() ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
    } catch (SQLException e) {
      throw failed("read", "the directory's version", e);
    }
  }

  @Override
  public Optional<StoredDirectory> insertDirectoryIfAbsent(
      String document, String seedFingerprint, Instant now) {
    Instant stored = Instant.ofEpochMilli(now.toEpochMilli());
    StoredDirectory written = new StoredDirectory(1, document, seedFingerprint, stored);
    try (Connection connection = writes.getConnection();
        PreparedStatement insert = connection.prepareStatement(INSERT_DIRECTORY)) {
      insert.setString(1, document);
      insert.setString(2, seedFingerprint);
      insert.setLong(3, stored.toEpochMilli());
      return insert.executeUpdate() == 1 ? Optional.of(written) : Optional.empty();
    } catch (SQLException e) {
      throw failed("write", "the directory", e);
    }
  }

  @Override
  public Optional<StoredDirectory> replaceDirectory(
      long expectedVersion, String document, String seedFingerprint, Instant now) {
    Instant stored = Instant.ofEpochMilli(now.toEpochMilli());
    StoredDirectory written =
        new StoredDirectory(expectedVersion + 1, document, seedFingerprint, stored);
    try (Connection connection = writes.getConnection();
        PreparedStatement update = connection.prepareStatement(UPDATE_DIRECTORY)) {
      update.setLong(1, written.version());
      update.setString(2, document);
      update.setString(3, seedFingerprint);
      update.setLong(4, stored.toEpochMilli());
      update.setLong(5, expectedVersion);
      return update.executeUpdate() == 1 ? Optional.of(written) : Optional.empty();
    } catch (SQLException e) {
      throw failed("write", "the directory", e);
    }
  }

  private static Optional<String> selectSigningKeys(Connection connection) throws SQLException {
    try (PreparedStatement select = connection.prepareStatement(SELECT_SIGNING_KEYS);
        ResultSet row = select.executeQuery()) {
      return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
    }
  }

  private static EngineException failed(String verb, String what, SQLException e) {
    return new EngineException(
        Failure.UNAVAILABLE,
        "serviceNotAvailable",
        "could not " + verb + " " + what + " in the store: " + e.getMessage() + "; retrying may help",
        e);
  }
}
