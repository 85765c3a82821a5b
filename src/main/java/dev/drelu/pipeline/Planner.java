package dev.drelu.pipeline;

import dev.drelu.attack.AttackParams;
import dev.drelu.attack.AttackSource;
import dev.drelu.attack.Diagnostics;
import dev.drelu.attack.Restartable;
import dev.drelu.data.DatasetPreparer;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.ModelSpec;
import dev.drelu.spec.ModelEntry;
import dev.drelu.train.AdversarialTraining;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.store.ArtifactStore;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Expands a spec into tasks with keys and decides, against the store, what each will do. */
public final class Planner {
  private Planner() {}

  /**
   * @throws IOException if the dataset's source files cannot be read (they are fingerprinted here)
   * @throws IllegalStateException if --only needs an earlier stage that is not cached
   * @throws IllegalArgumentException if two tasks of the spec have the same key (e.g. two models
   *     that differ only in name, or a seed listed twice): they would compute one artifact twice
   */
  public static Plan plan(PipelineSpec spec, ArtifactStore store, CacheControl cache) throws IOException {
    Tasks.Prepare prepare = Tasks.Prepare.of(spec.dataset(), DatasetPreparer.fingerprint(spec.dataset(), store.hashes()));
    List<Tasks.Train> train = new ArrayList<>();
    List<Tasks.Train> naturals = new ArrayList<>(); // the models AT continues, when no spec model is one
    for (ModelEntry m : spec.models()) {
      if (m.isExternal()) {
        train.add(Tasks.Train.imported(prepare.key(), m)); // no seed changes a file's weights
        continue;
      }
      for (long seed : spec.seeds()) {
        AdversarialTraining adv = m.training().adversarial();
        String init = null;
        if (adv != null && adv.fromNatural()) {
          // the paper's AT: continue the naturally trained model (same net, schedule and seed)
          init = natural(prepare.key(), m, seed, train, naturals).key();
        }
        train.add(Tasks.Train.of(prepare.key(), m, seed, init));
      }
    }
    List<Tasks.Train> twins = new ArrayList<>();
    List<Tasks.Attack> attack = new ArrayList<>();
    List<Tasks.Diagnose> diagnose = new ArrayList<>();
    List<Tasks.AttackRun> mainRuns = new ArrayList<>();
    for (Tasks.Train t : train) {
      Map<String, Tasks.Attack> ofModel = new LinkedHashMap<>(); // by key: a sweep point may equal a spec attack
      List<Tasks.AttackRun> runsOfModel = new ArrayList<>();
      boolean capless = !t.entry().isExternal() && withoutCaps(t.entry());
      for (Map.Entry<AttackParams, Diagnostics.Role> run : runs(spec)) {
        AttackParams a = run.getKey();
        Diagnostics.Role role = run.getValue();
        if (a.source() == AttackSource.RELU_TWIN && t.entry().isExternal()) {
          // an external file has no ReLU twin drelu could train (its architecture is the file's
          // own): the transfer attack is skipped, and the table shows "-" for it
          continue;
        }
        String source = a.source() == AttackSource.RELU_TWIN ? twin(t, train, twins).key() : t.key();
        for (int shard = 0; shard < spec.evaluation().shards(); shard++) {
          Tasks.Attack task = Tasks.Attack.of(t, source, a, spec.evaluation(), shard, role);
          // the same key first: listing an attack twice is an error
          Tasks.Attack same = ofModel.containsKey(task.key()) ? null
              : ofModel.values().stream().filter(o -> task.sameWork(o, capless)).findFirst().orElse(null);
          Tasks.Attack earlier = same != null ? null : ofModel.putIfAbsent(task.key(), task);
          if (earlier != null && role == Diagnostics.Role.MAIN) {
            throw new IllegalArgumentException("attack " + task.label() + " and attack " + earlier.label()
                + " are the same work (one cache key); list each attack once");
          }
          if (earlier == null) {
            // a repeated sweep or doubled-budget run adds nothing; an alias reads the same work's artifact
            Tasks.AttackRun r = new Tasks.AttackRun(same != null ? same.key() : task.key(), a, role, same != null);
            runsOfModel.add(r);
            if (role == Diagnostics.Role.MAIN) {
              mainRuns.add(r);
            }
          }
        }
      }
      attack.addAll(ofModel.values());
      if (spec.diagnostics().enabled() && !ofModel.isEmpty()) {
        diagnose.add(Tasks.Diagnose.of(t, runsOfModel, spec.evaluation(), spec.diagnostics().lipschitzExamples()));
      }
    }
    Map<String, String> labels = new LinkedHashMap<>();
    train.forEach(t -> labels.put(t.key(), t.label()));
    attack.forEach(a -> labels.put(a.key(), a.attack().name()));
    Map<String, AttackParams> attacksByName = new LinkedHashMap<>();
    spec.attacks().forEach(a -> attacksByName.put(a.name(), a));
    Tasks.Summarise summarise = Tasks.Summarise.of(spec.name(), train.stream().map(Tasks.Train::key).toList(),
        mainRuns, diagnose.stream().map(Tasks.Diagnose::key).toList(), labels, attacksByName);
    // twins are trained like the spec's models but are not rows of the summary
    List<Tasks.Train> allTraining = new ArrayList<>(naturals);
    allTraining.addAll(train);
    allTraining.addAll(twins);

    List<StageTask> all = all(prepare, allTraining, attack, diagnose, summarise);
    rejectSharedKeys(all);

    List<Plan.Step> steps = new ArrayList<>();
    List<String> missing = new ArrayList<>();
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
    return new Plan(spec, cache, List.of(prepare), allTraining, attack, diagnose, summarise, steps);
  }

