package dev.drelu.cli;

import dev.drelu.store.ArtifactStore;
import dev.drelu.store.CacheKey;
import dev.drelu.store.Manifest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** drelu cache ls|verify: what the artifact store holds and whether it is intact. */
@Command(name = "cache", mixinStandardHelpOptions = true, description = "Inspect the artifact store.",
    subcommands = {CacheCommand.Ls.class, CacheCommand.Verify.class, CacheCommand.Gc.class})
final class CacheCommand {
  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List stored artifacts.")
  static final class Ls implements Callable<Integer> {
    @Mixin StoreOption store = new StoreOption();

    @Spec CommandSpec command;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = command.commandLine().getOut();
      for (Manifest m : store.open().list()) {
        out.printf("%-10s %s  %s  %s%n", m.stage(), CacheKey.shortForm(m.key()),
            m.provenance().getOrDefault("created", "?"), m.summary());
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check every artifact's files against its manifest (sha256), reading every file: "
          + "unlike a run's look-up, it trusts no remembered hash.")
  static final class Verify implements Callable<Integer> {
    @Mixin StoreOption store = new StoreOption();

    @Spec CommandSpec command;

    @Override
    public Integer call() throws Exception {
      ArtifactStore s = store.open();
      PrintWriter out = command.commandLine().getOut();
      int bad = 0;
      List<ArtifactStore.Checked> all = s.checkAll();
      for (ArtifactStore.Checked c : all) {
        // a folder without a readable manifest is corrupt too: nothing proves its files intact
        if (c.result() instanceof ArtifactStore.Corrupt corrupt) {
          bad++;
          out.println("CORRUPT " + c.location() + ": " + corrupt.reason());
        }
      }
      out.println(all.size() + " artifact(s) checked, " + bad + " corrupt"
          + (bad == 0 ? "." : ": a run recomputes and replaces them, or delete the folders listed above."));
      out.flush();
      return bad == 0 ? 0 : 1;
    }
  }

  @Command(name = "gc", mixinStandardHelpOptions = true,
      description = "Remove leftovers no run reads again (staging, trash, checkpoints of committed models, "
          + "locks of exited runs, remembered hashes of removed artifacts). Run it when no pipeline is using "
          + "the store.")
  static final class Gc implements Callable<Integer> {
    @Mixin StoreOption store = new StoreOption();

    @Spec CommandSpec command;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = command.commandLine().getOut();
      var removed = store.open().collectGarbage();
      removed.forEach(p -> out.println("removed " + p));
      out.println(removed.size() + " folder(s), stale lock(s) and hash record(s) removed.");
      out.flush();
      return 0;
    }
  }
}
