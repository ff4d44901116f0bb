package dev.dialtone.server.identity;

import dev.dialtone.engine.directory.Application;
import dev.dialtone.engine.directory.Directory;
import dev.dialtone.engine.directory.Permission;
import dev.dialtone.engine.directory.Tenant;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A small directory and request builders shared by the tests. */
final class Fixtures {
  static final String HOME = "aa67bd4c-8475-432d-bd41-39f255720e0a";
  static final String OTHER = "5b1c0f3e-2f5d-4d6a-9a57-8f0e4c1d2b3a";
  static final String STRANGER = "0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70";
  static final String APP = "2891555a-92ff-42e6-80fa-6e1300c6b5c6";
  static final String BARE_APP = "7f3a1c22-0b4e-4f6a-9d1e-5c2b8a9e0f11";
  static final String SECRET = "Yq~8Q~secret.value_with-chars";
  static final String SECOND_SECRET = "second+secret/with=base64chars";
  static final Instant NOW = Instant.parse("2030-06-01T10:00:00Z");
  static final URI BASE = URI.create("https://127.0.0.1:8443");
  static final String GRAPH_DEFAULT = "https://graph.microsoft.com/.default";

  private Fixtures() {}

  static URI tokenEndpoint(String tenant) {
    return URI.create(BASE + "/" + tenant + "/oauth2/v2.0/token");
  }

  /** The calling bot in HOME (consented in OTHER too) and a permissionless app in HOME. */
  static Directory directory(List<String> certificates) {
    return Directory.of(
        new Directory.Contents(
            List.of(
                new Tenant(HOME, "Contoso"),
                new Tenant(OTHER, "Fabrikam"),
                new Tenant(STRANGER, "Northwind")),
            List.of(
                new Application(
                    APP,
                    HOME,
                    "Calling Bot",
                    List.of(SECRET, SECOND_SECRET),
                    certificates,
                    Set.of(Permission.CALLS_INITIATE_ALL, Permission.CALLS_JOIN_GROUP_CALL_ALL),
                    Set.of(OTHER),
                    Optional.empty()),
                new Application(
                    BARE_APP,
                    HOME,
                    "",
                    List.of(SECRET),
                    List.of(),
                    Set.of(),
                    Set.of(),
                    Optional.empty())),
            List.of(),
            List.of(),
            List.of(),
            List.of()));
  }

  static Directory directory() {
    return directory(List.of());
  }

  /** A form as MSAL4J sends it for a client secret, extra fields included. */
  static Map<String, List<String>> secretForm(String clientId, String secret) {
    Map<String, List<String>> form = new LinkedHashMap<>();
    form.put("grant_type", List.of("client_credentials"));
    form.put("client_id", List.of(clientId));
    form.put("client_secret", List.of(secret));
    form.put("scope", List.of(GRAPH_DEFAULT + " openid profile offline_access"));
    form.put("client_info", List.of("1"));
    form.put("claims", List.of("{\"access_token\":{\"xms_cc\":{\"values\":[\"cp1\"]}}}"));
    return form;
  }

  static Map<String, List<String>> with(
      Map<String, List<String>> form, String name, String... values) {
    Map<String, List<String>> copy = new LinkedHashMap<>(form);
    if (values.length == 0) {
      copy.remove(name);
    } else {
      copy.put(name, new ArrayList<>(List.of(values)));
    }
    return copy;
  }
}
