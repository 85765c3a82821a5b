package dev.drelu.pipeline;

import ai.djl.Device;
import dev.drelu.nn.Devices;

/**
 * What the bits of a tensor stage's output depend on besides its cache key, written into the
 * artifact's manifest ({@code reproducibility}) so that nobody expects more than holds.
 *
 * <p>On the CPU an output is a pure function of its key, the device and the number of PyTorch
 * threads per task: the same key gives the same sha256 alone or beside other tasks, at any
 * parallelism (ReproducibleTrainingTest). Another thread count splits sums differently and can
 * change the last bits, so the count is stated. CUDA kernels promise no fixed summation order.
 */
final class Reproducibility {
  /** The manifest summary's entry that holds the statement (an MLflow tag too). */
  static final String SUMMARY_ENTRY = "reproducibility";

  private Reproducibility() {}

  /** @return the statement a committed artifact's summary records, or null if its stage makes none */
  static String recorded(java.util.Map<String, String> summary) {
    return summary.get(SUMMARY_ENTRY);
  }

  /** @return the manifest's statement for a stage that ran tensors on {@code deviceSpec} */
  static String statement(String deviceSpec) {
    Device device = Devices.resolve(deviceSpec);
    if (device.isGpu()) {
      return "not bit-reproducible: CUDA kernels on " + device + " may sum in another order on each run";
    }
    return "bit-identical for this key on cpu with " + dev.drelu.nn.TorchThreads.configured()
        + " torch thread(s) per task; another --torch-threads may change the last bits";
  }

  /** @return true for the stages whose outputs come out of tensor arithmetic */
  static boolean applies(Stage stage) {
    return stage == Stage.TRAIN || stage == Stage.ATTACK || stage == Stage.DIAGNOSE;
  }
}
