package dev.drelu.cli;

import dev.drelu.core.CodeVersion;
import picocli.CommandLine;

/** Prints the code version (git commit) drelu records with every artifact and run. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"drelu " + CodeVersion.get()};
  }
}