  /** The naturally trained version of an AT model: the same entry without the adversarial objective. */
  private static Tasks.Train natural(String datasetKey, ModelEntry m, long seed, List<Tasks.Train> train,
      List<Tasks.Train> naturals) {
    ModelEntry plain = new ModelEntry(m.name() + "-natural", m.model(), m.training().withAdversarial(null));
    Tasks.Train candidate = Tasks.Train.of(datasetKey, plain, seed);
    for (List<Tasks.Train> list : List.of(train, naturals)) {
      for (Tasks.Train x : list) {
        if (x.key().equals(candidate.key())) {
          return x;
        }
      }
    }
    naturals.add(candidate);
    return candidate;
  }

  /** @return whether the model has no caps (plain ReLU): it is its own ReLU twin */
  private static boolean withoutCaps(ModelEntry e) {
    return e.model().withActivation(ActivationKind.RELU).equals(e.model());
  }

  /**
   * The plain-ReLU twin of a model (same architecture, data, training and seed; no caps, so lambda
   * and the cap learning rate drop out): the source of a transfer attack. A twin the spec already
   * trains (an identical ReLU model) is that very task, found by its key.
   */
  private static Tasks.Train twin(Tasks.Train model, List<Tasks.Train> train, List<Tasks.Train> twins) {
    ModelEntry e = model.entry();
    if (withoutCaps(e)) {
      // a plain-ReLU model (natural, AT, TRADES) is its own twin: rebuilding it without its
      // starting point (AT continues a natural model) would train a different network for nothing
      return model;
    }
    ModelSpec relu = e.model().withActivation(ActivationKind.RELU);
    Tasks.Train candidate = Tasks.Train.of(model.datasetKey(), new ModelEntry(e.name() + "-relu-twin", relu, e.training()),
        model.seed());
    for (List<Tasks.Train> list : List.of(train, twins)) {
      for (Tasks.Train t : list) {
        if (t.key().equals(candidate.key())) {
          return t;
        }
      }
    }
    twins.add(candidate);
    return candidate;
  }

