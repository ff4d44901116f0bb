package dev.dialtone.server.notify;

import dev.dialtone.engine.call.Delivery;
import dev.dialtone.engine.call.Outbox;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.common.uri.UriInfo;
import io.helidon.common.uri.UriPath;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webclient.api.ClientUri;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.helidon.webclient.http1.Http1ClientResponse;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox's notifications to bots: claims the due ones, POSTs each, signed, to its
 * target, and records every attempt with what follows from it.
 *
 * <p>Design note.
 *
 * <ul>
 *   <li><b>Threads.</b> One loop thread claims up to {@code batchSize} due notifications (never
 *       more than {@code maxInFlight} at once in all; while many are in flight, only once a quarter
 *       of a batch is free, so that claims stay few and large) and hands each to a virtual thread
 *       of its own, which makes the attempt and records it. POSTs to slow bots therefore never
 *       hold up others. The body is POSTed as the outbox holds it.
 *   <li><b>Order.</b> The outbox hands out only the head of each call's line, leased to this node,
 *       and keeps the next one back until the head's attempt is recorded as delivered or given up.
 *       So this class cannot have two notifications of one call in flight, and needs no per-call
 *       bookkeeping of its own. The one way order could break is an attempt outliving its lease
 *       (another node would take the head again); so an attempt is bounded by the injected delay
 *       plus its POST, and the POST as a whole (lookup, connect, TLS, sending, the answer) by the
 *       connect timeout plus the request timeout; {@link Builder#build()} insists that the lease is
 *       longer than that sum.
 *   <li><b>Waking.</b> The loop sleeps on a semaphore for at most {@code pollInterval} (250 ms):
 *       {@link #wake()} (the engine calls it after each commit) and every finished attempt (which
 *       may have freed the next notification of its call) release it at once; the interval bounds
 *       how late it notices work that needs no wake-up here: notifications written by other nodes,
 *       retries coming due, leases of dead nodes running out. No busy polling: when a claim comes
 *       back short, the loop sleeps.
 *   <li><b>Connecting.</b> POSTs go through Helidon's {@link Http1Client} (HTTP/1.1 only, so no
 *       protocol discovery per request; keep-alive; redirects not followed: a {@code 3xx} is a
 *       failed attempt, since following it would leave the checked address; no proxy). The
 *       deadline of a POST as a whole interrupts the thread making it. The target passes the {@link DeliveryPolicy} before its
 *       host is resolved; then the client's DNS hook, a {@link PolicyDnsResolver}, resolves the
 *       host for each new connection, runs the policy on every address, and hands the client one
 *       of exactly those addresses to connect to, or fails the POST with the policy's verdict. So
 *       no connection is ever opened to an address the policy has not passed (no DNS-rebinding
 *       window), while {@code Host}, SNI and the certificate check use the URI's host. A denied
 *       target is given up at once: retrying cannot change the verdict, except a DNS answer, which
 *       a retry must not be allowed to fish for. The client tries one address per connection; if
 *       it refuses, the attempt fails and is tried again later. A POST whose connection closes with
 *       no answer (most likely a kept-alive one the bot just closed as idle) is sent once more at
 *       once, on a new connection.
 *   <li><b>Time.</b> Claims, attempt times and retry times come from the injected clock, so tests
 *       step a fake clock and call {@link #deliverDueOnce()}; only latency and socket timeouts use
 *       {@link System#nanoTime()}.
 *   <li><b>Failure.</b> An attempt that cannot be recorded (the store is down) is logged and left:
 *       its lease runs out and it is claimed again, so the bot may get it twice, with the same id.
 *       The same goes for attempts cut short by {@link #close()}. An attempt whose lease another
 *       node took over meanwhile (it outlived its lease, which the lease's length rules out unless
 *       the node stalled) is not recorded: the outbox refuses it, so it cannot overwrite that
 *       node's outcome; it is logged and dropped.
 * </ul>
 */
public final class NotificationDispatcher implements AutoCloseable {
  /**
   * The {@code User-Agent} of every POST: Dialtone's, and the calling service's it stands in for.
   */
  public static final String USER_AGENT =
      "Dialtone/0.1 (Microsoft-Skype/3.0,(Calling/1.0) compatible)";

  private static final Logger log = LoggerFactory.getLogger(NotificationDispatcher.class);
  // The same on every POST: their HTTP/1.1 bytes are encoded once.
  private static final Header CONTENT_TYPE =
      HeaderValues.createCached(HeaderNames.CONTENT_TYPE, "application/json");
  private static final Header ACCEPT = HeaderValues.createCached(HeaderNames.ACCEPT, "application/json");
  private static final Header AGENT = HeaderValues.createCached(HeaderNames.USER_AGENT, USER_AGENT);
  private static final HeaderName CHAIN_ID = HeaderNames.create("X-Microsoft-Skype-Chain-ID");
  private static final HeaderName MESSAGE_ID = HeaderNames.create("X-Microsoft-Skype-Message-ID");
  private static final HeaderName CLIENT_REQUEST_ID = HeaderNames.create("client-request-id");

  private enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  private final Outbox outbox;
  private final CallbackTokens tokens;
  private final String nodeId;
  private final Clock clock;
  private final DeliveryPolicy policy;
  private final RetrySchedule schedule;
  private final FaultInjection faults;
  private final Duration lease;
  private final int batchSize;
  private final int maxInFlight;
  private final Duration pollInterval;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Duration postTimeout;
  private final Duration closeTimeout;
  private final boolean signed;
  private final Http1Client http;
  private final ExecutorService workers =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("dialtone-notify-", 0).factory());
  private final ScheduledThreadPoolExecutor deadlines = deadlineTimer();
  private final Semaphore signal = new Semaphore(0);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object lifecycle = new Object();
  private volatile State state = State.NEW;
  private volatile boolean paused;
  private Thread loop;
  private volatile boolean claimFailing;

  private NotificationDispatcher(Builder builder) {
    this.outbox = builder.outbox;
    this.tokens = builder.tokens;
    this.nodeId = builder.nodeId;
    this.clock = builder.clock;
    this.policy = builder.policy;
    this.schedule = builder.schedule;
    this.faults = builder.faults;
    this.lease = builder.lease;
    this.batchSize = builder.batchSize;
    this.maxInFlight = builder.maxInFlight;
    this.pollInterval = builder.pollInterval;
    this.connectTimeout = builder.connectTimeout;
    this.requestTimeout = builder.requestTimeout;
    this.closeTimeout = builder.closeTimeout;
    this.signed = builder.signed;
    this.http =
        Http1Client.builder()
            .servicesDiscoverServices(false)
            .dnsResolver(new PolicyDnsResolver(policy, builder.resolver, connectTimeout))
            .proxy(Proxy.noProxy())
            .tls(
                Tls.builder()
                    .sslContext(builder.sslContext())
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build())
            .socketOptions(SocketOptions.builder().tcpNoDelay(true).build())
            .connectTimeout(connectTimeout)
            .readTimeout(requestTimeout)
            .followRedirects(false)
            .keepAlive(true)
            .sendExpectContinue(false)
            .shareConnectionCache(false)
            // Room to keep every connection an attempt in flight opened: with the default (256 per
            // host), a busy bot's connections beyond it were closed after each POST and opened
            // again for the next.
            .connectionCacheSize(builder.maxInFlight)
            .build();
    this.postTimeout = connectTimeout.plus(requestTimeout);
  }

  /**
   * A builder with the defaults: a random node id, the UTC system clock, {@link
   * DeliveryPolicy#standard()}, {@link RetrySchedule#standard()}, no faults, lease 30 s, batches of
   * 256, at most 1024 POSTs in flight, poll interval 250 ms, connect timeout 5 s, request timeout 10
   * s, close timeout 15 s, the JVM's default TLS trust.
   */
  public static Builder builder(Outbox outbox, CallbackTokens tokens) {
    return new Builder(outbox, tokens);
  }

  /**
   * Starts the loop on a virtual thread.
   *
   * @throws IllegalStateException if it was started or closed before
   */
  public void start() {
    synchronized (lifecycle) {
      if (state != State.NEW) {
        throw new IllegalStateException(
            "the dispatcher is " + state + "; start it once, before closing");
      }
      state = State.RUNNING;
      loop = Thread.ofVirtual().name("dialtone-notify-loop").start(this::run);
    }
  }

  /**
   * Tells the loop there may be new work, so it claims at once instead of at the end of its poll
   * interval. Cheap, never blocks; any thread may call it, as often as it likes.
   */
  public void wake() {
    // Extra permits from racing callers only cost one extra, empty claim.
    if (signal.availablePermits() == 0) {
      signal.release();
    }
  }

  /**
   * Holds delivery back: nothing more is claimed until {@link #resume()}, so notifications queue up
   * in the outbox (durably, as ever); attempts already in flight finish. For bots' tests (a burst of
   * notifications after a pause) and for measuring delivery of a backlog. Lasts until resumed or
   * the server stops.
   */
  public void pause() {
    paused = true;
  }

  /** Delivers again, at once. */
  public void resume() {
    paused = false;
    wake();
  }

  /** Whether delivery is held back by {@link #pause()}. */
  public boolean isPaused() {
    return paused;
  }

  /**
   * Claims the notifications due now (at most one batch), attempts each, concurrently, and returns
   * when all of them are recorded. For tests and tools that step a fake clock; it works whether or
   * not the loop runs. While paused it claims nothing.
   *
   * @return how many notifications were attempted
   * @throws IllegalStateException if the dispatcher is closed
   */
  public int deliverDueOnce() {
    if (state == State.CLOSED) {
      throw new IllegalStateException("the dispatcher is closed");
    }
    if (paused) {
      return 0;
    }
    List<Future<?>> attempts = claimAndSubmit(batchSize);
    for (Future<?> attempt : attempts) {
      try {
        attempt.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ExecutionException e) {
        // attempt() catches everything it can recover from; this is a bug, and logged there.
      }
    }
    return attempts.size();
  }

  /**
   * Stops claiming, lets attempts in flight finish for up to the close timeout, then interrupts the
   * rest (their leases run out and they are tried again, here or on another node). Idempotent.
   */
  @Override
  public void close() {
    Thread running;
    synchronized (lifecycle) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      running = loop;
    }
    wake();
    try {
      if (running != null) {
        running.join(closeTimeout);
      }
      workers.shutdown();
      if (!workers.awaitTermination(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn(
            "{} notification attempts still running {} after close; interrupting them, their"
                + " leases will run out and they will be tried again",
            inFlight.get(),
            closeTimeout);
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      deadlines.shutdownNow();
      http.closeResource();
    }
  }

  private static ScheduledThreadPoolExecutor deadlineTimer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().name("dialtone-notify-deadlines").daemon().factory());
    // Nearly every POST ends before its deadline: cancelled deadlines leave the queue at once.
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  private void run() {
    while (state == State.RUNNING) {
      if (paused) {
        if (!await()) {
          return;
        }
        continue;
      }
      int busy = inFlight.get();
      int room = Math.min(batchSize, maxInFlight - busy);
      // Near the limit, every finished attempt would free one slot and wake a claim of one; so
      // while many are in flight, the loop waits until a quarter of a batch is free. Each claim is
      // a write to the outbox: fewer, larger ones.
      boolean worthClaiming = room > 0 && (busy == 0 || room >= Math.max(1, batchSize / 4));
      int claimed = worthClaiming ? claimAndSubmit(room).size() : 0;
      if (!worthClaiming || claimed < room) {
        if (!await()) {
          return;
        }
      }
    }
  }

  /** Waits for a wake-up or the poll interval; false if interrupted. */
  private boolean await() {
    try {
      signal.tryAcquire(pollInterval.toNanos(), TimeUnit.NANOSECONDS);
      signal.drainPermits();
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private List<Future<?>> claimAndSubmit(int limit) {
    List<Delivery.Claimed> due;
    try {
      due = outbox.claimNotifications(nodeId, clock.instant(), lease, limit);
      if (claimFailing) {
        claimFailing = false;
        log.info("claiming notifications works again");
      }
    } catch (RuntimeException e) {
      // Logged once per outage, not once per poll.
      if (!claimFailing) {
        claimFailing = true;
        log.warn(
            "cannot claim notifications; trying again every {}: {}", pollInterval, e.toString(), e);
      }
      return List.of();
    }
    List<Future<?>> submitted = new ArrayList<>(due.size());
    for (Delivery.Claimed claimed : due) {
      inFlight.incrementAndGet();
      try {
        submitted.add(workers.submit(() -> attempt(claimed)));
      } catch (RejectedExecutionException e) {
        // Closing: the lease runs out and the notification is claimed again later.
        inFlight.decrementAndGet();
      }
    }
    return submitted;
  }

  private void attempt(Delivery.Claimed notification) {
    try {
      int number = notification.nextAttemptNumber();
      FaultInjection.Plan plan = faults.plan(notification.callId(), notification.applicationId());
      if (!plan.delay().isZero()) {
        Thread.sleep(plan.delay());
      }
      Instant at = clock.instant();
      long started = System.nanoTime();
      Result result =
          switch (plan.action()) {
            case FAIL_503 ->
                Result.answered(
                    503,
                    "503 injected by fault injection, not sent ("
                        + plan.failuresLeft()
                        + " more to fail)");
            case DROP -> Result.retry("dropped by fault injection");
            case SEND -> post(notification);
            case DUPLICATE -> duplicate(notification);
          };
      Duration latency = Duration.ofNanos(System.nanoTime() - started);
      if (Thread.currentThread().isInterrupted()) {
        return; // Cut short by close(): the lease runs out and it is tried again.
      }
      Delivery.Outcome outcome =
          switch (result.kind()) {
            case DELIVERED -> new Delivery.Outcome.Delivered();
            case RETRY -> schedule.afterFailure(notification.createdAt(), number, clock.instant());
            case GIVE_UP -> new Delivery.Outcome.GaveUp();
          };
      boolean recorded =
          outbox.recordAttempt(
              nodeId,
              new Delivery.Attempt(
                  notification.id(), number, at, result.status(), latency, result.error()),
              outcome);
      if (!recorded) {
        // Only an attempt that outlived its lease: the builder makes the lease longer than any.
        log.warn(
            "attempt {} at notification {} of call {} ended after its lease was taken over by"
                + " another node; not recorded, that node's attempt stands",
            number,
            notification.id(),
            notification.callId());
      } else if (outcome instanceof Delivery.Outcome.GaveUp) {
        log.info(
            "gave up notification {} of call {} to {} after attempt {}: {}",
            notification.id(),
            notification.callId(),
            notification.target(),
            number,
            result.error().orElse("no error"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn(
          "attempt at notification {} of call {} failed before it was recorded (is the store"
              + " down?); its lease will run out and it will be tried again: {}",
          notification.id(),
          notification.callId(),
          e.toString(),
          e);
    } finally {
      inFlight.decrementAndGet();
      wake(); // The next notification of this call may be due now.
    }
  }

  private Result duplicate(Delivery.Claimed notification) {
    Result first = post(notification);
    if (first.kind() != Kind.DELIVERED) {
      return first;
    }
    Result second = post(notification);
    String how =
        second.status().map(status -> "answered " + status).orElse(second.error().orElse("failed"));
    return new Result(
        first.status(),
        Optional.of("duplicated by fault injection; the second POST " + how),
        Kind.DELIVERED);
  }

  private Result post(Delivery.Claimed notification) {
    URI target = notification.target();
    if (policy.checkTarget(target) instanceof DeliveryPolicy.Verdict.Denied denied) {
      return Result.giveUp(denied.message());
    }
    byte[] body = notification.body().getBytes(StandardCharsets.UTF_8);
    List<Header> headers = headers(notification);
    // The client bounds the connect and every wait for the bot; the deadline bounds the POST as a
    // whole (a bot trickling its answer a byte at a time must not hold the attempt past its lease)
    // by interrupting this thread, which closes the socket it is blocked on.
    Deadline deadline = new Deadline(Thread.currentThread());
    ScheduledFuture<?> timer = deadlines.schedule(deadline, postTimeout.toNanos(), TimeUnit.NANOSECONDS);
    int status;
    try {
      status = send(target, headers, body);
    } catch (RuntimeException e) {
      if (deadline.finish()) {
        return timedOut();
      }
      return failed(target, e);
    } finally {
      timer.cancel(false);
    }
    if (deadline.finish()) {
      return timedOut();
    }
    return status >= 200 && status < 300
        ? new Result(Optional.of(status), Optional.empty(), Kind.DELIVERED)
        : Result.answered(status, "the bot answered " + status);
  }

  private Result timedOut() {
    return Result.retry(
        "timed out: the POST took longer than "
            + postTimeout.toMillis()
            + " ms (connect timeout + request timeout)");
  }

  /**
   * Interrupts the thread making a POST once the POST's time is up, unless the POST finished first.
   * {@link #finish} settles which came first, and takes back the interrupt if the deadline came
   * first, so that it cannot hit the thread later, while it records the attempt.
   */
  private static final class Deadline implements Runnable {
    private final Thread thread;
    private boolean finished;
    private boolean fired;

    Deadline(Thread thread) {
      this.thread = thread;
    }

    @Override
    public synchronized void run() {
      if (!finished) {
        fired = true;
        thread.interrupt();
      }
    }

    /** Called by the POSTing thread once the POST ended; true if the deadline came first. */
    synchronized boolean finish() {
      finished = true;
      if (fired) {
        Thread.interrupted();
      }
      return fired;
    }
  }

  private int send(URI target, List<Header> headers, byte[] body) {
    String scheme = target.getScheme().toLowerCase(Locale.ROOT);
    int defaultPort = scheme.equals("https") ? 443 : 80;
    int port = target.getPort() >= 0 ? target.getPort() : defaultPort;
    String path =
        target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
    String pathAndQuery = path + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
    // Helidon's URI model decodes and re-encodes path and query (%2F turns into /, parameters are
    // reordered); told to skip encoding, it writes the path as it is given. So the request target
    // goes out exactly as in the URI the bot gave, as a path that is not to be touched.
    ClientUri uri =
        ClientUri.create(
                UriInfo.builder()
                    .scheme(scheme)
                    .host(target.getHost())
                    .port(port)
                    .path(UriPath.createFromDecoded(pathAndQuery))
                    .build())
            .skipUriEncoding(true);
    // The client would write the port even where it is the scheme's default.
    String host = target.getHost() + (port == defaultPort ? "" : ":" + port);
    try {
      return submit(uri, host, headers, body, true);
    } catch (RuntimeException e) {
      if (!closedUnanswered(e) || Thread.currentThread().isInterrupted()) {
        throw e;
      }
      // Most likely a kept-alive connection the bot had just closed as idle, so the POST never
      // got there: sent once more, on a new connection (resolved and checked anew). If the bot did
      // get it, it sees a duplicate, which the notification id lets it drop.
      return submit(uri, host, headers, body, false);
    }
  }

  private int submit(
      ClientUri uri, String host, List<Header> headers, byte[] body, boolean keepAlive) {
    Http1ClientRequest request = http.post().skipUriEncoding(true).keepAlive(keepAlive).uri(uri);
    request.header(HeaderNames.HOST, host);
    headers.forEach(request::header);
    try (Http1ClientResponse response = request.submit(body)) {
      return response.status().code();
    }
  }

  /** Whether the connection closed or was reset with no answer, rather than failing to open. */
  private static boolean closedUnanswered(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof DataReader.InsufficientDataAvailableException
          || cause.getClass() == SocketException.class) {
        return true;
      }
    }
    return false;
  }

  /** What a POST that got no answer is recorded as. */
  private Result failed(URI target, Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof PolicyDnsResolver.Refusal refusal) {
        return refusal
            .denied()
            .map(denied -> Result.giveUp(denied.message()))
            .orElseGet(() -> Result.retry(refusal.getMessage()));
      }
      if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
        return Result.retry(
            "could not connect to " + authority(target) + ": " + cause.getMessage());
      }
      if (cause instanceof DataReader.InsufficientDataAvailableException) {
        return Result.retry("the connection closed before the bot answered");
      }
      if (cause instanceof SocketTimeoutException) {
        return Result.retry(
            "timed out: "
                + (connecting(cause)
                    ? "could not connect to "
                        + authority(target)
                        + " within "
                        + connectTimeout.toMillis()
                        + " ms"
                    : "no answer within " + requestTimeout.toMillis() + " ms"));
      }
    }
    if (failure instanceof IllegalArgumentException) {
      // The client refuses a header or URI that could split or smuggle the request.
      return Result.giveUp("cannot build the request: " + failure.getMessage());
    }
    return Result.retry(describe(failure));
  }

  /** The distinct messages down a chain of causes, e.g. the TLS failure under the client's. */
  private static String describe(Throwable failure) {
    List<String> messages = new ArrayList<>();
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      Throwable next = cause.getCause();
      // A wrapper made from its cause alone repeats the cause's toString(); skip it.
      if (message != null
          && !message.isBlank()
          && !(next != null && message.equals(next.toString()))
          && !messages.contains(message)) {
        messages.add(message);
      }
    }
    return messages.isEmpty() ? failure.toString() : String.join(": ", messages);
  }

  /** Whether a timeout came from opening the connection rather than waiting for the bot. */
  private static boolean connecting(Throwable timeout) {
    for (StackTraceElement frame : timeout.getStackTrace()) {
      if (frame.getClassName().equals("java.net.Socket")
          && frame.getMethodName().equals("connect")) {
        return true;
      }
    }
    return false;
  }

  private static String authority(URI target) {
    boolean https = "https".equalsIgnoreCase(target.getScheme());
    return target.getHost() + ":" + (target.getPort() >= 0 ? target.getPort() : https ? 443 : 80);
  }

  private List<Header> headers(Delivery.Claimed notification) {
    List<Header> headers = new ArrayList<>(7);
    headers.add(CONTENT_TYPE);
    headers.add(ACCEPT);
    if (signed) {
      headers.add(
          HeaderValues.create(
              HeaderNames.AUTHORIZATION,
              "Bearer " + tokens.tokenFor(notification.applicationId(), notification.tenantId())));
    }
    headers.add(AGENT);
    headers.add(HeaderValues.create(CHAIN_ID, notification.chainId()));
    headers.add(HeaderValues.create(MESSAGE_ID, notification.id()));
    headers.add(HeaderValues.create(CLIENT_REQUEST_ID, notification.id()));
    return headers;
  }

  private enum Kind {
    DELIVERED,
    RETRY,
    GIVE_UP
  }

  private record Result(Optional<Integer> status, Optional<String> error, Kind kind) {
    static Result answered(int status, String error) {
      return new Result(Optional.of(status), Optional.of(error), Kind.RETRY);
    }

    static Result retry(String error) {
      return new Result(Optional.empty(), Optional.of(error), Kind.RETRY);
    }

    static Result giveUp(String error) {
      return new Result(Optional.empty(), Optional.of(error), Kind.GIVE_UP);
    }
  }

  /**
   * Settings of a {@link NotificationDispatcher}. Each has a default (see {@link
   * NotificationDispatcher#builder}); {@link #build()} checks them together.
   */
  public static final class Builder {
    private final Outbox outbox;
    private final CallbackTokens tokens;
    private String nodeId = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private Clock clock = Clock.systemUTC();
    private DeliveryPolicy policy = DeliveryPolicy.standard();
    private RetrySchedule schedule = RetrySchedule.standard();
    private FaultInjection faults = new FaultInjection();
    private Resolver resolver = Resolver.SYSTEM;
    private Duration lease = Duration.ofSeconds(30);
    private int batchSize = 256;
    private int maxInFlight = 1024;
    private Duration pollInterval = Duration.ofMillis(250);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration closeTimeout = Duration.ofSeconds(15);
    private SSLContext sslContext;
    private boolean signed = true;

    private Builder(Outbox outbox, CallbackTokens tokens) {
      this.outbox = Objects.requireNonNull(outbox, "outbox");
      this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    /** Who holds the leases this dispatcher takes; unique per running node. */
    public Builder nodeId(String value) {
      this.nodeId = Objects.requireNonNull(value, "nodeId");
      return this;
    }

    /** The clock every time decision reads: claims, attempt times, retry times. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    public Builder policy(DeliveryPolicy value) {
      this.policy = Objects.requireNonNull(value, "policy");
      return this;
    }

    public Builder schedule(RetrySchedule value) {
      this.schedule = Objects.requireNonNull(value, "schedule");
      return this;
    }

    /** The fault settings to obey; keep a reference to change them while the dispatcher runs. */
    public Builder faults(FaultInjection value) {
      this.faults = Objects.requireNonNull(value, "faults");
      return this;
    }

    /** How long a claimed notification is this node's alone; longer than an attempt can take. */
    public Builder lease(Duration value) {
      this.lease = Objects.requireNonNull(value, "lease");
      return this;
    }

    /** The most notifications claimed at once. */
    public Builder batchSize(int value) {
      this.batchSize = value;
      return this;
    }

    /** The most attempts running at once. */
    public Builder maxInFlight(int value) {
      this.maxInFlight = value;
      return this;
    }

    /** The longest the loop sleeps without a {@link NotificationDispatcher#wake()}. */
    public Builder pollInterval(Duration value) {
      this.pollInterval = Objects.requireNonNull(value, "pollInterval");
      return this;
    }

    /**
     * Bounds the DNS lookup, and then the TCP connect; with the request timeout, the whole POST.
     */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = Objects.requireNonNull(value, "connectTimeout");
      return this;
    }

    /**
     * Bounds every wait for the bot after the connect (TLS handshake, the bot's answer, each of its
     * pieces); with the connect timeout, the whole POST, so a bot trickling its answer cannot hold
     * an attempt longer than their sum.
     */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = Objects.requireNonNull(value, "requestTimeout");
      return this;
    }

    /** How long {@link NotificationDispatcher#close()} waits for attempts in flight. */
    public Builder closeTimeout(Duration value) {
      this.closeTimeout = Objects.requireNonNull(value, "closeTimeout");
      return this;
    }

    /** The TLS trust for {@code https} targets (e.g. a private CA's); default the JVM's. */
    public Builder sslContext(SSLContext value) {
      this.sslContext = Objects.requireNonNull(value, "sslContext");
      return this;
    }

    /**
     * False sends notifications without their {@code Authorization} header: only to measure what
     * signing costs (a bot rightly refuses such a notification). Default true.
     */
    public Builder signed(boolean value) {
      this.signed = value;
      return this;
    }

    Builder resolver(Resolver value) {
      this.resolver = Objects.requireNonNull(value, "resolver");
      return this;
    }

    /**
     * @throws IllegalArgumentException if a setting is out of range, or the lease is not longer
     *     than the longest attempt ({@link FaultInjection#MAX_DELAY} + connect + request timeout)
     */
    public NotificationDispatcher build() {
      positive("lease", lease);
      positive("pollInterval", pollInterval);
      positive("connectTimeout", connectTimeout);
      positive("requestTimeout", requestTimeout);
      if (closeTimeout.isNegative()) {
        throw new IllegalArgumentException(
            "closeTimeout must not be negative, got " + closeTimeout);
      }
      if (batchSize < 1 || maxInFlight < 1) {
        throw new IllegalArgumentException(
            "batchSize and maxInFlight must be at least 1, got "
                + batchSize
                + " and "
                + maxInFlight);
      }
      if (nodeId.isBlank()) {
        throw new IllegalArgumentException("nodeId must not be blank");
      }
      Duration longestAttempt = FaultInjection.MAX_DELAY.plus(connectTimeout).plus(requestTimeout);
      if (lease.compareTo(longestAttempt) <= 0) {
        throw new IllegalArgumentException(
            "the lease ("
                + lease
                + ") must be longer than the longest attempt ("
                + longestAttempt
                + " = injected delay up to "
                + FaultInjection.MAX_DELAY
                + " + connect timeout + request timeout), or another node could deliver a"
                + " notification while it is still in flight here; raise the lease or lower the"
                + " timeouts");
      }
      return new NotificationDispatcher(this);
    }

    private SSLContext sslContext() {
      if (sslContext != null) {
        return sslContext;
      }
      try {
        return SSLContext.getDefault();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("this JVM has no default TLS context: " + e, e);
      }
    }

    private static void positive(String name, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
    }
  }
}
