package dev.drelu.core;

/**
 * What this process's native allocator was told: the glibc malloc settings the launcher passes to
 * every JVM that runs libtorch ({@code bin/native-memory.sh} says why). Printed by {@code drelu
 * --version} and with every side-by-side benchmark, because they change how fast the same work runs
 * (not what it computes).
 */
public final class NativeAllocator {
  private NativeAllocator() {}

  /** @return e.g. "glibc malloc, GLIBC_TUNABLES=glibc.malloc.top_pad=..." or "glibc malloc, its own settings" */
  public static String describe() {
    String tunables = System.getenv("GLIBC_TUNABLES");
    return tunables == null || tunables.isBlank()
        ? "glibc malloc, its own settings"
        : "glibc malloc, GLIBC_TUNABLES=" + tunables;
  }
}
