package dev.drelu.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Resolves --device auto|cpu|gpu[:N] to a DJL device. */
public final class Devices {
  private Devices() {}

  /**
   * @param spec auto (a GPU when DJL finds one, else the CPU), cpu, gpu or gpu:N
   * @throws IllegalArgumentException for an unknown spec or a GPU that is not there
   */
  public static Device resolve(String spec) {
    String s = spec == null ? "auto" : spec.trim().toLowerCase(java.util.Locale.ROOT);
    int gpus = Engine.getInstance().getGpuCount();
    if (s.equals("auto")) {
      return gpus > 0 ? Device.gpu(0) : Device.cpu();
    }
    if (s.equals("cpu")) {
      return Device.cpu();
    }
    if (s.equals("gpu") || s.startsWith("gpu:")) {
      int id = s.equals("gpu") ? 0 : Integer.parseInt(s.substring(4));
      if (id >= gpus) {
        throw new IllegalArgumentException("device " + spec + " is not available: DJL sees " + gpus
            + " GPU(s); a GPU build needs the gpu Maven profile (see README) and a CUDA driver");
      }
      return Device.gpu(id);
    }
    throw new IllegalArgumentException("device must be auto, cpu, gpu or gpu:N, but was: " + spec);
  }
}
