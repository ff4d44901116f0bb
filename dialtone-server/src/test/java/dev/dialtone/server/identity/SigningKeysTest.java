package dev.dialtone.server.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {
  @TempDir Path directory;

  @Test
  void loadOrCreate_makesAKeyOnFirstUseAndLoadsTheSameKeyAfterwards() throws Exception {
    Path file = directory.resolve("keys/signing-keys.json");

    SigningKeys first = SigningKeys.loadOrCreate(file);
    SigningKeys second = SigningKeys.loadOrCreate(file);

    assertThat(file).exists();
    assertThat(second.currentKeyId()).isEqualTo(first.currentKeyId());
    assertThat(second.publicJwks()).isEqualTo(first.publicJwks());
    String token = first.sign(new JWTClaimsSet.Builder().subject("x").build());
    SignedJWT jwt = SignedJWT.parse(token);
    assertThat(jwt.verify(second.verifier(jwt.getHeader().getKeyID()).orElseThrow())).isTrue();
  }

  @Test
  void keyId_isTheRfc7638ThumbprintOfTheKey() throws Exception {
    SigningKeys keys = SigningKeys.inMemory();

    RSAKey published = (RSAKey) JWKSet.parse(keys.publicJwks()).getKeys().get(0);

    assertThat(keys.currentKeyId()).isEqualTo(published.computeThumbprint().toString());
  }

  @Test
  void keyFile_isReadableByItsOwnerOnly() throws Exception {
    assumeTrue(
        Files.getFileStore(directory).supportsFileAttributeView(PosixFileAttributeView.class));
    Path file = directory.resolve("signing-keys.json");

    SigningKeys.loadOrCreate(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (var leftovers = Files.list(directory)) {
      assertThat(leftovers).containsExactly(file);
    }
  }

  @Test
  void keyFile_holdsThePrivateKeyAsAJwkSet() throws Exception {
    Path file = directory.resolve("signing-keys.json");

    SigningKeys keys = SigningKeys.loadOrCreate(file);

    RSAKey stored = (RSAKey) JWKSet.parse(Files.readString(file)).getKeys().get(0);
    assertThat(stored.isPrivate()).isTrue();
    assertThat(stored.getKeyID()).isEqualTo(keys.currentKeyId());
    assertThat(stored.size()).isEqualTo(2048);
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
  void corruptKeyFile_failsWithAMessageNamingTheFileAndTheFix() throws Exception {
    Path file = directory.resolve("signing-keys.json");
    Files.writeString(file, "{not json");

    assertThatThrownBy(() -> SigningKeys.loadOrCreate(file))
        .isInstanceOf(SigningKeysException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("delete it to make a new key");
  }

  @Test
  void keyFileWithOnlyAPublicKey_isRefused() throws Exception {
    Path file = directory.resolve("signing-keys.json");
    Files.writeString(file, SigningKeys.inMemory().publicJwks());

    assertThatThrownBy(() -> SigningKeys.loadOrCreate(file))
        .isInstanceOf(SigningKeysException.class)
        .hasMessageContaining("has no private part");
  }

  @Test
  void loadedKeyWithoutKid_getsItsThumbprint() throws Exception {
    Path file = directory.resolve("signing-keys.json");
    SigningKeys.loadOrCreate(file);
    RSAKey stored = (RSAKey) JWKSet.parse(Files.readString(file)).getKeys().get(0);
    RSAKey withoutKid = new RSAKey.Builder(stored).keyID(null).build();
    Files.writeString(file, new JWKSet(withoutKid).toString(false));

    SigningKeys loaded = SigningKeys.loadOrCreate(file);

    assertThat(loaded.currentKeyId()).isEqualTo(stored.getKeyID());
  }

  @Test
  void verifier_knowsOnlyItsOwnKeys() {
    SigningKeys keys = SigningKeys.inMemory();

    assertThat(keys.verifier(keys.currentKeyId())).isPresent();
    assertThat(keys.verifier(SigningKeys.inMemory().currentKeyId())).isEmpty();
    assertThat(keys.verifier(null)).isEmpty();
  }
}
