package dev.drelu.pipeline;

import dev.drelu.core.Keyed;

/**
 * The stages in pipeline order. The version is part of every cache key: bump it when a
 * stage's output would change for the same inputs (a fixed bug, a new file format).
 *
 * <p>Last bumps: prepare 2 takes class-stratified limits instead of the first rows; train 3, attack 2
 * and diagnose 2 no longer read constants out of freed memory (Scalars); attack 2 and diagnose 2
 * evaluate a stratified sample; summarise 2 has one worst case per threat model. attack 3: the
 * attack's part of the key is its method's own settings by YAML key (AttackParams.keyContent),
 * no longer the JSON form of a union record; the results are the same, the keys are not.
 * summarise 3: the report's statistics name each model's method from what it is (ModelMethod),
 * not from its name, so the quickstart's D-ReLU rows read "drelu" where they read "drelu-quick".
 *
 * train 4: MobileNetV2's ReLU6 no longer reads its 6 out of freed memory in backward (DJL's
 * relu6 passed a Java number; Layers.relu6); every later key follows, since it names the model's.
 *
 * diagnose 3: diagnostics.json gains the stronger-attack-family check (adaptive attacks as a family
 * against the plain ones, per example), and the diagnosis adds empirical local Lipschitz estimates
 * (lipschitz.json); summarise 4: the table shows them (a "lipschitz" column).
 *
 * train 5: Adam's update is libtorch's fused kernel (PyTorch's formula and rounding, train/FusedAdamKernel)
 * instead of drelu's own sequence of element-wise ops: the same method, other last bits, so other
 * weights after many steps.
 *
 * <p>The typed stage outputs (issue #11) write the files and manifest summary their stages wrote
 * before, so they bumped nothing by themselves.
 */
public enum Stage implements Keyed {
  PREPARE("prepare", 2),
  TRAIN("train", 5),
  ATTACK("attack", 3),
  DIAGNOSE("diagnose", 3),
  SUMMARISE("summarise", 4);

  private final String key;
  private final int version;

  Stage(String key, int version) {
    this.key = key;
    this.version = version;
  }

  /** @return the name on the command line, in the store and in MLflow */
  @Override
  public String key() {
    return key;
  }

  public int version() {
    return version;
  }

  /** @throws IllegalArgumentException naming the stages */
  public static Stage parse(String name) {
    return Keyed.parse(Stage.class, "stage", name);
  }
}
