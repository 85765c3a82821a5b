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

  @picocli.CommandLine.Option(names = "--summary-to", paramLabel = "DIR",
      description = "also copy the summary artifact (table, statistics, report) into DIR, a new folder: the way to"
          + " a local copy when the store is s3:// (ci/launch.sh uses it)")
  Path summaryTo;

  @Spec CommandSpec command;

  @Override
  public Integer call() throws Exception {
    env.validate(command);
    env.applyThreads();
    PipelineSpec pipeline = SpecLoader.load(spec);
    SmokeDataCommand.ensureFor(pipeline, command.commandLine().getErr());
    RunOptions options = env.runOptions();
    if (summaryTo != null && java.nio.file.Files.exists(summaryTo)) {
      throw new IllegalArgumentException("--summary-to " + summaryTo + " exists; name a new folder");
    }
    ExperimentResult result = ExperimentRunner.run(pipeline, options);
    if (summaryTo != null && result.summary() != null) {
      copySummary(result.summary().files(), summaryTo);
    }
    return report(result, trackingOffCause(env), command.commandLine().getOut());
  }

  /** Copies every file of the summary artifact into a new folder, whole or not at all (a sibling, then a rename). */
  static void copySummary(dev.drelu.store.ArtifactFiles summary, Path target) throws java.io.IOException {
    Path absolute = target.toAbsolutePath();
    java.nio.file.Files.createDirectories(absolute.getParent());
    Path partial = java.nio.file.Files.createTempDirectory(absolute.getParent(), ".summary-");
    try {
      for (String name : summary.names()) {
        Path to = partial.resolve(name);
        java.nio.file.Files.createDirectories(to.getParent());
        java.nio.file.Files.copy(summary.file(name), to);
      }
      java.nio.file.Files.move(partial, absolute, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (java.io.IOException | RuntimeException e) {
      dev.drelu.core.FileTrees.deleteTree(partial);
      throw e;
    }
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