  private static List<StageTask> all(Tasks.Prepare prepare, List<Tasks.Train> train, List<Tasks.Attack> attack,
      List<Tasks.Diagnose> diagnose, Tasks.Summarise summarise) {
    List<StageTask> all = new ArrayList<>();
    all.add(prepare);
    all.addAll(train);
    all.addAll(attack);
    all.addAll(diagnose);
    all.add(summarise);
    return all;
  }

  /**
   * @return every attack to run on each model, in order: the spec's, the eps sweep's points (with
   *     their adaptive twins), and the doubled-budget reruns the diagnostics ask for
   */
  static List<Map.Entry<AttackParams, Diagnostics.Role>> runs(PipelineSpec spec) {
    List<Map.Entry<AttackParams, Diagnostics.Role>> main = new ArrayList<>();
    spec.attacks().forEach(a -> main.add(Map.entry(a, Diagnostics.Role.MAIN)));
    Map<AttackParams, Diagnostics.Role> runs = new LinkedHashMap<>();
    if (spec.sweep() != null) {
      for (double eps : spec.sweep().epsilons()) {
        runs.putIfAbsent(spec.sweep().at(eps, false), Diagnostics.Role.SWEEP);
        if (spec.sweep().straightThrough() && spec.sweep().attack().method().usesGradients()) {
          runs.putIfAbsent(spec.sweep().at(eps, true), Diagnostics.Role.SWEEP);
        }
      }
    }
    if (spec.diagnostics().enabled() && spec.diagnostics().doubleBudget()) {
      for (AttackParams a : spec.attacks()) {
        // iterations and restarts of the attacks that measure white-box robustness (PGD, APGD).
        // Not CW-L2: it searches for the smallest perturbation, so under a loose bound its success
        // grows with its search budget on every model alike, masked or not (seen on mnist-table-cpu,
        // where doubling CW's steps flagged even the plain ReLU nets)
        if (a instanceof Restartable r && r.steps() > 1) {
          runs.putIfAbsent(r.doubledBudget(), Diagnostics.Role.DOUBLED);
        }
      }
    }
    // the spec's attacks first, each as listed (a repeat is an error the caller reports)
    List<Map.Entry<AttackParams, Diagnostics.Role>> all = new ArrayList<>(main);
    runs.forEach((a, role) -> all.add(Map.entry(a, role)));
    return all;
  }

  /** Two tasks with one key would run the same work twice and race to commit it. */
  private static void rejectSharedKeys(List<StageTask> tasks) {
    Map<String, String> byKey = new LinkedHashMap<>();
    Set<String> clashingModels = new HashSet<>();
    List<String> clashes = new ArrayList<>();
    for (StageTask t : tasks) {
      String label = t.stage().key() + " " + t.label();
      String other = byKey.putIfAbsent(t.key(), label);
      if (other == null || (t instanceof Tasks.Attack a && clashingModels.contains(a.modelKey()))) {
        continue; // the attacks of two identical models clash too; naming the models says enough
      }
      if (t.stage() == Stage.TRAIN) {
        clashingModels.add(t.key());
      }
      clashes.add(other + " and " + label);
    }
    if (!clashes.isEmpty()) {
      throw new IllegalArgumentException("these tasks would compute the same artifact (same parameters and inputs): "
          + String.join("; ", clashes) + "; remove the duplicate from the spec or change what differs"
          + " (lambda and cap-learning-rate do not apply to models without D-ReLU)");
    }
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
    } else if (task.stage() == Stage.TRAIN && policy != StagePolicy.FORCE
        && Files.isDirectory(store.workDir(task.stage().key(), task.key()))) {
      // a forced run deletes the checkpoint and starts over (TrainStage)
      action = Plan.Action.RESUME;
      note = "checkpoint in " + store.workDir(task.stage().key(), task.key());
    } else {
      action = Plan.Action.RUN;
    }
    if (note.isEmpty() && task instanceof Tasks.Train t && t.entry().isExternal()) {
      note = "imports TorchScript " + t.entry().torchscript().path() + " (evaluated, not trained)";
    }
    return new Plan.Step(task.stage(), task.label(), task.key(), action, note);
  }
}
