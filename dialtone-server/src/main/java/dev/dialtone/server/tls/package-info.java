/**
 * The HTTPS listener's certificate: the operator's PEM certificate and key ({@code --tls-cert},
 * {@code --tls-key}), or a development certificate Dialtone makes on first start and keeps in the
 * data directory, so a developer trusts it once.
 *
 * <p>Design note. Real auth libraries (azure-identity, MSAL, the JavaScript Graph client) refuse a
 * plain-http authority, so Dialtone serves TLS beside plain HTTP. The development certificate is a
 * self-signed end-entity certificate ({@code CA:FALSE}) for {@code localhost}, {@code 127.0.0.1},
 * {@code ::1} and the configured host: clients trust that one certificate directly, and its key,
 * which sits in the data directory, cannot sign certificates for other names. It is made with
 * BouncyCastle, never by running {@code keytool} or {@code openssl}.
 */
package dev.dialtone.server.tls;
