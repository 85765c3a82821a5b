package dev.drelu.cli;

import dev.drelu.pipeline.ExperimentResult;
import dev.drelu.pipeline.ExperimentRunner;
import dev.drelu.pipeline.RunOptions;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** drelu run SPEC: executes a pipeline, reusing what is cached, and prints its table. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a pipeline spec (pipelines/*.yaml).")
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC", description = "the pipeline spec, e.g. pipelines/quickstart.yaml")
  Path spec;

  @Mixin EnvironmentOptions env = new EnvironmentOptions();

  @Spec CommandSpec command;

  @Override
  public Integer call() throws Exception {
    env.validate(command);
    env.applyThreads();
    PipelineSpec pipeline = SpecLoader.load(spec);
    SmokeDataCommand.ensureFor(pipeline, command.commandLine().getErr());
    RunOptions options = env.runOptions();
    return report(ExperimentRunner.run(pipeline, options), trackingOffCause(env), command.commandLine().getOut());
  }

  /** Why tracking is off, in the user's terms (only read when it is off). */
  static String trackingOffCause(EnvironmentOptions env) {
    return env.noTracking ? "--no-tracking"
        : "no --tracking-uri and no MLFLOW_TRACKING_URI; ./drelu sets it to its local server";
  }

  /**
   * Prints the table, where things went, and any tracking warning.
   *
   * @param trackingOffCause why tracking is off, named when it is
   */
  static int report(ExperimentResult r, String trackingOffCause, PrintWriter out) throws java.io.IOException {
    out.println();
    if (r.table() != null) {
      out.println("Accuracy (%) on " + r.table().rows().size() + " model(s); worst <threat model> = correct under"
          + " every attack of that threat model, per example; zero-grad = test inputs whose input gradient is"
          + " exactly 0:");
      out.println();
      out.print(r.table().toMarkdown());
      out.println();
      if (!r.table().evidence().isEmpty()) {
        out.print(r.table().evidence());
        out.println();
      }
      out.println("Summary: " + r.summary().location());
      java.util.Optional<java.nio.file.Path> report = r.summary().reportPage();
      if (report.isPresent()) {
        String copy = r.tracking().artifactsNote();
        out.println("Report:  " + report.get() + (copy == null ? "" : "  (" + copy + ")"));
      }
    } else {
      out.println("Done (stages after --only were skipped).");
    }
    out.println(r.tracking().line(trackingOffCause));
    if (r.tracking().warning() != null) {
      out.println("WARNING: " + r.tracking().warning());
    }
    out.printf("Finished in %.1f s (%s).%n", r.seconds(), r.tally());
    out.flush();
    return 0;
  }
}
