package dev.drelu.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import dev.drelu.testing.ToyData;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A model built on a new thread (a Beam worker) runs with the configured PyTorch thread count. */
class TorchThreadsTest {
  @Test
  void aWorkerThreadGetsTheConfiguredThreadCount() throws Exception {
    int configured = Integer.getInteger("ai.djl.pytorch.num_threads", 1);
    AtomicInteger seen = new AtomicInteger(-1);
    Thread worker = new Thread(() -> {
      try (Classifier c = Classifier.create(ToyData.dense(ActivationKind.RELU, 1.0), ToyData.SHAPE, 1, Device.cpu())) {
        seen.set(JniUtils.getNumThreads());
      }
    });
    worker.start();
    worker.join();
    assertEquals(configured, seen.get(), "OpenMP keeps its thread count per thread; each worker must set it");
  }
}
