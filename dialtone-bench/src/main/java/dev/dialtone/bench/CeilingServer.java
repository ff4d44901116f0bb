package dev.dialtone.bench;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The ceiling baseline: the HTTP server stack Dialtone uses (Helidon SE 4 webserver, its defaults,
 * handlers on virtual threads) answering {@code POST /v1.0/communications/calls} with a fixed
 * {@code 201}, a {@code Location} and a body of the size of Dialtone's answer. It reads the request
 * body, as Dialtone does, and does nothing else: no authentication, no parsing, no store, no log
 * line. What Dialtone achieves beside it is what its own work costs.
 *
 * <p>{@code CeilingServer PORT BODY_FILE}; prints {@code Ceiling listening on http://127.0.0.1:PORT}
 * once it listens, and runs until it is killed.
 */
public final class CeilingServer {
  // Held here: java.util.logging keeps loggers weakly, and a collected one loses its level.
  private static final Logger HELIDON_LOG = Logger.getLogger("io.helidon");
  static final String CALL_ID = "2e1a0b00-2db4-4022-9570-243709c565ab";

  private CeilingServer() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: CeilingServer PORT BODY_FILE");
      System.exit(2);
    }
    HELIDON_LOG.setLevel(Level.WARNING);
    int port = Integer.parseInt(args[0]);
    byte[] body = Files.readAllBytes(Path.of(args[1]));
    WebServer server = start(port, body);
    System.out.println("Ceiling listening on http://127.0.0.1:" + server.port());
    System.out.flush();
    new CountDownLatch(1).await();
  }

  static WebServer start(int port, byte[] body) {
    // Known once the server has its port; requests come only after that is printed.
    AtomicReference<String> location = new AtomicReference<>("");
    WebServer server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(port)
            .routing(
                routing ->
                    routing.post(
                        CreateCallRequests.PATH,
                        (req, res) -> {
                          req.content().as(byte[].class);
                          res.status(Status.CREATED_201);
                          res.header(HeaderNames.LOCATION, location.get());
                          res.header(HeaderNames.CONTENT_TYPE, "application/json");
                          res.send(body);
                        }))
            .build()
            .start();
    location.set("http://127.0.0.1:" + server.port() + CreateCallRequests.PATH + "/" + CALL_ID);
    return server;
  }
}
