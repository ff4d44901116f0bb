package dev.dialtone.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HttpConnectionTest {

  private static HttpConnection.Input input(String text) {
    return new HttpConnection.Input(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void readsTwoKeptAliveResponsesFramedByContentLength() throws IOException {
    HttpConnection.Input in =
        input(
            "HTTP/1.1 201 Created\r\nLocation: http://h/calls/abc\r\nContent-Length: 2\r\n\r\n{}"
                + "HTTP/1.1 400 Bad Request\r\ncontent-length: 5\r\n\r\nerror");

    HttpConnection.Response first = HttpConnection.read(in);
    HttpConnection.Response second = HttpConnection.read(in);

    assertThat(first.status()).isEqualTo(201);
    assertThat(first.location()).contains("http://h/calls/abc");
    assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    assertThat(first.closes()).isFalse();
    assertThat(second.status()).isEqualTo(400);
    assertThat(second.location()).isEmpty();
    assertThat(new String(second.body(), StandardCharsets.UTF_8)).isEqualTo("error");
  }

  @Test
  void readsAChunkedBodyWithTrailers() throws IOException {
    HttpConnection.Response response =
        HttpConnection.read(
            input("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n"));

    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("abcde");
  }

  @Test
  void aBodyWithoutLengthRunsToTheEndAndTheConnectionCloses() throws IOException {
    HttpConnection.Response response = HttpConnection.read(input("HTTP/1.0 200 OK\r\n\r\nall of it"));

    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("all of it");
    assertThat(response.closes()).isTrue();
  }

  @Test
  void connectionCloseIsReported() throws IOException {
    assertThat(HttpConnection.read(input("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")).closes()).isTrue();
  }

  @Test
  void aTruncatedBodyIsAnError() {
    assertThatThrownBy(() -> HttpConnection.read(input("HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\nshort")))
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("5 of 10");
  }

  @Test
  void somethingOtherThanHttpIsAnError() {
    assertThatThrownBy(() -> HttpConnection.read(input("SSH-2.0-OpenSSH\r\n\r\n")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not an HTTP/1.x status line");
  }

  @Test
  void postCarriesHostAuthorizationAndTheBodyLength() {
    byte[] request =
        HttpConnection.post("127.0.0.1:8080", "/v1.0/communications/calls", Optional.of("Bearer t"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8));

    assertThat(new String(request, StandardCharsets.ISO_8859_1))
        .isEqualTo(
            "POST /v1.0/communications/calls HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Bearer t\r\n"
                + "Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
  }
}
