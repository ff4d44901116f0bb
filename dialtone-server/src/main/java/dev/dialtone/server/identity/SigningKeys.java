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
import dev.dialtone.store.SharedState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RSA keys Dialtone signs its JWTs with (access tokens and notification tokens), and their
 * public JWK Set.
 *
 * <p>Keys are kept newest first; the first is the current one and signs everything, the others only
 * verify (so rotation can add a key in front and keep the old one until its tokens expire). Every
 * key carries a {@code kid}: a key made here gets its RFC 7638 SHA-256 thumbprint; a loaded key
 * without one gets the same, a loaded key with one keeps it. Instances are immutable and
 * thread-safe; the signer and one verifier per {@code kid} are made once, when the set is made.
 *
 * <p>A server keeps its set in the store ({@link #shared}), private keys included, so that every
 * node on one database signs with the same key and accepts what the others signed.
 */
public final class SigningKeys {
  private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
  private static final int KEY_SIZE = 2048;
  private static final String STORED = "the signing key set in the store (table signing_keys)";

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
   * The key set every node on the store shares. If the store holds none yet, this node stores one:
   * the keys of {@code formerFile} if that file exists (a data directory from a Dialtone that kept
   * its keys there, so its {@code kid} and the tokens it issued stay valid), else one new 2048-bit
   * RSA key. Nodes starting together on an empty store converge on one set: the store keeps the
   * first set stored, and every node uses the stored one. Once the store holds a set, {@code
   * formerFile} is not read.
   *
   * @param now when a set made here is stored
   * @throws SigningKeysException if the stored set or the former file cannot be read, is not a JWK
   *     Set, or holds a key that is not an RSA private key of at least 2048 bits
   * @throws dev.dialtone.engine.EngineException {@code UNAVAILABLE} if the store cannot be reached
   */
  public static SigningKeys shared(SharedState store, Optional<Path> formerFile, Instant now) {
    Optional<String> stored = store.signingKeys();
    if (stored.isPresent()) {
      return parse(stored.get(), STORED);
    }
    Optional<Path> importing = formerFile.filter(Files::exists);
    String candidate = importing.map(SigningKeys::readFile).orElseGet(() -> json(List.of(generate())));
    String winner = store.insertSigningKeysIfAbsent(candidate, now);
    if (winner.equals(candidate)) {
      importing.ifPresentOrElse(
          file ->
              LOG.info(
                  "imported the signing keys of {} into the store; the file is no longer read",
                  file),
          () -> LOG.info("made a new token signing key and stored it"));
    }
    return parse(winner, STORED);
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

  /** The private JWK Set of the keys in {@code file}, after checking that they can sign. */
  private static String readFile(Path file) {
    String origin = "the signing key file " + file;
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SigningKeysException(
          "cannot read " + origin + " (" + e.getMessage() + ") to import it into the store; make it"
              + " readable, or delete it to make a new key (tokens signed with the old key then"
              + " stop verifying)",
          e);
    }
    return json(parse(text, origin).keys);
  }

  private static SigningKeys parse(String text, String origin) {
    JWKSet set;
    try {
      set = JWKSet.parse(text);
    } catch (ParseException e) {
      throw new SigningKeysException(
          origin
              + " is not a JWK Set ("
              + e.getMessage()
              + "); fix it, or delete it to make a new key (tokens signed with the old key then"
              + " stop verifying)",
          e);
    }
    List<RSAKey> keys = new ArrayList<>();
    for (JWK jwk : set.getKeys()) {
      keys.add(usable(jwk, origin));
    }
    return new SigningKeys(keys, origin);
  }

  private static RSAKey usable(JWK jwk, String origin) {
    String name = "key '" + jwk.getKeyID() + "' in " + origin;
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

  /** The keys as a JWK Set, private parts included, in their order. */
  private static String json(List<RSAKey> keys) {
    return new JWKSet(List.<JWK>copyOf(keys)).toString(false);
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
}
