package dev.drelu.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory, from /proc/self/status (-1 where there is none, e.g. not Linux). */
public final class ResidentMemory {
  private ResidentMemory() {}

  /** @return resident memory now, MB */
  public static long currentMegabytes() {
    return field("VmRSS:");
  }

  /** @return the peak resident memory so far, MB (what Python's ru_maxrss reports for the reference side) */
  public static long peakMegabytes() {
    return field("VmHWM:");
  }

  private static long field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
