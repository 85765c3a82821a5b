package dev.drelu.cli;

import dev.drelu.pipeline.ExperimentRunner;
import dev.drelu.spec.SpecLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * drelu quickstart: runs pipelines/quickstart.yaml. The launcher script has already installed the
 * data and started the MLflow server.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = "Train ReLU and D-ReLU heads on MNIST digits, attack them, print the table.")
final class QuickstartCommand implements Callable<Integer> {
  @Mixin EnvironmentOptions env = new EnvironmentOptions();

  @Spec CommandSpec command;

  @Override
  public Integer call() throws Exception {
    env.validate(command);
    env.applyThreads();
    Path root = Path.of(System.getProperty("drelu.project.root", "."));
    Path spec = root.resolve("pipelines/quickstart.yaml");
    return RunCommand.report(ExperimentRunner.run(SpecLoader.load(spec), env.runOptions()),
        RunCommand.trackingOffCause(env), command.commandLine().getOut());
  }
}
