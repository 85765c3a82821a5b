package dev.drelu.cli;

import dev.drelu.pipeline.Plan;
import dev.drelu.pipeline.Planner;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecLoader;
import dev.drelu.store.ArtifactStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** drelu plan SPEC: what a run would compute and what it would reuse, with keys. Runs nothing. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Show which stages a run would compute and which it would reuse (with cache keys).")
final class PlanCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC", description = "the pipeline spec")
  Path spec;

  @Mixin EnvironmentOptions env = new EnvironmentOptions();

  @Spec CommandSpec command;

  @Override
  public Integer call() throws Exception {
    env.validate(command);
    PipelineSpec pipeline = SpecLoader.load(spec);
    SmokeDataCommand.ensureFor(pipeline, command.commandLine().getErr());
    Plan plan = Planner.plan(pipeline, ArtifactStore.open(env.storeLocation()), env.cacheControl());
    command.commandLine().getOut().print(plan.render());
    command.commandLine().getOut().flush();
    return 0;
  }
}
