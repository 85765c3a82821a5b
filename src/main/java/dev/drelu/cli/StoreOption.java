package dev.drelu.cli;

import dev.drelu.core.DreluHome;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --store, for the commands that only inspect the artifact store. */
final class StoreOption {
  @Option(names = "--store", description = "artifact store folder (default: $DRELU_HOME/store)")
  Path store;

  Path path() {
    if (store != null && java.nio.file.Files.exists(store) && !java.nio.file.Files.isDirectory(store)) {
      // an IllegalArgumentException is printed as "drelu: <message>" with exit code 2
      throw new IllegalArgumentException("--store must be a folder, but " + store + " is a file");
    }
    return store != null ? store : DreluHome.get().resolve("store");
  }
}
