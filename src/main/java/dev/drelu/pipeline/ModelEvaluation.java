package dev.drelu.pipeline;

import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.Diagnostics;
import dev.drelu.attack.Norm;
import dev.drelu.attack.ThreatModel;
import dev.drelu.store.ArtifactStore;
import dev.drelu.store.CacheKey;
import dev.drelu.store.Manifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One trained model's sound robustness evaluation in one ball, as the store holds it: what a
 * leaderboard entry ({@code drelu export --format robustbench}) publishes. It is read from a
 * diagnose artifact of the model, which names every attack result of one run on it: the robust
 * accuracy is the per-example worst case over that run's spec attacks in the ball (sweep points and
 * doubled-budget reruns are diagnostics, not the evaluation), and the masking verdict is that
 * diagnosis's.
 *
 * <p>Sound means: the run holds the standard preset's three methods ({@link #REQUIRED}, as
 * AutoAttack's standard version does), and no attack of the paper's protocol counts (those attack
 * a softmax output, {@code model-output: softmax}, and are never mixed with sound ones).
 *
 * @param modelKey the trained model's store key
 * @param threatModel the ball
 * @param cleanAccuracy accuracy on the attacked examples without attack
 * @param robustAccuracy share correct clean and under every attack of the ball
 * @param examples how many examples were attacked
 * @param sampling how they were chosen ({@link dev.drelu.attack.EvaluationParams#sampling()})
 * @param attacks the attacks' names, sorted
 * @param attackKeys their store keys (every shard), sorted
 * @param diagnoseKey the diagnosis the evaluation was read from
 * @param masking the diagnosis's verdict
 */
public record ModelEvaluation(String modelKey, ThreatModel threatModel, double cleanAccuracy, double robustAccuracy,
    int examples, String sampling, List<String> attacks, List<String> attackKeys, String diagnoseKey,
    Diagnostics.Report masking) {
  /** The methods a sound evaluation must hold (the standard preset: params/attacks/standard-*). */
  public static final List<String> REQUIRED = List.of("apgd-ce", "apgd-t", "square");

  /** The attack setting that marks the paper's protocol (an attack on softmax outputs). */
  static final String PAPER_PROTOCOL_KEY = "model-output";

  public ModelEvaluation {
    attacks = List.copyOf(attacks);
    attackKeys = List.copyOf(attackKeys);
  }

  /** One spec attack of one diagnosed run: its name, method, ball and shards. */
  private record RunAttack(String name, String method, ThreatModel ball, boolean paperProtocol,
      List<String> shardKeys) {}

  /**
   * @param threatModel the ball to report ("Linf 0.3"), or empty to take the only ball with a sound
   *     evaluation
   * @throws IllegalArgumentException when the model has no sound evaluation (in that ball), or
   *     several balls have one and none was chosen: the message says what ran and what to do
   */
  public static ModelEvaluation find(ArtifactStore store, String modelKey, Optional<String> threatModel)
      throws IOException {
    String model = CacheKey.shortForm(modelKey);
    List<Manifest> diagnoses = store.list().stream()
        .filter(m -> m.stage().equals(Stage.DIAGNOSE.key()) && !m.inputKeys().isEmpty()
            && m.inputKeys().get(0).equals(modelKey)) // Tasks.Diagnose: the model comes first
        .sorted(Comparator.comparing(Manifest::key)).toList();
    if (diagnoses.isEmpty()) {
      throw new IllegalArgumentException("model " + model + " has no diagnosed evaluation in the store "
          + store.location() + ": run a spec with this model, the standard preset's attacks"
          + " (params/attacks/standard-mnist/ or standard-cifar/) and diagnostics on");
    }
    // every (diagnosis, ball) with a sound evaluation; the one with the most attacks wins
    Map<String, List<RunAttack>> best = new TreeMap<>();
    Map<String, String> bestDiagnosis = new TreeMap<>();
    Map<String, TreeSet<String>> seen = new TreeMap<>(); // methods that ran per ball, for the error
    for (Manifest d : diagnoses) {
      Map<String, List<RunAttack>> byBall = new LinkedHashMap<>();
      for (RunAttack a : specAttacks(store, d)) {
        seen.computeIfAbsent(a.ball().label(), k -> new TreeSet<>()).add(a.method());
        if (!a.paperProtocol()) {
          byBall.computeIfAbsent(a.ball().label(), k -> new ArrayList<>()).add(a);
        }
      }
      byBall.forEach((ball, list) -> {
        boolean sound = list.stream().map(RunAttack::method).toList().containsAll(REQUIRED);
        if (sound && list.size() > best.getOrDefault(ball, List.of()).size()) {
          best.put(ball, list);
          bestDiagnosis.put(ball, d.key());
        }
      });
    }
    String ball = chooseBall(model, best.keySet(), seen, threatModel);
    List<RunAttack> attacks = best.get(ball);
    List<AttackOutcome> outcomes = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (RunAttack a : attacks) {
      List<AttackOutcome> shards = new ArrayList<>();
      for (String key : a.shardKeys()) {
        shards.add(AttackResult.read(store, key).outcome());
        keys.add(key);
      }
      outcomes.add(AttackOutcome.concat(shards));
    }
    String diagnoseKey = bestDiagnosis.get(ball);
    Manifest diagnosis = diagnoses.stream().filter(m -> m.key().equals(diagnoseKey)).findFirst().orElseThrow();
    return new ModelEvaluation(modelKey, attacks.get(0).ball(), outcomes.get(0).summary().cleanAccuracy(),
        RobustnessMeasures.worstCase(outcomes), outcomes.get(0).size(), sampling(diagnosis),
        attacks.stream().map(RunAttack::name).sorted().toList(), keys.stream().sorted().toList(), diagnoseKey,
        Diagnosis.read(store, diagnoseKey).report());
  }

  private static String chooseBall(String model, java.util.Set<String> sound, Map<String, TreeSet<String>> seen,
      Optional<String> wanted) {
    if (wanted.isPresent()) {
      if (sound.contains(wanted.get())) {
        return wanted.get();
      }
      TreeSet<String> ran = seen.get(wanted.get());
      throw new IllegalArgumentException("model " + model + " has no sound evaluation at " + wanted.get() + ": "
          + (ran == null ? "no attack ran in that ball (balls with attacks: " + String.join(", ", seen.keySet()) + ")"
              : "it needs " + String.join(", ", REQUIRED) + ", and only " + String.join(", ", ran) + " ran")
          + "; run the standard preset (params/attacks/standard-mnist/ or standard-cifar/) at that bound");
    }
    if (sound.size() == 1) {
      return sound.iterator().next();
    }
    if (sound.isEmpty()) {
      StringBuilder ran = new StringBuilder();
      seen.forEach((b, methods) -> ran.append(ran.length() == 0 ? "" : "; ").append(b).append(": ")
          .append(String.join(", ", methods)));
      throw new IllegalArgumentException("model " + model + " has no sound evaluation: it needs "
          + String.join(", ", REQUIRED) + " (without model-output: softmax) in one ball, and what ran was " + ran
          + "; run the standard preset (params/attacks/standard-mnist/ or standard-cifar/) on it");
    }
    throw new IllegalArgumentException("model " + model + " has sound evaluations in " + sound.size() + " balls ("
        + String.join(", ", sound) + "); choose one with --threat-model, e.g. --threat-model '"
        + sound.iterator().next() + "'");
  }

  /** @return the run's spec attacks (role MAIN), their shards joined, in key order */
  private static List<RunAttack> specAttacks(ArtifactStore store, Manifest diagnosis) throws IOException {
    Object roles = diagnosis.params().get("roles");
    Map<String, RunAttack> byName = new TreeMap<>();
    Map<String, Map<Integer, String>> shards = new TreeMap<>();
    if (!(roles instanceof Map<?, ?> r)) {
      return List.of();
    }
    for (Map.Entry<?, ?> e : r.entrySet()) {
      if (!Diagnostics.Role.MAIN.name().equals(e.getValue())) {
        continue;
      }
      String key = e.getKey().toString();
      Manifest attack = store.open(Stage.ATTACK.key(), key).manifest();
      Map<?, ?> settings = (Map<?, ?>) attack.params().get("attack");
      String name = settings.get("name").toString();
      ThreatModel ball = new ThreatModel(Norm.parse(settings.get("norm").toString()),
          ((Number) settings.get("epsilon")).doubleValue());
      boolean paper = settings.containsKey(PAPER_PROTOCOL_KEY) && !"logits".equals(settings.get(PAPER_PROTOCOL_KEY));
      byName.putIfAbsent(name, new RunAttack(name, settings.get("method").toString(), ball, paper, List.of()));
      int shard = attack.params().get("shard") instanceof Number n ? n.intValue() : 0;
      shards.computeIfAbsent(name, k -> new TreeMap<>()).put(shard, key);
    }
    List<RunAttack> out = new ArrayList<>();
    byName.forEach((name, a) -> out.add(new RunAttack(name, a.method(), a.ball(), a.paperProtocol(),
        List.copyOf(shards.get(name).values()))));
    return out;
  }

  private static String sampling(Manifest diagnosis) {
    return diagnosis.params().get("evaluation") instanceof Map<?, ?> e && e.get("sampling") != null
        ? e.get("sampling").toString() : "unknown";
  }
}
