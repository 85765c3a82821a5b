package dev.drelu.cli;

import dev.drelu.core.DreluHome;
import dev.drelu.pipeline.RunOptions;
import dev.drelu.reproduce.Reproduction;
import dev.drelu.reproduce.ReproductionSpecs;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * drelu reproduce SPEC: the spec's models under the paper's evaluation protocol and under a
 * sound one, beside the paper's printed numbers, cell by cell (see {@link Reproduction}).
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
    description = {"Compare a spec's models with the paper table it names (paper-table: N): the printed value, a"
        + " faithful rerun under the authors' protocol (params/attacks/paper-protocol) and a sound evaluation,",
        "per paper cell, with the statistics of each. Writes reproduction.{md,csv,html}; reuses cached work."})
final class ReproduceCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC", description = "a pipeline spec naming its paper table, e.g."
      + " pipelines/mnist-table-repro-cpu.yaml")
  Path spec;

  @Option(names = "--presets", paramLabel = "DIR",
      description = "the attack presets' folder (default: params/attacks beside the spec's pipelines folder)")
  Path presets;

  @Option(names = "--out", paramLabel = "DIR",
      description = "where the reproduction goes (default: $DRELU_HOME/reproductions/<spec name>)")
  Path out;

  @Mixin EnvironmentOptions env = new EnvironmentOptions();

  @Mixin StatsLevels levels = new StatsLevels();

  @Spec CommandSpec command;

  @Override
  public Integer call() throws Exception {
    env.validate(command);
    env.applyThreads();
    PipelineSpec pipeline = SpecLoader.load(spec);
    ReproductionSpecs.requirePaperTable(pipeline); // before any work
    SmokeDataCommand.ensureFor(pipeline, command.commandLine().getErr());
    RunOptions options = env.runOptions();
    Path folder = out != null ? out : DreluHome.get().resolve("reproductions").resolve(pipeline.name());
    Reproduction r = Reproduction.run(pipeline, presetsFor(pipeline), options, folder, levels.params());
    PrintWriter w = command.commandLine().getOut();
    w.println();
    w.print(Files.readString(r.folder().resolve("reproduction.md")));
    w.println();
    w.println("Reproduction: " + r.folder() + " (reproduction.md, reproduction.csv, reproduction.html)");
    w.println(r.faithful().tracking().line(RunCommand.trackingOffCause(env)));
    w.printf("Finished in %.1f s (faithful: %s; sound: %s).%n", r.faithful().seconds() + r.sound().seconds(),
        r.faithful().tally(), r.sound().tally());
    w.flush();
    return 0;
  }

  private Path presetsFor(PipelineSpec pipeline) {
    if (presets != null) {
      return presets;
    }
    Path besideSpec = pipeline.file().getParent().resolveSibling("params").resolve("attacks");
    return Files.isDirectory(besideSpec) ? besideSpec : Path.of("params", "attacks");
  }
}
