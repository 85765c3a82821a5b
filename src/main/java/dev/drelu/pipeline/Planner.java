package dev.drelu.pipeline;

import dev.drelu.attack.AttackParams;
import dev.drelu.data.DatasetPreparer;
import dev.drelu.spec.ModelEntry;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.store.ArtifactStore;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Expands a spec into tasks with keys and decides, against the store, what each will do. */
public final class Planner {
  private Planner() {}

  /**
   * @throws IOException if the dataset's source files cannot be read (they are fingerprinted here)
   * @throws IllegalStateException if --only needs an earlier stage that is not cached
   */
  public static Plan plan(PipelineSpec spec, ArtifactStore store, CacheControl cache) throws IOException {
    Tasks.Prepare prepare = Tasks.Prepare.of(spec.dataset(), DatasetPreparer.fingerprint(spec.dataset()));
    List<Tasks.Train> train = new ArrayList<>();
    for (ModelEntry m : spec.models()) {
      for (long seed : spec.seeds()) {
        train.add(Tasks.Train.of(prepare.key(), m, seed));
      }
    }
    List<Tasks.Attack> attack = new ArrayList<>();
    for (Tasks.Train t : train) {
      for (AttackParams a : spec.attacks()) {
        attack.add(Tasks.Attack.of(t, a, spec.evaluation()));
      }
    }
    Map<String, String> labels = new LinkedHashMap<>();
    train.forEach(t -> labels.put(t.key(), t.label()));
    attack.forEach(a -> labels.put(a.key(), a.attack().name()));
    Tasks.Summarise summarise = Tasks.Summarise.of(spec.name(),
        train.stream().map(Tasks.Train::key).toList(), attack.stream().map(Tasks.Attack::key).toList(), labels);

    List<Plan.Step> steps = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<StageTask> all = new ArrayList<>();
    all.add(prepare);
    all.addAll(train);
    all.addAll(attack);
    all.add(summarise);
    for (StageTask task : all) {
      Plan.Step step = decide(task, store, cache);
      if (cache.policy(task.stage()) == StagePolicy.REQUIRE_CACHED && step.action() != Plan.Action.REUSE) {
        missing.add(task.stage().key() + " " + task.label());
      }
      steps.add(step);
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("--only " + cache.only().key() + " needs the earlier stages cached, but these are not: "
          + String.join(", ", missing) + "; run the pipeline once without --only (or with --from) first");
    }
    return new Plan(spec, cache, List.of(prepare), train, attack, summarise, steps);
  }

  private static Plan.Step decide(StageTask task, ArtifactStore store, CacheControl cache) {
    StagePolicy policy = cache.policy(task.stage());
    if (policy == StagePolicy.SKIP) {
      return new Plan.Step(task.stage(), task.label(), task.key(), Plan.Action.SKIP, "");
    }
    ArtifactStore.Lookup lookup = store.lookup(task.stage().key(), task.key());
    Plan.Action action;
    String note = "";
    if (lookup instanceof ArtifactStore.Hit) {
      action = policy == StagePolicy.FORCE ? Plan.Action.FORCED : Plan.Action.REUSE;
    } else if (lookup instanceof ArtifactStore.Corrupt c) {
      action = Plan.Action.REPLACE_CORRUPT;
      note = c.reason();
    } else if (task.stage() == Stage.TRAIN && Files.isDirectory(store.workDir(task.stage().key(), task.key()))) {
      action = Plan.Action.RESUME;
      note = "checkpoint in " + store.workDir(task.stage().key(), task.key());
    } else {
      action = Plan.Action.RUN;
    }
    return new Plan.Step(task.stage(), task.label(), task.key(), action, note);
  }
}
