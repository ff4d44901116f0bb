package dev.dialtone.server.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The RSA keys Dialtone signs its JWTs with (access tokens, and notification tokens later), and
 * their public JWK Set.
 *
 * <p>Keys are kept newest first; the first is the current one and signs everything, the others only
 * verify (so rotation can add a key in front and keep the old one until its tokens expire). Every
 * key carries a {@code kid}: a key made here gets its RFC 7638 SHA-256 thumbprint; a loaded key
 * without one gets the same, a loaded key with one keeps it. Instances are immutable and
 * thread-safe; the signer and one verifier per {@code kid} are made once, when the set is made.
 */
public final class SigningKeys {
  private static final int KEY_SIZE = 2048;
  private static final String OWNER_ONLY = "rw-------";

  private final List<RSAKey> keys;
  private final RSAKey current;
  private final JWSSigner signer;
  private final Map<String, JWSVerifier> verifiers;
  private final String publicJwks;

  private SigningKeys(List<RSAKey> keys, String origin) {
    if (keys.isEmpty()) {
      throw new SigningKeysException(origin + " holds no keys; delete it to make a new key");
    }
    this.keys = List.copyOf(keys);
    this.current = this.keys.get(0);
    Map<String, JWSVerifier> byKid = new LinkedHashMap<>();
    List<JWK> publicKeys = new ArrayList<>();
    try {
      this.signer = new RSASSASigner(current);
      for (RSAKey key : this.keys) {
        if (byKid.put(key.getKeyID(), new RSASSAVerifier(key.toRSAPublicKey())) != null) {
          throw new SigningKeysException(
              origin + " holds two keys with kid '" + key.getKeyID() + "'; give each its own kid");
        }
        publicKeys.add(
            new RSAKey.Builder(key.toRSAPublicKey())
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .build());
      }
    } catch (JOSEException e) {
      throw new SigningKeysException(origin + " holds a key that cannot sign or verify: " + e, e);
    }
    this.verifiers = Map.copyOf(byKid);
    this.publicJwks = new JWKSet(publicKeys).toString();
  }

  /**
   * Loads the key set from {@code file}, or, if the file does not exist, makes one 2048-bit RSA key
   * and writes it there as a JWK Set (private parts included; parent directories are created). On a
   * file system with POSIX permissions the file is readable and writable by its owner only from the
   * moment it exists: it is written to a temporary file made with those permissions and then moved
   * into place. One process is expected to own the file: two processes starting at the same time on
   * an empty directory could each make a key, and the last one written wins.
   *
   * @throws SigningKeysException if the file cannot be read or written, is not a JWK Set, or holds
   *     a key that is not an RSA private key of at least 2048 bits
   */
  public static SigningKeys loadOrCreate(Path file) {
    if (Files.exists(file)) {
      return load(file);
    }
    SigningKeys created = new SigningKeys(List.of(generate()), "a new key set");
    write(file, new JWKSet(List.<JWK>copyOf(created.keys)).toString(false));
    return created;
  }

  /** A key set of one new key, kept in memory only: for tests and throwaway runs. */
  public static SigningKeys inMemory() {
    return new SigningKeys(List.of(generate()), "an in-memory key set");
  }

  /** The {@code kid} of the key that signs. */
  public String currentKeyId() {
    return current.getKeyID();
  }

  /**
   * The public JWK Set as JSON, for {@code /discovery/v2.0/keys}: each key with {@code kty}, {@code
   * use":"sig"}, {@code alg":"RS256"}, {@code kid}, {@code n} and {@code e}, and no private part.
   */
  public String publicJwks() {
    return publicJwks;
  }

  /**
   * Signs the claims with the current key: RS256, header {@code kid} and {@code typ":"JWT"}.
   *
   * @return the compact serialisation
   */
  public String sign(JWTClaimsSet claims) {
    JWSHeader header =
        new JWSHeader.Builder(JWSAlgorithm.RS256)
            .keyID(current.getKeyID())
            .type(JOSEObjectType.JWT)
            .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new SigningKeysException("cannot sign with key '" + current.getKeyID() + "': " + e, e);
    }
    return jwt.serialize();
  }

  /** The verifier for the key with this {@code kid}, if the set holds one. */
  Optional<JWSVerifier> verifier(String kid) {
    return kid == null ? Optional.empty() : Optional.ofNullable(verifiers.get(kid));
  }

  private static SigningKeys load(Path file) {
    JWKSet set;
    try {
      set = JWKSet.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | ParseException e) {
      throw new SigningKeysException(
          "cannot read the signing key file "
              + file
              + " ("
              + e.getMessage()
              + "); fix it, or delete it to make a new key (tokens signed with the old key then"
              + " stop verifying)",
          e);
    }
    List<RSAKey> keys = new ArrayList<>();
    for (JWK jwk : set.getKeys()) {
      keys.add(usable(jwk, file));
    }
    return new SigningKeys(keys, "the signing key file " + file);
  }

  private static RSAKey usable(JWK jwk, Path file) {
    String name = "key '" + jwk.getKeyID() + "' in the signing key file " + file;
    if (!(jwk instanceof RSAKey rsa)) {
      throw new SigningKeysException(name + " is " + jwk.getKeyType() + ", not RSA; remove it");
    }
    if (!rsa.isPrivate()) {
      throw new SigningKeysException(name + " has no private part; only private keys sign");
    }
    if (rsa.size() < KEY_SIZE) {
      throw new SigningKeysException(
          name + " has " + rsa.size() + " bits; RS256 needs at least " + KEY_SIZE);
    }
    if (rsa.getKeyID() != null) {
      return rsa;
    }
    try {
      return new RSAKey.Builder(rsa).keyIDFromThumbprint().build();
    } catch (JOSEException e) {
      throw new SigningKeysException("cannot compute the thumbprint of " + name + ": " + e, e);
    }
  }

  private static RSAKey generate() {
    KeyPair pair;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(KEY_SIZE, new SecureRandom());
      pair = generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new SigningKeysException("this JDK cannot make RSA keys: " + e, e);
    }
    try {
      return new RSAKey.Builder((RSAPublicKey) pair.getPublic())
          .privateKey((RSAPrivateKey) pair.getPrivate())
          .keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.RS256)
          .keyIDFromThumbprint()
          .build();
    } catch (JOSEException e) {
      throw new SigningKeysException("cannot compute the thumbprint of a new key: " + e, e);
    }
  }

  private static void write(Path file, String json) {
    Path target = file.toAbsolutePath();
    Path directory = target.getParent();
    Path temporary = null;
    try {
      Files.createDirectories(directory);
      boolean posix =
          Files.getFileStore(directory).supportsFileAttributeView(PosixFileAttributeView.class);
      temporary =
          posix
              ? Files.createTempFile(
                  directory,
                  ".signing-keys-",
                  ".tmp",
                  PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(OWNER_ONLY)))
              : Files.createTempFile(directory, ".signing-keys-", ".tmp");
      Files.writeString(temporary, json, StandardCharsets.UTF_8);
      try {
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new SigningKeysException(
          "cannot write the signing key file "
              + target
              + " ("
              + e
              + "); make its directory writable, or point the data directory elsewhere",
          e);
    } finally {
      deleteQuietly(temporary);
    }
  }

  private static void deleteQuietly(Path temporary) {
    if (temporary == null) {
      return;
    }
    try {
      Files.deleteIfExists(temporary);
    } catch (IOException e) {
      // A leftover temporary file holds a key nobody uses; not worth failing start-up over.
    }
  }
}
