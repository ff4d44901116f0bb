package dev.dialtone.server.notify;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A small HTTP/1.1 client that POSTs to an address the caller has already resolved and checked,
 * with the URI's own host in the {@code Host} header, in TLS SNI and in certificate verification.
 *
 * <p>Why not {@code java.net.http.HttpClient}: it resolves the host itself, so the address it
 * connects to is not the one the delivery policy checked (a DNS-rebinding window); it forbids
 * setting {@code Host} except through a JVM-wide property read once; and it takes SNI for an
 * address-literal URI only from client-wide parameters. Sockets on virtual threads make the
 * blocking code here cheap.
 *
 * <p>Timeouts: the connect timeout bounds the TCP connect (over all addresses tried); the request
 * timeout bounds everything after it (TLS handshake, writing, reading the answer), enforced by a
 * watchdog that closes the socket, so a bot trickling bytes cannot hold a worker. Connections are
 * kept alive and reused per (scheme, address, port, host) when the answer allows it; an idle one is
 * closed after {@link #IDLE_TIMEOUT}, shorter than common servers' keep-alive timeouts (Node's is 5
 * s). A POST on a reused connection that fails before any byte of an answer is sent once more on a
 * new connection: the server most likely closed the idle connection; if it did process it, the bot
 * sees a duplicate, which notification ids let it drop. Redirects are not followed (a {@code 3xx}
 * is a failed attempt): following one would leave the checked address. Thread-safe.
 */
final class PinnedHttpClient implements AutoCloseable {
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(4);
  private static final int MAX_IDLE_PER_ROUTE = 64;
  private static final int MAX_LINE = 8 * 1024;
  private static final int MAX_HEADERS = 100;
  private static final long MAX_DRAINED_BODY = 64 * 1024;

  /** The answer to a POST. */
  record Response(int status) {}

  private record Route(String scheme, InetAddress address, int port, String host) {}

  private record Idle(Connection connection, long sinceNanos) {}

  private final SSLContext ssl;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final ScheduledThreadPoolExecutor watchdog;
  private final ConcurrentHashMap<Route, ConcurrentLinkedDeque<Idle>> idle =
      new ConcurrentHashMap<>();
  private volatile boolean closed;

