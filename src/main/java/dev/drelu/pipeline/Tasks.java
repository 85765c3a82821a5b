package dev.drelu.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.drelu.attack.AttackParams;
import dev.drelu.attack.Diagnostics;
import dev.drelu.attack.EvaluationParams;
import dev.drelu.data.DatasetParams;
import dev.drelu.spec.ModelEntry;
import dev.drelu.store.CacheKey;
import dev.drelu.store.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The task records of each stage and how their keys are computed. */
public final class Tasks {
  private Tasks() {}

  private static final TypeReference<TreeMap<String, Object>> MAP = new TypeReference<>() {};

  /** @return a record as a plain sorted map (the form that is hashed and logged) */
  static Map<String, Object> asMap(Object record) {
    return Json.CANONICAL.convertValue(record, MAP);
  }

  static String keyOf(Stage stage, Map<String, Object> params, List<String> inputs) {
    return CacheKey.of(stage.key(), stage.version(), params, inputs);
  }

  /** Read a source and split it. The source is identified by its content fingerprint, not its path. */
  public record Prepare(String key, DatasetParams dataset, String fingerprint) implements StageTask {
    static Prepare of(DatasetParams d, String fingerprint) {
      Prepare draft = new Prepare("", d, fingerprint);
      return new Prepare(keyOf(Stage.PREPARE, draft.params(), List.of()), d, fingerprint);
    }

    @Override
    public Stage stage() {
      return Stage.PREPARE;
    }

    @Override
    public String label() {
      return dataset.name();
    }

    @Override
    public Map<String, Object> params() {
      Map<String, Object> p = new LinkedHashMap<>(asMap(dataset));
      p.remove("path"); // where the files are does not change what they hold
      p.remove("name"); // nor does the label a table shows
      p.put("source_sha256", fingerprint);
      return p;
    }

    @Override
    public List<String> inputKeys() {
      return List.of();
    }
  }

  /**
   * Train one model with one seed on a prepared dataset; or, for an external model, import its
   * TorchScript file into the store (checked against the dataset, never trained).
   *
   * @param seed the training seed; 0 for an external model, which no seed changes
   * @param initFromKey a trained model to start from (AT as the paper runs it continues the
   *     natural model), or null to start from fresh weights
   */
  public record Train(String key, String datasetKey, ModelEntry entry, long seed, String initFromKey)
      implements StageTask {
    static Train of(String datasetKey, ModelEntry entry, long seed) {
      return of(datasetKey, entry, seed, null);
    }

    /** The import of an external model: one task whatever the seeds, keyed by the file's content. */
    static Train imported(String datasetKey, ModelEntry entry) {
      if (!entry.isExternal()) {
        throw new IllegalArgumentException("only an external model is imported, but " + entry.name() + " is trained");
      }
      return of(datasetKey, entry, 0, null);
    }

    static Train of(String datasetKey, ModelEntry entry, long seed, String initFromKey) {
      Train draft = new Train("", datasetKey, entry, seed, initFromKey);
      return new Train(keyOf(Stage.TRAIN, draft.params(), draft.inputKeys()), datasetKey, entry, seed, initFromKey);
    }

    @Override
    public Stage stage() {
      return Stage.TRAIN;
    }

    @Override
    public String label() {
      return entry.isExternal() ? entry.name() : entry.name() + " s" + seed;
    }

    @Override
    public Map<String, Object> params() {
      Map<String, Object> p = new TreeMap<>();
      if (entry.isExternal()) {
        p.put("torchscript", asMap(entry.torchscript())); // the content hash; the path is left out
        return p;
      }
      p.put("model", asMap(entry.model()));
      p.put("training", asMap(entry.training().withSeed(seed)));
      return p;
    }

    @Override
    public List<String> inputKeys() {
      return initFromKey == null ? List.of(datasetKey) : List.of(datasetKey, initFromKey);
    }
  }

