/**
 * Delivery of {@code commsNotifications} to bots: the {@link
 * dev.dialtone.server.notify.NotificationDispatcher} takes due notifications from the engine's
 * {@link dev.dialtone.engine.call.Outbox}, POSTs each one signed by {@link
 * dev.dialtone.server.notify.CallbackTokens}, to a target the {@link
 * dev.dialtone.server.notify.DeliveryPolicy} allows, and records every attempt with what follows
 * from it: delivered, another try at the time the {@link dev.dialtone.server.notify.RetrySchedule}
 * gives, or given up. {@link dev.dialtone.server.notify.FaultInjection} lets a bot's tests make
 * delivery slow, lossy or repetitive on purpose.
 *
 * <p>The engine knows nothing of HTTP: it writes notifications into the outbox with the change that
 * causes them and calls {@link dev.dialtone.server.notify.NotificationDispatcher#wake()} after the
 * commit. Everything here decides time with an injected {@link java.time.Clock}; only the HTTP
 * exchange itself (latency, socket timeouts) reads {@link System#nanoTime()}.
 */
package dev.dialtone.server.notify;
