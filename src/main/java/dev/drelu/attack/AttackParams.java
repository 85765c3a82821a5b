package dev.drelu.attack;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One attack configuration: its threat model (a norm ball of radius epsilon around the input,
 * intersected with [0, 1]) and the settings of its method, each method family a record holding
 * only what it uses: {@link FgsmParams}, {@link PgdParams}, {@link ApgdParams} (CE, DLR and
 * targeted), {@link CwL2Params} and {@link SquareParams}. The gradient methods share BPDA and the
 * transfer source ({@link GradientAttack}).
 *
 * <p>What identifies an attack in the cache is said explicitly by {@link #keyContent}, not by
 * whatever a JSON mapper would write.
 */
public sealed interface AttackParams extends Serializable
    permits GradientAttack, SquareParams {
  /**
   * What an attack's (and a model's) name may hold: names become MLflow metric and parameter
   * names and table columns, and MLflow refuses most other characters.
   */
  String NAME_PATTERN = "[a-z0-9][a-z0-9_.-]*";

  /**
   * The version of {@link #keyContent}'s form, written into it: bump it when the same settings
   * would give other content, so attack artifacts of the old form are simply not reused.
   */
  int KEY_FORMAT = 1;

  /** @return the label in tables and column names, e.g. "pgd" or "pgd-bpda" */
  String name();

  AttackMethod method();

  /** @return the norm ball this attack stays in: its worst case is taken with attacks of the same one */
  ThreatModel threatModel();

  /** @return seeds all randomness; each example's draws depend only on (seed, its index) */
  long seed();

  default Norm norm() {
    return threatModel().norm();
  }

  /** @return the bound in [0, 1] pixel units (L2: the Euclidean length of the perturbation) */
  default double epsilon() {
    return threatModel().epsilon();
  }

  /** @return true if gradients pass through caps as if they were plain ReLUs (BPDA); never for Square */
  default boolean straightThrough() {
    return false;
  }

  /**
   * @return which gradient the attack follows through the caps; PGD and APGD can follow a soft
   *     cap, the others only the exact or the straight-through one (their {@link #straightThrough})
   */
  default SurrogateSchedule surrogate() {
    return SurrogateSchedule.of(straightThrough());
  }

  /** @return the model the perturbations are crafted on; Square always queries the model itself */
  default AttackSource source() {
    return AttackSource.SELF;
  }

  /**
   * @return what the attack takes for the logits: {@link ModelOutput#LOGITS} (sound) or softmax
   *     probabilities (the paper's protocol); verdicts always use the model's own argmax
   */
  ModelOutput modelOutput();

  /** @return the same attack under another name */
  AttackParams withName(String name);

  /** @return the same attack at another bound (PGD keeps its step in proportion) */
  AttackParams withEpsilon(double epsilon);

  /**
   * @return what identifies this attack's work: its own settings by their YAML keys, plus
   *     {@code method} and {@code key-format} ({@link #KEY_FORMAT}); sorted, so it hashes the
   *     same way every time. The attack stage's cache key and MLflow parameters are made from it.
   */
  Map<String, Object> keyContent();

  /** @return a new instance of the attack these parameters describe */
  Attack newAttack();

  /** @return a builder of {@code method}'s parameters, holding its reference defaults */
  static AttackBuilder<?> builder(AttackMethod method) {
    return switch (method) {
      case FGSM -> FgsmParams.builder();
      case PGD -> PgdParams.builder();
      case APGD_CE, APGD_DLR, APGD_T -> ApgdParams.builder(method);
      case CW_L2 -> CwL2Params.builder();
      case SQUARE -> SquareParams.builder();
    };
  }

  /** @return the YAML keys {@code method} takes, {@code method} included, from its builder's settings */
  static List<String> keys(AttackMethod method) {
    List<String> keys = new ArrayList<>(List.of("method"));
    builder(method).settings().forEach(s -> keys.add(s.key()));
    return List.copyOf(keys);
  }

  /** @return every key some method takes */
  static Set<String> allKeys() {
    Set<String> all = new LinkedHashSet<>();
    for (AttackMethod m : AttackMethod.values()) {
      all.addAll(keys(m));
    }
    return all;
  }
}
