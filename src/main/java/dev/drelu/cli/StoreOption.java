package dev.drelu.cli;

import dev.drelu.core.DreluHome;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --store, for the commands that only inspect the artifact store. */
final class StoreOption {
  @Option(names = "--store", description = "artifact store folder (default: $DRELU_HOME/store)")
  Path store;

  Path path() {
    return store != null ? store : DreluHome.get().resolve("store");
  }
}
