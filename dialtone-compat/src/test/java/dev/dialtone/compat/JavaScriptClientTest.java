package dev.dialtone.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Microsoft Graph JavaScript client ({@code @microsoft/microsoft-graph-client}
 * 3.0.7 from npm, pinned by {@code src/test/js/package-lock.json}), unchanged, under the machine's
 * Node.js against an in-process Dialtone over HTTPS: {@code src/test/js/calls.js} gets a token from
 * Dialtone's token endpoint, creates the Create call page's first example with {@code
 * client.api('/communications/calls').post(body)}, reads it back, hangs it up, and sees 404
 * {@code itemNotFound} afterwards. Node trusts the development certificate through {@code
 * NODE_EXTRA_CA_CERTS}, as the README says; TLS verification stays on.
 *
 * <p>Needs {@code node} (18 or later, for its global fetch) and {@code npm} on the PATH: without
 * them the test fails and says so. {@code npm ci} runs once and again only when the lockfile
 * changes; {@code node_modules} stays in {@code src/test/js}, git-ignored.
 */
class JavaScriptClientTest {
  static final Path JS = Path.of("src/test/js").toAbsolutePath();
  static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
  static final Duration NODE_TIMEOUT = Duration.ofMinutes(2);

  @TempDir static Path dataDir;
  @TempDir static Path logs;
  static Dialtone dialtone;
  static BotWebhook webhook;

  @BeforeAll
  static void start() throws Exception {
    assertThat(JS.resolve("package-lock.json"))
        .as("the JavaScript client's project (run from the dialtone-compat module)")
        .exists();
    requireNode();
    npmCiOnce();
    dialtone = Dialtone.start(dataDir);
    webhook = BotWebhook.admittingAll();
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

  record Run(int exitCode, String output) {}

  static Run run(List<String> command, Map<String, String> env, Duration timeout, String what)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(logs, what.replaceAll("\\W", "-"), ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(JS.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return fail(
          "%s: cannot run `%s` (%s). This test needs Node.js 18 or later with npm on the PATH.",
          what, String.join(" ", command), e.getMessage());
    }
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return fail(
          "%s: `%s` did not finish within %s; its output:%n%s",
          what, String.join(" ", command), timeout, Files.readString(log, StandardCharsets.UTF_8));
    }
    return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  static void requireNode() throws Exception {
    Run version = run(List.of("node", "--version"), Map.of(), Duration.ofSeconds(30), "node");
    assertThat(version.exitCode()).as("node --version: %s", version.output()).isZero();
    Matcher major = Pattern.compile("v(\\d+)\\.").matcher(version.output());
    assertThat(major.find()).as("node --version: %s", version.output()).isTrue();
    assertThat(Integer.parseInt(major.group(1)))
        .as("Node.js major version (this test needs 18 or later): %s", version.output().strip())
        .isGreaterThanOrEqualTo(18);
    Run npm = run(List.of("npm", "--version"), Map.of(), Duration.ofSeconds(60), "npm");
    assertThat(npm.exitCode()).as("npm --version: %s", npm.output()).isZero();
  }

  /** {@code npm ci}, unless node_modules was installed from the lockfile as it is now. */
  static void npmCiOnce() throws Exception {
    Path lock = JS.resolve("package-lock.json");
    Path installed = JS.resolve("node_modules/.package-lock.json");
    if (Files.exists(installed)
        && Files.exists(JS.resolve("node_modules/@microsoft/microsoft-graph-client/package.json"))
        && Files.getLastModifiedTime(installed).compareTo(Files.getLastModifiedTime(lock)) >= 0) {
      return;
    }
    Run ci =
        run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), NPM_TIMEOUT, "npm ci");
    assertThat(ci.exitCode()).as("npm ci in %s:%n%s", JS, ci.output()).isZero();
    // npm ci writes node_modules/.package-lock.json; mark it as made from this lockfile.
    FileTime now = FileTime.fromMillis(System.currentTimeMillis());
    Files.setLastModifiedTime(installed, now);
  }

  @Test
  void example1_createdReadHungUpAndGone_throughTheGraphJavaScriptClient() throws Exception {
    String https = dialtone.https();
    Path cert = dialtone.devCertificate();
    assertThat(cert).exists();

    Run node =
        run(
            List.of("node", "calls.js"),
            Map.of(
                "DIALTONE_GRAPH_BASE_URL", https + "/v1.0",
                "DIALTONE_TOKEN_ENDPOINT", https + "/" + Demo.CONTOSO + "/oauth2/v2.0/token",
                "DIALTONE_CLIENT_ID", Demo.CALLING_BOT.appId(),
                "DIALTONE_CLIENT_SECRET", Demo.CALLING_BOT.secret(),
                "DIALTONE_CALLBACK_URI", webhook.url(),
                "NODE_EXTRA_CA_CERTS", cert.toString()),
            NODE_TIMEOUT,
            "node calls.js");

    assertThat(node.exitCode()).as("node calls.js exit code; its output:%n%s", node.output()).isZero();
    List<String> lines = new ArrayList<>(node.output().lines().toList());
    Matcher created = Pattern.compile("(?m)^created: (\\S+) establishing$").matcher(node.output());
    assertThat(created.find()).as("output:%n%s", node.output()).isTrue();
    String callId = created.group(1);
    assertThat(lines)
        .as("output")
        .containsSubsequence(
            "token: ok",
            "created: " + callId + " establishing",
            "deleted: " + callId,
            "gone: 404 itemNotFound",
            "javascript client: ok");
    assertThat(lines).anyMatch(l -> l.matches("read: " + Pattern.quote(callId) + " establish(ing|ed)"));

    // The call the JavaScript client made is a real one: the bot's callbackUri heard about it.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !webhook.about(callId).isEmpty());
  }
}
