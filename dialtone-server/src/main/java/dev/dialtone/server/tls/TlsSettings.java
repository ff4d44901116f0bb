package dev.dialtone.server.tls;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The HTTPS listener's settings.
 *
 * @param httpsPort the port of the HTTPS listener: 0 picks a free one, {@value #OFF} turns HTTPS off
 * @param certificateFile the operator's PEM certificate (chain, leaf first); empty means the
 *     development certificate
 * @param keyFile the operator's PEM private key (PKCS#8, or PKCS#1 / SEC 1), not encrypted
 */
public record TlsSettings(int httpsPort, Optional<Path> certificateFile, Optional<Path> keyFile) {

  /** The HTTPS port when none is configured. */
  public static final int DEFAULT_HTTPS_PORT = 8443;

  /** The {@link #httpsPort} that turns HTTPS off. */
  public static final int OFF = -1;

  public TlsSettings {
    if (httpsPort < OFF || httpsPort > 65535) {
      throw new IllegalArgumentException("https-port must be -1 (off) or 0..65535, got " + httpsPort);
    }
    Objects.requireNonNull(certificateFile, "certificateFile");
    Objects.requireNonNull(keyFile, "keyFile");
    if (certificateFile.isPresent() != keyFile.isPresent()) {
      throw new IllegalArgumentException(
          "tls-cert and tls-key go together: give both (the operator's certificate) or neither"
              + " (the development certificate)");
    }
  }

  /** No HTTPS listener. */
  public static TlsSettings off() {
    return new TlsSettings(OFF, Optional.empty(), Optional.empty());
  }

  /** HTTPS on {@code port} with the development certificate. */
  public static TlsSettings port(int port) {
    return new TlsSettings(port, Optional.empty(), Optional.empty());
  }

  /** The same port, with the operator's certificate and key. */
  public TlsSettings withCertificate(Path certificate, Path key) {
    return new TlsSettings(httpsPort, Optional.of(certificate), Optional.of(key));
  }

  public boolean enabled() {
    return httpsPort != OFF;
  }
}
