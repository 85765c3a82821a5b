package dev.drelu.nn;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Gives every Java thread that runs tensors the configured number of PyTorch intra-op threads.
 *
 * <p>Why: DJL applies {@code ai.djl.pytorch.num_threads} once, on the thread that starts the
 * engine, and OpenMP keeps that setting per thread. A Beam worker thread would otherwise run
 * with OpenMP's default (all cores), so the same model trained on another worker thread summed
 * in another order and gave (slightly) different weights.
 */
public final class TorchThreads {
  /** Where the CLI puts --torch-threads (DJL's own setting). */
  public static final String PROPERTY = "ai.djl.pytorch.num_threads";

  private static final ThreadLocal<Boolean> CONFIGURED = ThreadLocal.withInitial(() -> false);

  private TorchThreads() {}

  /** @return the configured PyTorch threads per task (1 when none is set) */
  public static int configured() {
    return Integer.getInteger(PROPERTY, 1);
  }

  /** Applies the configured thread count to the current thread, once per thread. */
  public static void ensure() {
    if (CONFIGURED.get()) {
      return;
    }
    Engine.getInstance(); // starts the engine (and its own thread setting) first
    Integer threads = Integer.getInteger(PROPERTY);
    if (threads != null && threads > 0) {
      JniUtils.setNumThreads(threads);
    }
    CONFIGURED.set(true);
  }
}
