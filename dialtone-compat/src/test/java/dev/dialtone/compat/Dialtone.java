package dev.dialtone.compat;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.microsoft.graph.core.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.dialtone.server.DialtoneServer;
import dev.dialtone.server.ServerConfig;
import dev.dialtone.server.tls.TlsSettings;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * A Dialtone server started in-process with its HTTPS listener, and the clients a bot developer
 * would build against it: azure-identity's {@code ClientSecretCredential} on Dialtone's authority
 * and the Graph SDK's {@code GraphServiceClient} on its base URL. Trust in the development
 * certificate is given to those clients only, from the truststore the README tells Java bots to
 * use; nothing JVM-wide is changed.
 */
final class Dialtone implements AutoCloseable {
  static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";

  private final DialtoneServer server;
  private final String https;
  private final TrustManagerFactory trust;
  private final SSLContext tls;
  private final HttpClient identityHttp;

  private Dialtone(DialtoneServer server) {
    this.server = server;
    this.https = server.httpsBaseUrl().orElseThrow();
    try {
      KeyStore truststore = KeyStore.getInstance("PKCS12");
      try (InputStream in =
          Files.newInputStream(server.config().dataDir().resolve("tls/dev-truststore.p12"))) {
        truststore.load(in, "changeit".toCharArray());
      }
      trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(truststore);
      tls = SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      SslContext nettyTls = SslContextBuilder.forClient().trustManager(trust).build();
      identityHttp =
          new NettyAsyncHttpClientBuilder(
                  reactor.netty.http.client.HttpClient.create()
                      .secure(spec -> spec.sslContext(nettyTls)))
              .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A demo-profile server on free ports (HTTP and HTTPS), its data in {@code dataDir}. */
  static Dialtone start(Path dataDir) {
    return new Dialtone(
        DialtoneServer.start(ServerConfig.demo(dataDir).withPort(0).withTls(TlsSettings.port(0))));
  }

  /** {@code https://127.0.0.1:<port>}: the authority host and the root of the Graph base URL. */
  String https() {
    return https;
  }

  String host() {
    return URI.create(https).getHost();
  }

  /** The development certificate in PEM, the file the README tells Node, curl and Python to trust. */
  Path devCertificate() {
    return server.config().dataDir().resolve("tls/dev-cert.pem");
  }

  /** An SSLContext trusting the development certificate only. */
  SSLContext tls() {
    return tls;
  }

  X509TrustManager trustManager() {
    for (var manager : trust.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new IllegalStateException("no X509TrustManager");
  }

  /** What a bot configures: the authority is Dialtone's, the tenant the one the token is for. */
  TokenCredential credential(Demo.App app, String tenant) {
    return new ClientSecretCredentialBuilder()
        .authorityHost(https)
        .tenantId(tenant)
        .clientId(app.appId())
        .clientSecret(app.secret())
        .disableInstanceDiscovery()
        .additionallyAllowedTenants("*")
        .httpClient(identityHttp)
        .build();
  }

  /**
   * The Graph client as a bot builds it for a non-Microsoft host: an {@link
   * AzureIdentityAuthenticationProvider} with Dialtone's host allowed (the credential constructor
   * would send no token to it), the SDK's own OkHttp pipeline, and Dialtone's base URL.
   */
  GraphServiceClient graph(Demo.App app, String tenant) {
    return graph(app, tenant, host());
  }

  /**
   * As {@link #graph(Demo.App, String)}, with these allowed hosts; none means the SDK's defaults,
   * the Microsoft Graph hosts, as with the {@code GraphServiceClient(credential, scopes)}
   * constructor.
   */
  GraphServiceClient graph(Demo.App app, String tenant, String... allowedHosts) {
    var authentication =
        new AzureIdentityAuthenticationProvider(credential(app, tenant), allowedHosts, GRAPH_SCOPE);
    OkHttpClient http =
        GraphClientFactory.create(GraphServiceClient.getGraphClientOptions())
            .sslSocketFactory(tls.getSocketFactory(), trustManager())
            .build();
    GraphServiceClient graph = new GraphServiceClient(authentication, http);
    graph.getRequestAdapter().setBaseUrl(https + "/v1.0");
    return graph;
  }

  @Override
  public void close() {
    server.close();
  }
}
