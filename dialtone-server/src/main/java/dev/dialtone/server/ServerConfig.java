package dev.dialtone.server;

import dev.dialtone.server.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a Dialtone server is started with. Every key, its default and its unit are listed in
 * {@code docs/configuration.md}; the command line ({@link Main}) and the environment set them, and
 * tests build them in code. Frozen once made.
 *
 * @param host the address to listen on ({@code 127.0.0.1})
 * @param port the port to listen on ({@code 8080}; 0 picks a free one)
 * @param dataDir where the embedded database lives (and the signing key file of a former version,
 *     imported into the store)
 * @param inMemory keep the embedded database in memory (nothing survives a restart)
 * @param storeUrl a PostgreSQL JDBC URL to use instead of the embedded database
 * @param storeUser the PostgreSQL user
 * @param storePassword the PostgreSQL password
 * @param directoryFile the directory file; empty means the built-in demo directory
 * @param demo the demo profile: plain-http loopback callbacks allowed, demo credentials printed
 * @param adminKey the admin API's bearer credential; empty disables the admin API
 * @param publicUrl the base URL clients use, if it differs from what they send in {@code Host}
 * @param maxRequestBytes the largest request body accepted, in bytes
 * @param tokenLifetime how long issued access tokens are valid
 * @param clock the one clock of the server: timers, tokens, notifications (a scaled or fake clock
 *     in demos and tests)
 * @param nodeId this node's name in timer and notification leases
 * @param callbackIssuer the {@code iss} of the tokens that sign notifications
 * @param callbackAllow if not empty, the only hosts and CIDR blocks notifications may go to
 * @param callbackDeny hosts and CIDR blocks notifications never go to (deny wins over allow)
 * @param tls the HTTPS listener beside the plain one: its port and the operator's certificate
 * @param directoryPollInterval how often, in real time, this node reads the stored directory's
 *     version to pick up changes other nodes made ({@code 1 s})
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    boolean inMemory,
    Optional<String> storeUrl,
    Optional<String> storeUser,
    Optional<String> storePassword,
    Optional<Path> directoryFile,
    boolean demo,
    Optional<String> adminKey,
    Optional<String> publicUrl,
    int maxRequestBytes,
    Duration tokenLifetime,
    java.time.Clock clock,
    String nodeId,
    String callbackIssuer,
    java.util.List<String> callbackAllow,
    java.util.List<String> callbackDeny,
    TlsSettings tls,
    Duration directoryPollInterval) {

  /** The issuer real notifications carry. */
  public static final String DEFAULT_CALLBACK_ISSUER = "https://api.botframework.com";

  /** How often a node reads the stored directory's version unless told otherwise. */
  public static final Duration DEFAULT_DIRECTORY_POLL_INTERVAL = Duration.ofSeconds(1);

  /** The demo profile's well-known admin key. */
  public static final String DEMO_ADMIN_KEY = "dialtone-demo-admin-key";

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(storeUrl, "storeUrl");
    storeUrl.ifPresent(
        url -> {
          if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                "store-url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db), got '" + url + "'");
          }
        });
    Objects.requireNonNull(directoryFile, "directoryFile");
    Objects.requireNonNull(adminKey, "adminKey");
    adminKey.ifPresent(
        key -> {
          if (key.isBlank()) {
            throw new IllegalArgumentException(
                "admin-key must not be blank; leave it unset to disable the admin API");
          }
        });
    Objects.requireNonNull(publicUrl, "publicUrl");
    if (maxRequestBytes < 1024) {
      throw new IllegalArgumentException("max-request-bytes must be at least 1024, got " + maxRequestBytes);
    }
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(callbackIssuer, "callbackIssuer");
    callbackAllow = java.util.List.copyOf(callbackAllow);
    callbackDeny = java.util.List.copyOf(callbackDeny);
    Objects.requireNonNull(tls, "tls");
    if (nodeId == null || nodeId.isBlank()) {
      throw new IllegalArgumentException("node-id must not be blank");
    }
    if (tokenLifetime.isNegative() || tokenLifetime.isZero()) {
      throw new IllegalArgumentException("token-lifetime must be positive, got " + tokenLifetime);
    }
    Objects.requireNonNull(directoryPollInterval, "directoryPollInterval");
    if (directoryPollInterval.isNegative() || directoryPollInterval.isZero()) {
      throw new IllegalArgumentException(
          "directory-poll-ms must be positive, got " + directoryPollInterval.toMillis());
    }
  }

  /**
   * The demo defaults: loopback, port 8080, the demo directory, data in {@code dataDir}. HTTPS is
   * off here (the command line's default is {@value TlsSettings#DEFAULT_HTTPS_PORT}), so servers
   * that need only plain HTTP bind no second port: {@link #withTls} turns it on.
   */
  public static ServerConfig demo(Path dataDir) {
    return new ServerConfig(
        "127.0.0.1",
        8080,
        dataDir,
        false,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        true,
        Optional.of(DEMO_ADMIN_KEY),
        Optional.empty(),
        256 * 1024,
        Duration.ofSeconds(3599),
        java.time.Clock.systemUTC(),
        defaultNodeId(),
        DEFAULT_CALLBACK_ISSUER,
        java.util.List.of(),
        java.util.List.of(),
        TlsSettings.off(),
        DEFAULT_DIRECTORY_POLL_INTERVAL);
  }

  /** The host name and process id: unique among nodes sharing a database. */
  public static String defaultNodeId() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "localhost";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(host, newPort, dataDir, inMemory, storeUrl, storeUser, storePassword,
        directoryFile, demo, adminKey, publicUrl, maxRequestBytes, tokenLifetime, clock, nodeId, callbackIssuer, callbackAllow, callbackDeny, tls, directoryPollInterval);
  }

  public ServerConfig withInMemory(boolean newInMemory) {
    return new ServerConfig(host, port, dataDir, newInMemory, storeUrl, storeUser, storePassword,
        directoryFile, demo, adminKey, publicUrl, maxRequestBytes, tokenLifetime, clock, nodeId, callbackIssuer, callbackAllow, callbackDeny, tls, directoryPollInterval);
  }

  public ServerConfig withStore(String url, String user, String password) {
    return new ServerConfig(host, port, dataDir, inMemory, Optional.of(url), Optional.ofNullable(user),
        Optional.ofNullable(password), directoryFile, demo, adminKey, publicUrl, maxRequestBytes, tokenLifetime, clock, nodeId, callbackIssuer, callbackAllow, callbackDeny, tls, directoryPollInterval);
  }

  public ServerConfig withClock(java.time.Clock newClock) {
    return new ServerConfig(host, port, dataDir, inMemory, storeUrl, storeUser, storePassword,
        directoryFile, demo, adminKey, publicUrl, maxRequestBytes, tokenLifetime, newClock, nodeId, callbackIssuer, callbackAllow, callbackDeny, tls, directoryPollInterval);
  }

  public ServerConfig withMaxRequestBytes(int bytes) {
    return new ServerConfig(host, port, dataDir, inMemory, storeUrl, storeUser, storePassword,
        directoryFile, demo, adminKey, publicUrl, bytes, tokenLifetime, clock, nodeId, callbackIssuer, callbackAllow, callbackDeny, tls, directoryPollInterval);
  }

  public ServerConfig withTls(TlsSettings newTls) {
    return new ServerConfig(host, port, dataDir, inMemory, storeUrl, storeUser, storePassword,
        directoryFile, demo, adminKey, publicUrl, maxRequestBytes, tokenLifetime, clock, nodeId, callbackIssuer, callbackAllow, callbackDeny, newTls, directoryPollInterval);
  }

  /**
   * The directory file instead of the demo directory; the profile and the admin key stay as they
   * are.
   */
  public ServerConfig withDirectoryFile(Path file) {
    return new ServerConfig(host, port, dataDir, inMemory, storeUrl, storeUser, storePassword,
        Optional.of(file), demo, adminKey, publicUrl, maxRequestBytes, tokenLifetime, clock, nodeId, callbackIssuer, callbackAllow, callbackDeny, tls, directoryPollInterval);
  }

  public ServerConfig withDirectoryPollInterval(Duration interval) {
    return new ServerConfig(host, port, dataDir, inMemory, storeUrl, storeUser, storePassword,
        directoryFile, demo, adminKey, publicUrl, maxRequestBytes, tokenLifetime, clock, nodeId, callbackIssuer, callbackAllow, callbackDeny, tls, interval);
  }
}