  /**
   * Run one attack on one trained model over one shard of the test set.
   *
   * @param sourceModelKey the model the perturbations are crafted on: the attacked model itself,
   *     or its plain-ReLU twin for a transfer attack
   * @param shard 0-based shard of the attacked examples ({@link EvaluationParams#shards} in all)
   */
  public record Attack(String key, String modelKey, String datasetKey, String modelLabel, String sourceModelKey,
      AttackParams attack, EvaluationParams evaluation, int shard, Diagnostics.Role role) implements StageTask {
    static Attack of(Train model, String sourceModelKey, AttackParams attack, EvaluationParams asSpecified, int shard,
        Diagnostics.Role role) {
      EvaluationParams evaluation = inLayoutOf(model, asSpecified);
      Attack draft = new Attack("", model.key(), model.datasetKey(), model.label(), sourceModelKey, attack, evaluation,
          shard, role);
      return new Attack(keyOf(Stage.ATTACK, draft.params(), draft.inputKeys()), model.key(), model.datasetKey(),
          model.label(), sourceModelKey, attack, evaluation, shard, role);
    }

    @Override
    public Stage stage() {
      return Stage.ATTACK;
    }

    @Override
    public String label() {
      return attack.name() + " on " + modelLabel
          + (evaluation.shards() > 1 ? " [" + (shard + 1) + "/" + evaluation.shards() + "]" : "");
    }

    @Override
    public Map<String, Object> params() {
      Map<String, Object> p = new TreeMap<>();
      p.put("attack", attack.keyContent()); // the method's own settings, by their YAML keys
      // the batch size is left out: per-example results do not depend on it
      p.put("evaluation", evaluated(evaluation));
      p.put("shard", shard);
      p.put("shards", evaluation.shards());
      // the role (spec attack, sweep point, doubled budget) is left out: the same attack is the same work
      return p;
    }

    /** @return the attacked model first (the summary relies on it), then the data, then a transfer source */
    @Override
    public List<String> inputKeys() {
      return sourceModelKey.equals(modelKey) ? List.of(modelKey, datasetKey) : List.of(modelKey, datasetKey, sourceModelKey);
    }

    /**
     * @return whether this task computes what {@code other} computes: the same model, data,
     *     source, shard and settings. The name is only the label the results carry ({@link
     *     AttackRun} gives each role its own), so a sweep point equal to a spec attack is that
     *     attack. On a model without caps ({@code withoutCaps}) more is the same: straight-through
     *     gradients are the model's own (no cap to pass through) and the transfer from its ReLU
     *     twin (the model itself, {@link #sourceModelKey}) is the plain attack
     */
    boolean sameWork(Attack other, boolean withoutCaps) {
      return modelKey.equals(other.modelKey) && sourceModelKey.equals(other.sourceModelKey)
          && datasetKey.equals(other.datasetKey) && shard == other.shard && evaluation.equals(other.evaluation)
          && work(attack, withoutCaps).equals(work(other.attack, withoutCaps));
    }

    private static Map<String, Object> work(AttackParams a, boolean withoutCaps) {
      Map<String, Object> k = new TreeMap<>(a.keyContent());
      k.remove("name");
      if (withoutCaps) {
        k.replace("straight-through", false);
        k.replace("source", dev.drelu.attack.AttackSource.SELF.key());
      }
      return k;
    }
  }

  /**
   * One attack of one model as the diagnose and summarise stages see it: its parameters (so its
   * name) and role, and the key of the attack artifact that holds its per-example results.
   *
   * <p>Work is computed once ({@link Attack#sameWork}): an attack that differs from another of its
   * model only by name (a sweep point equal to a spec attack), or on a model without caps only by
   * straight-through gradients or the transfer from the model's own ReLU twin, is an alias of that
   * task ({@code alias}: it reads its artifact under its own name).
   */
  public record AttackRun(String key, AttackParams attack, Diagnostics.Role role, boolean alias)
      implements java.io.Serializable {
    /** @return the results of this run, from its artifact, under this run's own name */
    dev.drelu.attack.AttackOutcome outcome(dev.drelu.store.ArtifactStore store) throws java.io.IOException {
      return AttackResult.read(store, key).outcome().named(attack.name());
    }

    /** @return the aliases among {@code runs} as (key, name) pairs, for a stage's key */
    static List<List<String>> aliases(List<AttackRun> runs) {
      return runs.stream().filter(AttackRun::alias).map(r -> List.of(r.key(), r.attack().name())).toList();
    }

    /** @return the distinct artifact keys of {@code runs}, in order */
    static List<String> keys(List<AttackRun> runs) {
      return runs.stream().map(AttackRun::key).distinct().toList();
    }
  }