  PinnedHttpClient(SSLContext ssl, Duration connectTimeout, Duration requestTimeout) {
    this.ssl = ssl;
    this.connectTimeout = connectTimeout;
    this.requestTimeout = requestTimeout;
    this.watchdog =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "dialtone-notify-timeouts");
              thread.setDaemon(true);
              return thread;
            });
    // Nearly every alarm is cancelled; without this they would pile up until they came due.
    watchdog.setRemoveOnCancelPolicy(true);
  }

  /**
   * POSTs {@code body} to {@code target}, connecting to one of {@code addresses} (tried in order).
   *
   * @param headers sent as given, after {@code Host}; {@code Content-Length} is added
   * @throws HttpConnectTimeoutException if no address accepted a connection in time
   * @throws HttpTimeoutException if the answer did not come within the request timeout
   * @throws IOException if the connection failed or the answer was not HTTP/1.x
   * @throws IllegalArgumentException if a header name or value could split the request
   */
  Response post(URI target, List<InetAddress> addresses, Map<String, String> headers, byte[] body)
      throws IOException {
    boolean https = "https".equalsIgnoreCase(target.getScheme());
    int port = target.getPort() >= 0 ? target.getPort() : https ? 443 : 80;
    String host = bare(target.getHost());
    byte[] request = request(target, port, https, headers, body);
    for (InetAddress address : addresses) {
      Route route = new Route(https ? "https" : "http", address, port, host);
      Connection reused = takeIdle(route);
      if (reused != null) {
        try {
          return exchange(reused, request);
        } catch (StaleConnectionException e) {
          // Sent once more below, on a connection of its own.
        }
        break;
      }
    }
    // A new connection is never taken for stale, so exchange reports its failures as they are.
    return exchange(connect(addresses, port, host, https), request);
  }

  /** Closes idle connections older than {@link #IDLE_TIMEOUT}; cheap enough to call often. */
  void evictIdle() {
    long now = System.nanoTime();
    for (Map.Entry<Route, ConcurrentLinkedDeque<Idle>> entry : idle.entrySet()) {
      Iterator<Idle> iterator = entry.getValue().iterator();
      while (iterator.hasNext()) {
        Idle candidate = iterator.next();
        if (now - candidate.sinceNanos() > IDLE_TIMEOUT.toNanos()
            && entry.getValue().removeFirstOccurrence(candidate)) {
          candidate.connection().close();
        }
      }
      idle.computeIfPresent(entry.getKey(), (route, deque) -> deque.isEmpty() ? null : deque);
    }
  }

  @Override
  public void close() {
    closed = true;
    watchdog.shutdownNow();
    for (ConcurrentLinkedDeque<Idle> deque : idle.values()) {
      Idle candidate;
      while ((candidate = deque.pollFirst()) != null) {
        candidate.connection().close();
      }
    }
    idle.clear();
  }

  private Connection takeIdle(Route route) {
    ConcurrentLinkedDeque<Idle> deque = idle.get(route);
    if (deque == null) {
      return null;
    }
    long now = System.nanoTime();
    Idle candidate;
    // Newest first: the likeliest to be still open on the other side.
    while ((candidate = deque.pollLast()) != null) {
      if (now - candidate.sinceNanos() <= IDLE_TIMEOUT.toNanos()) {
        candidate.connection().reused = true;
        return candidate.connection();
      }
      candidate.connection().close();
    }
    return null;
  }

  private void release(Connection connection) {
    if (closed) {
      connection.close();
      return;
    }
    ConcurrentLinkedDeque<Idle> deque =
        idle.computeIfAbsent(connection.route, route -> new ConcurrentLinkedDeque<>());
    // The size check races with other releases; a few more idle connections than the cap is fine.
    if (deque.size() >= MAX_IDLE_PER_ROUTE) {
      connection.close();
    } else {
      deque.addLast(new Idle(connection, System.nanoTime()));
    }
  }

  private Connection connect(List<InetAddress> addresses, int port, String host, boolean https)
      throws IOException {
    long deadline = System.nanoTime() + connectTimeout.toNanos();
    List<String> failures = new ArrayList<>();
    IOException last = null;
    for (InetAddress address : addresses) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      Socket socket = new Socket();
      try {
        socket.setTcpNoDelay(true);
        socket.connect(
            new InetSocketAddress(address, port),
            (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        return new Connection(new Route(https ? "https" : "http", address, port, host), socket);
      } catch (IOException e) {
        closeQuietly(socket);
        last = e;
        failures.add(
            address.getHostAddress()
                + ":"
                + port
                + (e instanceof SocketTimeoutException ? " timed out" : " " + e.getMessage()));
      }
    }
    if (last == null || last instanceof SocketTimeoutException) {
      HttpConnectTimeoutException timeout =
          new HttpConnectTimeoutException(
              "could not connect to "
                  + host
                  + " within "
                  + millis(connectTimeout)
                  + (failures.isEmpty() ? "" : " (" + String.join("; ", failures) + ")"));
      if (last != null) {
        timeout.initCause(last);
      }
      throw timeout;
    }
    throw new IOException(
        "could not connect to " + host + ": " + String.join("; ", failures), last);
  }

  private Response exchange(Connection connection, byte[] request) throws IOException {
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledFuture<?> alarm;
    try {
      alarm =
          watchdog.schedule(
              () -> {
                timedOut.set(true);
                connection.close();
              },
              requestTimeout.toNanos(),
              TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      connection.close();
      throw new IOException("the dispatcher is closed", e);
    }
    boolean reusable = false;
    try {
      connection.socket.setSoTimeout((int) Math.max(1, requestTimeout.toMillis()));
      connection.startTls(ssl);
      OutputStream out = connection.out();
      out.write(request);
      out.flush();
      Answer answer = readAnswer(connection);
      reusable = answer.reusable();
      return new Response(answer.status());
    } catch (IOException e) {
      if (timedOut.get() || e instanceof SocketTimeoutException) {
        HttpTimeoutException timeout =
            new HttpTimeoutException("no answer within " + millis(requestTimeout));
        timeout.initCause(e);
        throw timeout;
      }
      if (connection.reused && connection.bytesRead == 0) {
        throw new StaleConnectionException(e);
      }
      throw e;
    } finally {
      alarm.cancel(false);
      if (reusable && !timedOut.get()) {
        release(connection);
      } else {
        connection.close();
      }
    }
  }

  private record Answer(int status, boolean reusable) {}

  private static Answer readAnswer(Connection connection) throws IOException {
    InputStream in = connection.in();
    while (true) {
      String statusLine = readLine(in, connection);
      if (statusLine == null) {
        throw new EOFException("the connection closed before an answer");
      }
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
        throw new IOException("the answer is not HTTP/1.x: '" + printable(statusLine) + "'");
      }
      int status = Integer.parseInt(parts[1]);
      Map<String, String> headers = readHeaders(in, connection);
      if (status >= 100 && status < 200 && status != 101) {
        continue; // An interim answer (100 Continue, 103 Early Hints); the real one follows.
      }
      boolean keepAlive =
          parts[0].equals("HTTP/1.1")
              && !headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT).contains("close")
              && status != 101;
      boolean framed = drainBody(in, connection, status, headers);
      return new Answer(status, keepAlive && framed);
    }
  }

  /** Reads the body if it is short and framed; returns whether the connection can be reused. */
  private static boolean drainBody(
      InputStream in, Connection connection, int status, Map<String, String> headers)
      throws IOException {
    if (status == 204 || status == 304) {
      return true;
    }
    String encoding = headers.get("transfer-encoding");
    if (encoding != null) {
      if (!encoding.toLowerCase(Locale.ROOT).strip().endsWith("chunked")) {
        return false;
      }
      long total = 0;
      while (true) {
        String sizeLine = readLine(in, connection);
        if (sizeLine == null) {
          return false;
        }
        int semicolon = sizeLine.indexOf(';');
        long size;
        try {
          size =
              Long.parseLong(
                  (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip(), 16);
        } catch (NumberFormatException e) {
          return false;
        }
        if (size == 0) {
          readHeaders(in, connection); // trailers
          return true;
        }
        total += size;
        if (size < 0 || total > MAX_DRAINED_BODY || !skip(in, connection, size)) {
          return false;
        }
        if (readLine(in, connection) == null) {
          return false;
        }
      }
    }
    String length = headers.get("content-length");
    if (length == null) {
      return false; // Delimited by the close of the connection.
    }
    long size;
    try {
      size = Long.parseLong(length.strip());
    } catch (NumberFormatException e) {
      return false;
    }
    return size >= 0 && size <= MAX_DRAINED_BODY && skip(in, connection, size);
  }

  private static boolean skip(InputStream in, Connection connection, long count)
      throws IOException {
    byte[] buffer = new byte[(int) Math.min(count, 8192)];
    long left = count;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(left, buffer.length));
      if (read < 0) {
        return false;
      }
      connection.bytesRead += read;
      left -= read;
    }
    return true;
  }

  private static Map<String, String> readHeaders(InputStream in, Connection connection)
      throws IOException {
    Map<String, String> headers = new HashMap<>();
    for (int count = 0; ; count++) {
      String line = readLine(in, connection);
      if (line == null) {
        throw new EOFException("the connection closed in the middle of the answer's headers");
      }
      if (line.isEmpty()) {
        return headers;
      }
      if (count >= MAX_HEADERS) {
        throw new IOException("the answer has more than " + MAX_HEADERS + " headers");
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.merge(
            line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).strip(),
            (first, second) -> first + ", " + second);
      }
    }
  }

  /** A line without its CRLF (or bare LF), or {@code null} at the end of the stream. */
  private static String readLine(InputStream in, Connection connection) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (line.size() == 0) {
          return null;
        }
        throw new EOFException("the connection closed in the middle of a line of the answer");
      }
      connection.bytesRead++;
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int length =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
      }
      if (line.size() >= MAX_LINE) {
        throw new IOException("a line of the answer is longer than " + MAX_LINE + " bytes");
      }
      line.write(b);
    }
  }

  private static byte[] request(
      URI target, int port, boolean https, Map<String, String> headers, byte[] body) {
    String path =
        target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
    if (target.getRawQuery() != null) {
      path += "?" + target.getRawQuery();
    }
    boolean defaultPort = port == (https ? 443 : 80);
    String hostHeader = target.getHost() + (defaultPort ? "" : ":" + port);
    StringBuilder head = new StringBuilder(512);
    head.append("POST ").append(checked("path", path)).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(checked("Host", hostHeader)).append("\r\n");
    for (Map.Entry<String, String> header : headers.entrySet()) {
      if (!header.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
        throw new IllegalArgumentException(
            "'" + printable(header.getKey()) + "' is not a header name");
      }
      head.append(header.getKey())
          .append(": ")
          .append(checked(header.getKey(), header.getValue()))
          .append("\r\n");
    }
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }

  private static String checked(String name, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c >= 0x7F) {
        throw new IllegalArgumentException(
            name
                + " holds a control or non-ASCII character at "
                + i
                + ": '"
                + printable(value)
                + "'");
      }
    }
    return value;
  }

  private static String printable(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .limit(200)
        .forEach(
            c ->
                out.append(
                    c >= 0x20 && c < 0x7F
                        ? Character.toString(c)
                        : String.format(Locale.ROOT, "\\u%04x", c)));
    return out.toString();
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static String millis(Duration duration) {
    return duration.toMillis() + " ms";
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing was sent on it; nothing to report.
    }
  }

  /** A reused connection failed before any byte of an answer: the server had closed it. */
  private static final class StaleConnectionException extends IOException {
    StaleConnectionException(IOException cause) {
      super(cause);
    }
  }

  /** One TCP connection, TLS on top once {@link #startTls} ran. */
  private static final class Connection {
    final Route route;
    final Socket socket;
    private Socket layered;
    private InputStream in;
    boolean reused;
    long bytesRead;

    Connection(Route route, Socket socket) {
      this.route = route;
      this.socket = socket;
    }

    void startTls(SSLContext ssl) throws IOException {
      bytesRead = 0;
      if (layered != null) {
        return;
      }
      if (!route.scheme().equals("https")) {
        layered = socket;
      } else {
        SSLSocket tls =
            (SSLSocket)
                ssl.getSocketFactory().createSocket(socket, route.host(), route.port(), true);
        SSLParameters parameters = tls.getSSLParameters();
        // The certificate must name the URI's host, not the address connected to.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (AddressBlock.literal(route.host()).isEmpty()) {
          parameters.setServerNames(List.of(new SNIHostName(route.host())));
        }
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        tls.setSSLParameters(parameters);
        layered = tls;
        tls.startHandshake();
      }
      in = new BufferedInputStream(layered.getInputStream(), 8192);
    }

    InputStream in() {
      return in;
    }

    OutputStream out() throws IOException {
      return layered.getOutputStream();
    }

    void close() {
      closeQuietly(layered != null ? layered : socket);
      closeQuietly(socket);
    }
  }
}
