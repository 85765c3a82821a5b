package dev.drelu.cli;

import dev.drelu.core.CodeVersion;
import dev.drelu.core.NativeAllocator;
import picocli.CommandLine;

/**
 * Prints the code version (git commit) drelu records with every artifact and run, and the native
 * allocator's settings, which set how fast the same work runs.
 */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"drelu " + CodeVersion.get(), "native allocator: " + NativeAllocator.describe()};
  }
}
