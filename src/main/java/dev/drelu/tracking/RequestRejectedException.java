package dev.drelu.tracking;

/** The server is up but refused the request as invalid (4xx): retrying would fail the same way. */
final class RequestRejectedException extends RuntimeException {
  RequestRejectedException(String message, Throwable cause) {
    super(message, cause);
  }
}
