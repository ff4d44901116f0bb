package dev.dialtone.server.identity;

import com.nimbusds.jose.util.X509CertUtils;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed RSA certificate and its private key. The plain JDK has no API to make an X.509
 * certificate, but every JDK ships {@code keytool}, which does; the tests run it once per
 * certificate.
 */
record TestCertificate(X509Certificate certificate, PrivateKey privateKey) {
  private static final String PASSWORD = "changeit";

  String pem() {
    return X509CertUtils.toPEMString(certificate);
  }

  /**
   * Runs {@code keytool -genkeypair} in {@code directory}.
   *
   * @param startDate {@code yyyy/MM/dd HH:mm:ss}, so validity does not depend on today's date
   */
  static TestCertificate generate(Path directory, String alias, String startDate, int days)
      throws Exception {
    Path store = directory.resolve(alias + ".p12");
    boolean windows = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("win");
    Path keytool =
        Path.of(System.getProperty("java.home"), "bin", windows ? "keytool.exe" : "keytool");
    Process process =
        new ProcessBuilder(
                List.of(
                    keytool.toString(),
                    "-genkeypair",
                    "-alias",
                    alias,
                    "-keyalg",
                    "RSA",
                    "-keysize",
                    "2048",
                    "-startdate",
                    startDate,
                    "-validity",
                    Integer.toString(days),
                    "-dname",
                    "CN=" + alias,
                    "-keystore",
                    store.toString(),
                    "-storetype",
                    "PKCS12",
                    "-storepass",
                    PASSWORD,
                    "-keypass",
                    PASSWORD,
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
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, PASSWORD.toCharArray());
    }
    return new TestCertificate(
        (X509Certificate) keyStore.getCertificate(alias),
        (PrivateKey) keyStore.getKey(alias, PASSWORD.toCharArray()));
  }
}
