package dev.drelu.testing;

import java.nio.ByteBuffer;

/**
 * Runs the garbage collector and refills freed native memory with junk, on a thread of its own,
 * while a test does tensor work. A tensor that borrows the memory of a Java direct buffer that
 * is no longer referenced then reads junk, instead of surviving by luck as it usually does on an
 * idle machine, where the collector seldom runs in the gap.
 */
public final class GarbageChurn implements AutoCloseable {
  private final Thread thread;
  private volatile boolean running = true;

  private GarbageChurn() {
    thread = new Thread(this::churn, "garbage-churn");
    thread.setDaemon(true);
    thread.start();
  }

  /** @return a running churn; close it to stop */
  public static GarbageChurn start() {
    return new GarbageChurn();
  }

  /** One round on the calling thread: collect, then fill fresh direct buffers with junk. */
  public static void once() {
    System.gc();
    for (int i = 0; i < 64; i++) {
      ByteBuffer b = ByteBuffer.allocateDirect(4 << (i % 8));
      while (b.hasRemaining()) {
        b.put((byte) 0x7f);
      }
    }
  }

  private void churn() {
    while (running) {
      once();
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join();
  }
}
