package dev.drelu.pipeline;

import ai.djl.Device;
import dev.drelu.nn.Devices;

/**
 * What the bits of a tensor stage's output depend on besides its cache key, written into the
 * artifact's manifest ({@code reproducibility}) so that nobody expects more than holds.
 *
 * <p>On the CPU an output is a pure function of its key, the device, the processor and the number
 * of PyTorch threads per task: the same key gives the same sha256 alone or beside other tasks, at
 * any parallelism (ReproducibleTrainingTest). Another thread count splits sums differently and can
 * change the last bits, so the count is stated. So does another processor: libtorch, oneDNN and MKL
 * pick their kernels by vendor and vector instructions (the quickstart on an AMD EPYC with AVX-512
 * moved a few table cells by up to 2 points against the same commit on the machine of the day
 * before), so the processor is named. CUDA kernels promise no fixed summation order.
 */
final class Reproducibility {
  /** This JVM's processor, read once: every tensor task's statement names it. */
  private static final String PROCESSOR = processor();

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
        + " torch thread(s) per task, on " + PROCESSOR
        + "; another --torch-threads or another processor may change the last bits";
  }

  /** @return the processor's model name and widest vector instructions, e.g. "AMD EPYC (avx512)" */
  static String processor() {
    java.util.List<String> lines;
    try {
      lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"));
    } catch (java.io.IOException | RuntimeException e) {
      return System.getProperty("os.arch"); // not Linux: the architecture is all there is to say
    }
    String name = cpuinfo(lines, "model name");
    java.util.List<String> flags = java.util.List.of(cpuinfo(lines, "flags").split("\\s+"));
    String vectors = flags.contains("avx512f") ? "avx512" : flags.contains("avx2") ? "avx2"
        : flags.contains("avx") ? "avx" : null;
    String processor = name.isEmpty() ? System.getProperty("os.arch") : name;
    return vectors == null ? processor : processor + " (" + vectors + ")";
  }

  /** @return the first value of {@code field} in /proc/cpuinfo's lines, or "" */
  private static String cpuinfo(java.util.List<String> lines, String field) {
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equals(field)) {
        return line.substring(colon + 1).trim();
      }
    }
    return "";
  }

  /** @return true for the stages whose outputs come out of tensor arithmetic */
  static boolean applies(Stage stage) {
    return stage == Stage.TRAIN || stage == Stage.ATTACK || stage == Stage.DIAGNOSE;
  }
}
