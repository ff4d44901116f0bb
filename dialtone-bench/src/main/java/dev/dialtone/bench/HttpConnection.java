package dev.dialtone.bench;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One keep-alive HTTP/1.1 connection that sends pre-built requests and reads their answers: the
 * load generator's client. Deliberately minimal, so that the client costs little CPU on a 2-core
 * machine where it shares the cores with the server it measures ({@code java.net.http.HttpClient}
 * costs several times more per request). Not thread-safe: one per client thread.
 */
final class HttpConnection implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MS = 5_000;
  private static final int READ_TIMEOUT_MS = 60_000;
  private static final int MAX_LINE = 16 * 1024;

  /** An answer: status, the {@code Location} header if any, the body, and whether the server closes. */
  record Response(int status, Optional<String> location, byte[] body, boolean closes) {}

  private final Socket socket;
  private final Input in;
  private final OutputStream out;

  private HttpConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new Input(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  static HttpConnection open(InetSocketAddress address) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(address, CONNECT_TIMEOUT_MS);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      return new HttpConnection(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Writes {@code request} (a complete HTTP/1.1 request) and reads the answer. */
  Response exchange(byte[] request) throws IOException {
    out.write(request);
    out.flush();
    return read(in);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing a socket we are done with: nothing to do about a failure.
    }
  }

  /**
   * Reads one HTTP/1.x response from {@code in}: status line, headers, and a body framed by {@code
   * Content-Length}, by chunked transfer coding, or (neither given) by the end of the stream.
   *
   * @throws EOFException if the stream ends before the response does
   * @throws IOException if the response is not HTTP/1.x
   */
  static Response read(Input in) throws IOException {
    String statusLine = line(in);
    if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
      throw new IOException("not an HTTP/1.x status line: '" + statusLine + "'");
    }
    int status;
    try {
      status = Integer.parseInt(statusLine.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new IOException("no status code in '" + statusLine + "'", e);
    }
    long contentLength = -1;
    boolean chunked = false;
    boolean closes = statusLine.startsWith("HTTP/1.0");
    String location = null;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      int colon = header.indexOf(':');
      if (colon <= 0) {
        throw new IOException("malformed header line '" + header + "'");
      }
      String name = header.substring(0, colon).trim();
      String value = header.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("content-length")) {
        contentLength = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("transfer-encoding")) {
        chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
      } else if (name.equalsIgnoreCase("connection")) {
        closes = value.equalsIgnoreCase("close") || (closes && !value.equalsIgnoreCase("keep-alive"));
      } else if (name.equalsIgnoreCase("location")) {
        location = value;
      }
    }
    byte[] body;
    if (status / 100 == 1 || status == 204 || status == 304) {
      body = new byte[0];
    } else if (chunked) {
      body = chunkedBody(in);
    } else if (contentLength >= 0) {
      body = in.readNBytes((int) contentLength);
      if (body.length < contentLength) {
        throw new EOFException("the body ended after " + body.length + " of " + contentLength + " bytes");
      }
    } else {
      body = in.readAllBytes();
      closes = true;
    }
    return new Response(status, Optional.ofNullable(location), body, closes);
  }

  private static byte[] chunkedBody(Input in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = line(in);
      int semicolon = sizeLine.indexOf(';');
      int size;
      try {
        size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("malformed chunk size '" + sizeLine + "'", e);
      }
      if (size == 0) {
        // Trailers, if any, up to the empty line.
        while (!line(in).isEmpty()) {
          // skipped
        }
        return body.toByteArray();
      }
      byte[] chunk = in.readNBytes(size);
      if (chunk.length < size) {
        throw new EOFException("a chunk ended after " + chunk.length + " of " + size + " bytes");
      }
      body.write(chunk);
      if (!line(in).isEmpty()) {
        throw new IOException("a chunk was not followed by CRLF");
      }
    }
  }

  /** One line without its CRLF (or bare LF). */
  private static String line(Input in) throws IOException {
    StringBuilder line = new StringBuilder(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException(line.isEmpty() ? "the connection closed" : "the connection closed mid-line");
      }
      if (b == '\n') {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
          line.setLength(end - 1);
        }
        return line.toString();
      }
      if (line.length() >= MAX_LINE) {
        throw new IOException("a line longer than " + MAX_LINE + " bytes");
      }
      line.append((char) b);
    }
  }

  /**
   * An unsynchronised read buffer over a socket's stream ({@code BufferedInputStream} takes a lock
   * on every byte read, which shows at tens of thousands of responses a second).
   */
  static final class Input {
    private final InputStream raw;
    private final byte[] buffer = new byte[16 * 1024];
    private int position;
    private int limit;

    Input(InputStream raw) {
      this.raw = raw;
    }

    /** The next byte, or -1 at the end of the stream. */
    int read() throws IOException {
      if (position == limit && !fill()) {
        return -1;
      }
      return buffer[position++] & 0xff;
    }

    /** Up to {@code n} bytes; fewer only at the end of the stream. */
    byte[] readNBytes(int n) throws IOException {
      byte[] bytes = new byte[n];
      int done = 0;
      while (done < n) {
        if (position == limit && !fill()) {
          return java.util.Arrays.copyOf(bytes, done);
        }
        int take = Math.min(n - done, limit - position);
        System.arraycopy(buffer, position, bytes, done, take);
        position += take;
        done += take;
      }
      return bytes;
    }

    byte[] readAllBytes() throws IOException {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.write(buffer, position, limit - position);
      position = limit;
      all.write(raw.readAllBytes());
      return all.toByteArray();
    }

    private boolean fill() throws IOException {
      int n = raw.read(buffer);
      if (n <= 0) {
        return false;
      }
      position = 0;
      limit = n;
      return true;
    }
  }

  /** Builds a POST with a JSON body, as bytes ready to send. */
  static byte[] post(String hostAndPort, String path, Optional<String> authorization, byte[] json) {
    StringBuilder head = new StringBuilder(256);
    head.append("POST ").append(path).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(hostAndPort).append("\r\n");
    authorization.ifPresent(value -> head.append("Authorization: ").append(value).append("\r\n"));
    head.append("Content-Type: application/json\r\n");
    head.append("Content-Length: ").append(json.length).append("\r\n\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = new byte[headBytes.length + json.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(json, 0, request, headBytes.length, json.length);
    return request;
  }
}