  /**
   * @return {@code evaluation} as it applies to {@code model}: channels-last only for a
   *     convolutional network drelu built, the one kind whose passes it changes (a dense network
   *     flattens its input first; an external TorchScript file is run as given), so a dense or
   *     external model's keys do not depend on the switch
   */
  static EvaluationParams inLayoutOf(Train model, EvaluationParams evaluation) {
    return evaluation.withChannelsLast(evaluation.channelsLast() && model.entry().isConvolutional());
  }

  /**
   * @return which test examples a task evaluates, as its parameters show it (manifest, MLflow
   *     {@code evaluation.sampling}); the batch size is left out, results do not depend on it. The
   *     layout is there only when it is channels-last, so the keys of NCHW attacks (the default, every
   *     attack made before the layout existed, and every dense model's) stay what they were.
   */
  private static Map<String, Object> evaluated(EvaluationParams evaluation) {
    Map<String, Object> e = new TreeMap<>();
    e.put("examples", evaluation.examples());
    e.put("sampling", evaluation.sampling());
    if (evaluation.channelsLast()) {
      e.put("layout", "channels-last");
    }
    return e;
  }

  /**
   * Run the gradient-masking checks on one model's attack results.
   *
   * @param runs the model's attacks in plan order, aliases included (each role is a check's input)
   * @param lipschitzExamples how many examples get a local Lipschitz estimate (0: none)
   */
  public record Diagnose(String key, String modelKey, String datasetKey, String modelLabel, List<AttackRun> runs,
      EvaluationParams evaluation, int lipschitzExamples) implements StageTask {
    static Diagnose of(Train model, List<AttackRun> runs, EvaluationParams asSpecified, int lipschitzExamples) {
      EvaluationParams evaluation = inLayoutOf(model, asSpecified);
      Diagnose draft = new Diagnose("", model.key(), model.datasetKey(), model.label(), runs, evaluation,
          lipschitzExamples);
      return new Diagnose(keyOf(Stage.DIAGNOSE, draft.params(), draft.inputKeys()), model.key(), model.datasetKey(),
          model.label(), runs, evaluation, lipschitzExamples);
    }

    public Diagnose {
      runs = List.copyOf(runs);
    }

    /** @return the attack artifacts read, each once */
    public List<String> attackKeys() {
      return AttackRun.keys(runs);
    }

    @Override
    public Stage stage() {
      return Stage.DIAGNOSE;
    }

    @Override
    public String label() {
      return modelLabel;
    }

    @Override
    public Map<String, Object> params() {
      Map<String, Object> p = new TreeMap<>();
      p.put("evaluation", evaluated(evaluation));
      Map<String, String> r = new TreeMap<>();
      runs.stream().filter(run -> !run.alias()).forEach(run -> r.put(run.key(), run.role().name()));
      p.put("roles", r);
      p.put("lipschitz-examples", lipschitzExamples);
      List<List<String>> aliases = runs.stream().filter(AttackRun::alias)
          .map(run -> List.of(run.key(), run.attack().name(), run.role().name())).toList();
      if (!aliases.isEmpty()) {
        p.put("aliases", aliases); // only when there are any: the keys of models with caps stay as they were
      }
      return p;
    }

    /** @return the model first, then the data, then every attack result */
    @Override
    public List<String> inputKeys() {
      List<String> all = new java.util.ArrayList<>(List.of(modelKey, datasetKey));
      all.addAll(attackKeys());
      return all;
    }
  }

