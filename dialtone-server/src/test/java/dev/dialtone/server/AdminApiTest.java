package dev.dialtone.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory changes at run time through /dialtone/, and the Graph edge sees the change. */
class AdminApiTest {
  @TempDir static Path dataDir;
  static DialtoneServer server;
  static TestClient client;

  @BeforeAll
  static void start() {
    server = DialtoneServer.start(ServerConfig.demo(dataDir).withPort(0).withInMemory(true));
    client = new TestClient(server.baseUrl());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static TestClient.Response admin(String method, String path, String key, String body) {
    return admin(server, method, path, key, body);
  }

  private static TestClient.Response admin(
      DialtoneServer server, String method, String path, String key, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return new TestClient(server.baseUrl()).send(request);
  }

  @Test
  void adminApi_withoutTheAdminKey_isUnauthorized() {
    assertThat(admin("GET", "/dialtone/directory", null, null).status()).isEqualTo(401);
    assertThat(admin("GET", "/dialtone/directory", "wrong", null).status()).isEqualTo(401);
  }

  @Test
  void directory_isReadable() {
    TestClient.Response response = admin("GET", "/dialtone/directory", ServerConfig.DEMO_ADMIN_KEY, null);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().path("applications").findValuesAsText("app-id")).contains(Demo.CALLING_BOT.appId());
  }

  @Test
  void grantingAPermissionAtRunTime_letsTheAppCreateTheCall() {
    String appId = "0e0e0e0e-1111-2222-3333-444444444444";
    String app = "{\"app-id\":\"" + appId + "\",\"tenant-id\":\"" + Demo.CONTOSO
        + "\",\"display-name\":\"Runtime Bot\",\"secrets\":[\"s3cret\"],\"permissions\":[]}";
    assertThat(admin("PUT", "/dialtone/directory/applications/" + appId, ServerConfig.DEMO_ADMIN_KEY, app).status())
        .isEqualTo(200);
    Demo.App runtime = new Demo.App(appId, "s3cret", "Runtime Bot");
    TestClient.Response denied = client.postJson("/v1.0/communications/calls",
        client.token(runtime, Demo.CONTOSO), GraphEdgeTest.P2P);
    assertThat(denied.status()).isEqualTo(403);

    String granted = app.replace("\"permissions\":[]", "\"permissions\":[\"Calls.Initiate.All\"]");
    assertThat(admin("PUT", "/dialtone/directory/applications/" + appId, ServerConfig.DEMO_ADMIN_KEY, granted).status())
        .isEqualTo(200);
    TestClient.Response created = client.postJson("/v1.0/communications/calls",
        client.token(runtime, Demo.CONTOSO), GraphEdgeTest.P2P);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
  }

  @Test
  void inconsistentChange_isRejectedAndChangesNothing() {
    String user = "{\"id\":\"u-1\",\"tenant-id\":\"no-such-tenant\",\"display-name\":\"Ghost\"}";
    TestClient.Response response = admin("PUT", "/dialtone/directory/users/u-1", ServerConfig.DEMO_ADMIN_KEY, user);
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().path("error").path("message").asText()).contains("no-such-tenant");
    assertThat(admin("GET", "/dialtone/directory", ServerConfig.DEMO_ADMIN_KEY, null).json()
        .path("users").findValuesAsText("id")).doesNotContain("u-1");
  }

  @Test
  void deletingAnUnknownEntry_isNotFound() {
    assertThat(admin("DELETE", "/dialtone/directory/users/nobody", ServerConfig.DEMO_ADMIN_KEY, null).status())
        .isEqualTo(404);
  }

  @Test
  void adminChangesAndSigningKeys_surviveARestartOfTheEmbeddedStore(@TempDir Path restartDir) {
    String userId = "7a7a7a7a-0000-4000-8000-000000000003";
    String token;
    try (DialtoneServer first = DialtoneServer.start(ServerConfig.demo(restartDir).withPort(0))) {
      TestClient before = new TestClient(first.baseUrl());
      String user = "{\"id\":\"" + userId + "\",\"tenant-id\":\"" + Demo.CONTOSO + "\",\"display-name\":\"Kept\"}";
      assertThat(admin(first, "PUT", "/dialtone/directory/users/" + userId, ServerConfig.DEMO_ADMIN_KEY, user).status())
          .isEqualTo(200);
      token = before.token(Demo.CALLING_BOT, Demo.CONTOSO);
    }

    try (DialtoneServer restarted = DialtoneServer.start(ServerConfig.demo(restartDir).withPort(0))) {
      assertThat(admin(restarted, "GET", "/dialtone/directory", ServerConfig.DEMO_ADMIN_KEY, null).json()
          .path("users").findValuesAsText("id")).contains(userId);
      TestClient after = new TestClient(restarted.baseUrl());
      TestClient.Response created = after.postJson("/v1.0/communications/calls", token, GraphEdgeTest.P2P);
      assertThat(created.status()).as(created.body()).isEqualTo(201);
    }
  }
}
