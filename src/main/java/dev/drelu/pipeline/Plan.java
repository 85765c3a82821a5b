package dev.drelu.pipeline;

import dev.drelu.spec.PipelineSpec;
import dev.drelu.store.CacheKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Every task of a pipeline execution with its key and what will happen to it. Computed before
 * anything runs, so {@code drelu plan} can show it and bad cache requests fail early.
 */
public record Plan(
    PipelineSpec spec,
    CacheControl cache,
    List<Tasks.Prepare> prepare,
    List<Tasks.Train> train,
    List<Tasks.Attack> attack,
    List<Tasks.Diagnose> diagnose,
    Tasks.Summarise summarise,
    List<Step> steps) {

  public Plan {
    prepare = List.copyOf(prepare);
    train = List.copyOf(train);
    attack = List.copyOf(attack);
    diagnose = List.copyOf(diagnose);
    steps = List.copyOf(steps);
    // the summary joins results to models by the tasks that made them, never by input-key order
    summarise = summarise.withModelsOf(attack, diagnose);
  }

  /** What happens to one task. */
  public enum Action {
    /** A cached artifact is reused. */
    REUSE,
    /** Computed: not cached. */
    RUN,
    /** Computed although cached (--force, --from, --no-cache). */
    FORCED,
    /** Computed: the cached copy does not match its manifest. */
    REPLACE_CORRUPT,
    /** Resumes from a checkpoint left by an interrupted run. */
    RESUME,
    /** Not part of this execution (--only). */
    SKIP
  }

  /** One row of the plan. */
  public record Step(Stage stage, String label, String key, Action action, String note) {}

  /** @return the number of tasks that will compute */
  public long toCompute() {
    return steps.stream().filter(s -> s.action() != Action.REUSE && s.action() != Action.SKIP).count();
  }

  /** @return the number of tasks whose cached artifact is reused */
  public long reused() {
    return steps.stream().filter(s -> s.action() == Action.REUSE).count();
  }

  /** @return the number of tasks left out of this execution (--only) */
  public long skipped() {
    return steps.stream().filter(s -> s.action() == Action.SKIP).count();
  }

  /**
   * @param verb "to compute" before a run, "computed" after it
   * @return e.g. "3 of 10 tasks to compute, 7 reused" or, under --only, "1 of 10 tasks to compute,
   *     0 reused, 9 skipped by --only prepare": skipped tasks are not reused, so they
   *     are counted apart
   */
  public String tally(String verb) {
    String text = toCompute() + " of " + steps.size() + " tasks " + verb + ", " + reused() + " reused";
    if (skipped() > 0) {
      text += ", " + skipped() + " skipped" + (cache.only() == null ? "" : " by --only " + cache.only().key());
    }
    return text;
  }

  /** @return the plan as an aligned text table */
  public String render() {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"STAGE", "TASK", "KEY", "ACTION", ""});
    for (Step s : steps) {
      rows.add(new String[] {s.stage().key(), s.label(), CacheKey.shortForm(s.key()),
          s.action().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'), s.note()});
    }
    int[] width = new int[5];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        out.append(String.format("%-" + (width[i] + 2) + "s", r[i]));
      }
      out.setLength(out.length() - 2);
      out.append(System.lineSeparator());
    }
    out.append(tally("will compute")).append('.').append(System.lineSeparator());
    String aliases = aliases();
    if (!aliases.isEmpty()) {
      out.append(aliases).append(System.lineSeparator());
    }
    return out.toString().replaceAll(" +\n", "\n");
  }

  /**
   * @return a line naming the attacks that have no task of their own (they are another attack's
   *     work, {@link Tasks.AttackRun#alias}), or "" if there are none
   */
  String aliases() {
    java.util.Map<String, String> modelOfKey = new java.util.HashMap<>();
    attack.forEach(a -> modelOfKey.put(a.key(), a.modelLabel()));
    java.util.Set<String> runs = new java.util.LinkedHashSet<>();
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    java.util.Set<String> models = new java.util.LinkedHashSet<>();
    List<Tasks.AttackRun> all = new ArrayList<>(summarise.attackRuns());
    diagnose.forEach(d -> all.addAll(d.runs()));
    for (Tasks.AttackRun r : all) {
      String model = modelOfKey.getOrDefault(r.key(), "?");
      if (r.alias() && runs.add(r.attack().name() + " on " + model)) {
        names.add(r.attack().name());
        models.add(model);
      }
    }
    return runs.isEmpty() ? "" : runs.size() + " attack(s) need no task of their own: they are the same work as"
        + " another attack of their model (on a model without caps, straight-through and transfer attacks are the"
        + " plain attack) and read its result (" + String.join(", ", names) + " on " + String.join(", ", models) + ").";
  }
}
