package dev.dialtone.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.dialtone.store.JdbcStore;
import dev.dialtone.store.StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {
  private static final Instant NOW = Instant.parse("2026-03-14T09:26:53Z");

  @TempDir Path directory;
  private JdbcStore store;

  @BeforeEach
  void openStore() {
    store = JdbcStore.open(StoreConfig.sqliteInMemory());
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void shared_makesAKeyOnFirstStartAndUsesTheStoredOneAfterwards() throws Exception {
    SigningKeys first = SigningKeys.shared(store, Optional.empty(), NOW);
    SigningKeys second = SigningKeys.shared(store, Optional.empty(), NOW);

    assertThat(second.currentKeyId()).isEqualTo(first.currentKeyId());
    assertThat(second.publicJwks()).isEqualTo(first.publicJwks());
    String token = first.sign(new JWTClaimsSet.Builder().subject("x").build());
    SignedJWT jwt = SignedJWT.parse(token);
    assertThat(jwt.verify(second.verifier(jwt.getHeader().getKeyID()).orElseThrow())).isTrue();
  }

  @Test
  void shared_startedConcurrently_convergesOnOneKey() throws Exception {
    List<Future<SigningKeys>> starts = new ArrayList<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < 4; i++) {
        starts.add(executor.submit(() -> SigningKeys.shared(store, Optional.empty(), NOW)));
      }
    }

    String kid = starts.getFirst().get().currentKeyId();
    for (Future<SigningKeys> start : starts) {
      assertThat(start.get().currentKeyId()).isEqualTo(kid);
    }
  }

  @Test
  void theStore_holdsThePrivateKeyAsAJwkSet() throws Exception {
    SigningKeys keys = SigningKeys.shared(store, Optional.empty(), NOW);

    RSAKey stored = (RSAKey) JWKSet.parse(store.signingKeys().orElseThrow()).getKeys().get(0);
    assertThat(stored.isPrivate()).isTrue();
    assertThat(stored.getKeyID()).isEqualTo(keys.currentKeyId());
    assertThat(stored.size()).isEqualTo(2048);
  }

  @Test
  void aFormerKeyFile_isImportedWhenTheStoreHasNoKeys() throws Exception {
    RSAKey former = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
    Path file = directory.resolve("token-signing-keys.json");
    Files.writeString(file, new JWKSet(former).toString(false));

    SigningKeys keys = SigningKeys.shared(store, Optional.of(file), NOW);

    assertThat(keys.currentKeyId()).isEqualTo(former.getKeyID());
    RSAKey stored = (RSAKey) JWKSet.parse(store.signingKeys().orElseThrow()).getKeys().get(0);
    assertThat(stored).isEqualTo(former);
    SignedJWT jwt = SignedJWT.parse(keys.sign(new JWTClaimsSet.Builder().build()));
    assertThat(jwt.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(former))).isTrue();
  }

  @Test
  void aFormerKeyFile_isIgnoredOnceTheStoreHoldsKeys() throws Exception {
    SigningKeys first = SigningKeys.shared(store, Optional.empty(), NOW);
    Path file = directory.resolve("token-signing-keys.json");
    Files.writeString(
        file, new JWKSet(new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate()).toString(false));

    SigningKeys later = SigningKeys.shared(store, Optional.of(file), NOW);

    assertThat(later.currentKeyId()).isEqualTo(first.currentKeyId());
  }

  @Test
  void aMissingFormerKeyFile_makesANewKey() {
    SigningKeys keys =
        SigningKeys.shared(store, Optional.of(directory.resolve("token-signing-keys.json")), NOW);

    assertThat(store.signingKeys()).hasValueSatisfying(jwks -> assertThat(jwks).contains(keys.currentKeyId()));
    assertThat(directory.resolve("token-signing-keys.json")).doesNotExist();
  }

  @Test
  void storedKeys_keepTheirOrder_theFirstSignsAndTheOthersStillVerify() throws Exception {
    RSAKey newer = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
    RSAKey older = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
    store.insertSigningKeysIfAbsent(new JWKSet(List.of(newer, older)).toString(false), NOW);

    SigningKeys keys = SigningKeys.shared(store, Optional.empty(), NOW);

    assertThat(keys.currentKeyId()).isEqualTo(newer.getKeyID());
    assertThat(keys.verifier(older.getKeyID())).isPresent();
    assertThat(JWKSet.parse(keys.publicJwks()).getKeys())
        .extracting(com.nimbusds.jose.jwk.JWK::getKeyID)
        .containsExactly(newer.getKeyID(), older.getKeyID());
  }

  @Test
  void keyId_isTheRfc7638ThumbprintOfTheKey() throws Exception {
    SigningKeys keys = SigningKeys.inMemory();

    RSAKey published = (RSAKey) JWKSet.parse(keys.publicJwks()).getKeys().get(0);

    assertThat(keys.currentKeyId()).isEqualTo(published.computeThumbprint().toString());
  }

  @Test
  void publicJwks_publishesSigningKeysWithoutPrivateParts() throws Exception {
    SigningKeys keys = SigningKeys.inMemory();

    JsonNode key = new ObjectMapper().readTree(keys.publicJwks()).get("keys").get(0);

    assertThat(key.get("kty").asText()).isEqualTo("RSA");
    assertThat(key.get("use").asText()).isEqualTo("sig");
    assertThat(key.get("alg").asText()).isEqualTo("RS256");
    assertThat(key.get("kid").asText()).isEqualTo(keys.currentKeyId());
    assertThat(key.has("n")).isTrue();
    assertThat(key.has("e")).isTrue();
    assertThat(key.has("d")).isFalse();
    assertThat(key.has("p")).isFalse();
  }

  @Test
  void sign_putsKidAndTypInTheHeader() throws Exception {
    SigningKeys keys = SigningKeys.inMemory();

    SignedJWT jwt = SignedJWT.parse(keys.sign(new JWTClaimsSet.Builder().build()));

    assertThat(jwt.getHeader().getKeyID()).isEqualTo(keys.currentKeyId());
    assertThat(jwt.getHeader().getType().getType()).isEqualTo("JWT");
    assertThat(jwt.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
  }

  @Test
  void corruptFormerKeyFile_failsWithAMessageNamingTheFileAndTheFix() throws Exception {
    Path file = directory.resolve("token-signing-keys.json");
    Files.writeString(file, "{not json");

    assertThatThrownBy(() -> SigningKeys.shared(store, Optional.of(file), NOW))
        .isInstanceOf(SigningKeysException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("delete it to make a new key");
    assertThat(store.signingKeys()).isEmpty();
  }

  @Test
  void corruptStoredKeys_failWithAMessageNamingTheTable() {
    store.insertSigningKeysIfAbsent("{not json", NOW);

    assertThatThrownBy(() -> SigningKeys.shared(store, Optional.empty(), NOW))
        .isInstanceOf(SigningKeysException.class)
        .hasMessageContaining("signing_keys")
        .hasMessageContaining("delete it to make a new key");
  }

  @Test
  void formerKeyFileWithOnlyAPublicKey_isRefused() throws Exception {
    Path file = directory.resolve("token-signing-keys.json");
    Files.writeString(file, SigningKeys.inMemory().publicJwks());

    assertThatThrownBy(() -> SigningKeys.shared(store, Optional.of(file), NOW))
        .isInstanceOf(SigningKeysException.class)
        .hasMessageContaining("has no private part");
  }

  @Test
  void formerKeyWithoutKid_getsItsThumbprint() throws Exception {
    RSAKey former = new RSAKeyGenerator(2048).keyIDFromThumbprint(true).generate();
    Path file = directory.resolve("token-signing-keys.json");
    Files.writeString(file, new JWKSet(new RSAKey.Builder(former).keyID(null).build()).toString(false));

    SigningKeys imported = SigningKeys.shared(store, Optional.of(file), NOW);

    assertThat(imported.currentKeyId()).isEqualTo(former.getKeyID());
    assertThat(SigningKeys.shared(store, Optional.empty(), NOW).currentKeyId())
        .isEqualTo(former.getKeyID());
  }

  @Test
  void verifier_knowsOnlyItsOwnKeys() {
    SigningKeys keys = SigningKeys.inMemory();

    assertThat(keys.verifier(keys.currentKeyId())).isPresent();
    assertThat(keys.verifier(SigningKeys.inMemory().currentKeyId())).isEmpty();
    assertThat(keys.verifier(null)).isEmpty();
  }
}
