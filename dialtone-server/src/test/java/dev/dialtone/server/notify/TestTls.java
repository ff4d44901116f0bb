package dev.dialtone.server.notify;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A self-signed certificate for one DNS name (no IP address in it), as a bot's server context and
 * as a client context that trusts it. The plain JDK cannot make a certificate, but its {@code
 * keytool} can.
 *
 * @param serverNamesSeen the SNI host names clients sent the server context, one per handshake
 *     ({@code "(none)"} for a handshake without SNI)
 */
record TestTls(SSLContext server, SSLContext client, List<String> serverNamesSeen) {
  private static final char[] PASSWORD = "changeit".toCharArray();

  static TestTls forName(Path directory, String dnsName) throws Exception {
    Path store = directory.resolve(dnsName + ".p12");
    boolean windows = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("win");
    Path keytool =
        Path.of(System.getProperty("java.home"), "bin", windows ? "keytool.exe" : "keytool");
    Process process =
        new ProcessBuilder(
                List.of(
                    keytool.toString(),
                    "-genkeypair",
                    "-alias",
                    "bot",
                    "-keyalg",
                    "RSA",
                    "-keysize",
                    "2048",
                    "-validity",
                    "2",
                    "-dname",
                    "CN=" + dnsName,
                    "-ext",
                    "SAN=dns:" + dnsName,
                    "-keystore",
                    store.toString(),
                    "-storetype",
                    "PKCS12",
                    "-storepass",
                    new String(PASSWORD),
                    "-keypass",
                    new String(PASSWORD),
                    "-noprompt"))
            .redirectErrorStream(true)
            .start();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool failed: " + output);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, PASSWORD);
    List<String> serverNamesSeen = new CopyOnWriteArrayList<>();
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(
        new X509ExtendedKeyManager[] {
          new RecordingKeyManager(
              (X509ExtendedKeyManager) keyManagers.getKeyManagers()[0], serverNamesSeen)
        },
        null,
        null);

    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("bot", keys.getCertificate("bot"));
    TrustManagerFactory trustManagers =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(trusted);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, trustManagers.getTrustManagers(), null);
    return new TestTls(server, client, serverNamesSeen);
  }

  /** The server's key manager, noting the SNI name of each handshake it picks a key for. */
  private static final class RecordingKeyManager extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager delegate;
    private final List<String> seen;

    RecordingKeyManager(X509ExtendedKeyManager delegate, List<String> seen) {
      this.delegate = delegate;
      this.seen = seen;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      record(engine.getHandshakeSession());
      return delegate.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      record(((SSLSocket) socket).getHandshakeSession());
      return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    private void record(SSLSession handshake) {
      List<SNIServerName> names =
          handshake instanceof ExtendedSSLSession extended
              ? extended.getRequestedServerNames()
              : List.of();
      seen.add(
          names.isEmpty()
              ? "(none)"
              : names.get(0) instanceof SNIHostName name ? name.getAsciiName() : names.toString());
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate.getPrivateKey(alias);
    }
  }
}
