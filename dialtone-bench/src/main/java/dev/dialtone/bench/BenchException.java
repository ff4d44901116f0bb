package dev.dialtone.bench;

/**
 * Something the benchmark needs did not work: a target did not start, a request was answered with
 * something other than the expected status, a notification never came. A retry does not help
 * without fixing the cause; the message says where to look (usually a target's log file).
 */
final class BenchException extends RuntimeException {
  BenchException(String message) {
    super(message);
  }

  BenchException(String message, Throwable cause) {
    super(message, cause);
  }
}
