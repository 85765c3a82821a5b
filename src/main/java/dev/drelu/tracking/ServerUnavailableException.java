package dev.drelu.tracking;

/** The tracking server could not be reached or failed (refused, timeout, 5xx): journal and retry later. */
final class ServerUnavailableException extends RuntimeException {
  ServerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
