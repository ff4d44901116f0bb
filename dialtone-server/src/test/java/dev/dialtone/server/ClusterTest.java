package dev.dialtone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dialtone.store.StoreConfig;
import dev.dialtone.store.TestPostgres;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several Dialtone nodes on one PostgreSQL database, any of them taking any request: they sign
 * with the same keys, and a directory change made on one reaches the others and outlives them all.
 */
class ClusterTest {
  private static final Duration POLL = Duration.ofMillis(50);

  private static TestPostgres postgres;

  @TempDir Path dataDirs;
  private final List<DialtoneServer> started = new ArrayList<>();

  @BeforeAll
  static void startPostgres() {
    postgres = TestPostgres.start();
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
  }

  @AfterEach
  void stopNodes() {
    started.forEach(DialtoneServer::close);
  }

  @Test
  void nodesStartedTogether_acceptEachOthersTokensAndPublishTheSameKeys() throws Exception {
    StoreConfig database = postgres.newDatabase();
    CompletableFuture<DialtoneServer> startingA = CompletableFuture.supplyAsync(() -> node(database));
    CompletableFuture<DialtoneServer> startingB = CompletableFuture.supplyAsync(() -> node(database));
    TestClient a = new TestClient(startingA.get().baseUrl());
    TestClient b = new TestClient(startingB.get().baseUrl());

    TestClient.Response onB =
        b.postJson("/v1.0/communications/calls", a.token(Demo.CALLING_BOT, Demo.CONTOSO), GraphEdgeTest.P2P);
    TestClient.Response onA =
        a.postJson("/v1.0/communications/calls", b.token(Demo.CALLING_BOT, Demo.CONTOSO), GraphEdgeTest.P2P);

    assertThat(onB.status()).as(onB.body()).isEqualTo(201);
    assertThat(onA.status()).as(onA.body()).isEqualTo(201);
    String keysPath = "/" + Demo.CONTOSO + "/discovery/v2.0/keys";
    assertThat(anonymous(b, keysPath).json()).isEqualTo(anonymous(a, keysPath).json());
    // Notification tokens are signed with the same keys, published where callbacks are checked.
    assertThat(anonymous(b, "/common/discovery/v2.0/keys").json())
        .isEqualTo(anonymous(a, keysPath).json());
  }

