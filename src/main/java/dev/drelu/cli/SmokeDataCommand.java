package dev.drelu.cli;

import dev.drelu.data.DatasetPreparer;
import dev.drelu.data.SmokeData;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * drelu smoke-data: writes the stand-in CIFAR-10, CIFAR-100, TinyImageNet and EDM files that the
 * smoke variants of the CIFAR and TinyImageNet pipelines read (see {@link SmokeData}).
 */
@Command(name = "smoke-data", mixinStandardHelpOptions = true,
    description = {"Write small stand-ins for CIFAR-10/100, TinyImageNet and the EDM .npz sets, in their true formats,"
        + " made from Fashion-MNIST images, for the pipelines/*-smoke.yaml variants.",
        "They are not the real datasets: the full pipelines need the real ones (see README)."})
public final class SmokeDataCommand implements Callable<Integer> {
  @Option(names = "--fashion-mnist", paramLabel = "DIR",
      description = "folder of Fashion-MNIST's IDX files (default: ${DEFAULT-VALUE})",
      defaultValue = DatasetPreparer.FASHION_MNIST)
  Path fashionMnist;

  @Option(names = "--out", paramLabel = "DIR", description = "where to write (default: $DRELU_HOME/smoke-data)")
  Path out;

  @Spec CommandSpec command;

  /** Writes the smoke stand-ins a spec reads, if it reads any and they are missing, saying so. */
  static void ensureFor(dev.drelu.spec.PipelineSpec spec, PrintWriter err) throws java.io.IOException {
    Path written = SmokeData.ensureFor(spec.dataset());
    if (written != null) {
      err.println("drelu: wrote the smoke stand-in datasets (made from Fashion-MNIST) to " + written);
      err.flush();
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter err = command.commandLine().getErr();
    PrintWriter stdout = command.commandLine().getOut();
    Path target = out != null ? out : SmokeData.defaultFolder();
    if (!Files.isDirectory(fashionMnist)) {
      err.println("drelu smoke-data: " + fashionMnist + " is not a folder; the stand-ins are made from Fashion-MNIST"
          + " (apt-get install dataset-fashion-mnist, or --fashion-mnist DIR)");
      err.flush();
      return CommandLine.ExitCode.USAGE;
    }
    boolean written = SmokeData.write(fashionMnist, target);
    stdout.println((written ? "wrote " : "already there: ") + target);
    stdout.flush();
    return CommandLine.ExitCode.OK;
  }
}