  /**
   * Combine every model's training and attack results into the pipeline's table.
   *
   * @param modelOf the model each attack result and diagnosis belongs to, by its key: the
   *     artifacts do not say, and their input keys' order is no contract. Known from the attack
   *     and diagnose tasks ({@link #withModelsOf}); it adds nothing to the key, whose inputs
   *     already hold every key
   */
  public record Summarise(String key, String pipeline, List<String> modelKeys, List<AttackRun> attackRuns,
      List<String> diagnoseKeys, Map<String, String> labels, Map<String, AttackParams> attacks,
      Map<String, String> modelOf) implements StageTask {
    /**
     * @param attacks the spec's attacks by name: their threat models decide which attacks share a
     *     worst case (the attack keys already hold them, so they add nothing to this key)
     */
    static Summarise of(String pipeline, List<String> modelKeys, List<AttackRun> attackRuns, List<String> diagnoseKeys,
        Map<String, String> labels, Map<String, AttackParams> attacks) {
      Summarise draft = new Summarise("", pipeline, modelKeys, attackRuns, diagnoseKeys, labels, attacks, Map.of());
      return new Summarise(keyOf(Stage.SUMMARISE, draft.params(), draft.inputKeys()), pipeline, modelKeys,
          attackRuns, diagnoseKeys, labels, attacks, Map.of());
    }

    public Summarise {
      modelKeys = List.copyOf(modelKeys);
      attackRuns = List.copyOf(attackRuns);
      diagnoseKeys = List.copyOf(diagnoseKeys);
      labels = Map.copyOf(labels);
      attacks = Map.copyOf(attacks);
      modelOf = Map.copyOf(modelOf);
    }

    /**
     * @return this task knowing which model each of its attack results and diagnoses belongs to;
     *     the key is unchanged
     */
    Summarise withModelsOf(List<Attack> attackTasks, List<Diagnose> diagnoseTasks) {
      Map<String, String> owners = new java.util.HashMap<>();
      attackTasks.forEach(a -> owners.put(a.key(), a.modelKey()));
      diagnoseTasks.forEach(d -> owners.put(d.key(), d.modelKey()));
      owners.keySet().retainAll(new java.util.HashSet<>(inputKeys()));
      return new Summarise(key, pipeline, modelKeys, attackRuns, diagnoseKeys, labels, attacks, owners);
    }

    /** @return the attack artifacts read, each once */
    public List<String> attackKeys() {
      return AttackRun.keys(attackRuns);
    }

    /**
     * @param key an attack result's or a diagnosis's key
     * @return the key of the model it belongs to
     * @throws IllegalStateException if this task was not told ({@link #withModelsOf})
     */
    String modelOf(String key) {
      String model = modelOf.get(key);
      if (model == null) {
        throw new IllegalStateException("summarise " + pipeline + ": no model is known for input "
            + CacheKey.shortForm(key) + "; the plan attaches them (Plan, Summarise.withModelsOf)");
      }
      return model;
    }

    @Override
    public Stage stage() {
      return Stage.SUMMARISE;
    }

    @Override
    public String label() {
      return pipeline;
    }

    @Override
    public Map<String, Object> params() {
      Map<String, Object> p = new TreeMap<>();
      p.put("pipeline", pipeline);
      p.put("labels", new TreeMap<>(labels)); // the table shows names; renaming redoes only this cheap stage
      List<List<String>> aliases = AttackRun.aliases(attackRuns);
      if (!aliases.isEmpty()) {
        p.put("aliases", aliases); // the columns that read another attack's artifact, by their names
      }
      return p;
    }

    @Override
    public List<String> inputKeys() {
      List<String> all = new java.util.ArrayList<>(modelKeys);
      all.addAll(attackKeys());
      all.addAll(diagnoseKeys);
      return all;
    }
  }
}