  @Test
  void anAdminChangeOnOneNode_reachesTheOther() {
    StoreConfig database = postgres.newDatabase();
    TestClient a = new TestClient(node(database).baseUrl());
    TestClient b = new TestClient(node(database).baseUrl());
    String appId = "0e0e0e0e-1111-2222-3333-555555555555";

    assertThat(a.admin("PUT", "/dialtone/directory/applications/" + appId, application(appId)).status())
        .isEqualTo(200);

    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(appIds(b)).contains(appId));
    Demo.App runtime = new Demo.App(appId, "s3cret", "Runtime Bot");
    TestClient.Response created =
        b.postJson("/v1.0/communications/calls", b.token(runtime, Demo.CONTOSO), GraphEdgeTest.P2P);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
  }

  @Test
  void adminChanges_outliveEveryNode() {
    StoreConfig database = postgres.newDatabase();
    DialtoneServer a = node(database);
    DialtoneServer b = node(database);
    String userId = "7a7a7a7a-0000-4000-8000-000000000001";
    assertThat(new TestClient(a.baseUrl()).admin("PUT", "/dialtone/directory/users/" + userId, user(userId)).status())
        .isEqualTo(200);
    String user1 = "98da8a1a-1b87-452c-a713-65d3f10b5555";
    assertThat(new TestClient(b.baseUrl()).admin("DELETE", "/dialtone/directory/users/" + user1, null).status())
        .isEqualTo(204);
    stop(a);
    stop(b);

    TestClient restarted = new TestClient(node(database).baseUrl());

    assertThat(userIds(restarted)).contains(userId).doesNotContain(user1);
  }

  @Test
  void aChangedDirectoryFile_winsAtRestart() throws Exception {
    StoreConfig database = postgres.newDatabase();
    Path file = dataDirs.resolve("directory.yaml");
    Files.writeString(file, directoryFile("Contoso"));
    String userId = "7a7a7a7a-0000-4000-8000-000000000002";
    DialtoneServer first = node(database, file);
    new TestClient(first.baseUrl()).admin("PUT", "/dialtone/directory/users/" + userId, user(userId));
    stop(first);

    DialtoneServer sameFile = node(database, file);
    assertThat(userIds(new TestClient(sameFile.baseUrl()))).contains(userId);
    stop(sameFile);

    Files.writeString(file, directoryFile("Contoso Renamed"));
    TestClient changedFile = new TestClient(node(database, file).baseUrl());

    var directory = changedFile.admin("GET", "/dialtone/directory", null).json();
    assertThat(directory.path("users").findValuesAsText("id")).doesNotContain(userId);
    assertThat(directory.path("tenants").findValuesAsText("display-name")).containsExactly("Contoso Renamed");
  }

  @Test
  void adminChangesMadeAtOnceOnBothNodes_areAllKept() throws Exception {
    StoreConfig database = postgres.newDatabase();
    List<TestClient> nodes =
        List.of(new TestClient(node(database).baseUrl()), new TestClient(node(database).baseUrl()));
    List<String> userIds =
        IntStream.range(0, 12)
            .mapToObj(i -> String.format("7a7a7a7a-0000-4000-8000-%012d", 100 + i))
            .toList();

    List<Future<TestClient.Response>> puts = new ArrayList<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < userIds.size(); i++) {
        TestClient node = nodes.get(i % 2);
        String id = userIds.get(i);
        puts.add(executor.submit(() -> node.admin("PUT", "/dialtone/directory/users/" + id, user(id))));
      }
    }

    for (Future<TestClient.Response> put : puts) {
      assertThat(put.get().status()).as(put.get().body()).isEqualTo(200);
    }
    for (TestClient node : nodes) {
      await().atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(userIds(node)).containsAll(userIds));
    }
  }

  private DialtoneServer node(StoreConfig database) {
    return start(config(database));
  }

  private DialtoneServer node(StoreConfig database, Path directoryFile) {
    return start(config(database).withDirectoryFile(directoryFile));
  }

  private ServerConfig config(StoreConfig database) {
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory(dataDirs, "node-");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return ServerConfig.demo(dataDir)
        .withPort(0)
        .withStore(database.jdbcUrl(), database.user(), database.password())
        .withDirectoryPollInterval(POLL);
  }

  private DialtoneServer start(ServerConfig config) {
    DialtoneServer server = DialtoneServer.start(config);
    synchronized (started) {
      started.add(server);
    }
    return server;
  }

  private void stop(DialtoneServer server) {
    server.close();
    synchronized (started) {
      started.remove(server);
    }
  }

  private static TestClient.Response anonymous(TestClient node, String path) {
    return node.send(HttpRequest.newBuilder(URI.create(node.base() + path)).GET());
  }

  private static List<String> appIds(TestClient node) {
    return node.admin("GET", "/dialtone/directory", null).json().path("applications").findValuesAsText("app-id");
  }

  private static List<String> userIds(TestClient node) {
    return node.admin("GET", "/dialtone/directory", null).json().path("users").findValuesAsText("id");
  }

  private static String application(String appId) {
    return "{\"app-id\":\"" + appId + "\",\"tenant-id\":\"" + Demo.CONTOSO
        + "\",\"display-name\":\"Runtime Bot\",\"secrets\":[\"s3cret\"],\"permissions\":[\"Calls.Initiate.All\"]}";
  }

  private static String user(String id) {
    return "{\"id\":\"" + id + "\",\"tenant-id\":\"" + Demo.CONTOSO + "\",\"display-name\":\"User " + id + "\"}";
  }

  private static String directoryFile(String tenantName) {
    return """
        tenants:
          - id: %s
            display-name: %s
        users:
          - id: %s
            tenant-id: %s
            display-name: John
        """.formatted(Demo.CONTOSO, tenantName, Demo.JOHN, Demo.CONTOSO);
  }
}
