package dev.drelu.train;

import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.Placement;
import java.io.Serializable;

/**
 * What a trained network is, as the statistics compare it (their "method"): its capped activation
 * (S-ReLU with its fixed cap), where that layer sits, its training objective (TRADES with its
 * beta) and D-ReLU's lambda. It follows from the network's spec and training, never from the
 * model's name, which is only a label.
 *
 * @param fixedCap S-ReLU's cap; NaN for the other activations
 * @param adversarial AT or TRADES; null for natural training
 * @param beta TRADES' weight of the KL term; NaN for the other objectives
 * @param lambda D-ReLU's balancer; NaN without D-ReLU (the others have no caps to penalise)
 */
public record ModelMethod(ActivationKind activation, double fixedCap, Placement placement,
    AdversarialTraining.Method adversarial, double beta, double lambda) implements Serializable {

  /** @return the method of a network built from {@code model} and trained with {@code training} */
  public static ModelMethod of(ModelSpec model, TrainingParams training) {
    AdversarialTraining adv = training.adversarial();
    return new ModelMethod(model.activation(),
        model.activation() == ActivationKind.SRELU ? model.fixedCap() : Double.NaN,
        model.placement(),
        adv == null ? null : adv.method(),
        adv != null && adv.method() == AdversarialTraining.Method.TRADES ? adv.beta() : Double.NaN,
        model.activation() == ActivationKind.DRELU ? training.lambda() : Double.NaN);
  }

  /**
   * @return the method without its lambda: "relu", "drelu", "srelu-m1", "drelu@input-conv";
   *     adversarial training appends its objective ("drelu-at", "drelu-trades-6"), except that
   *     the paper's baselines, plain ReLU networks trained adversarially, are named by the
   *     objective alone ("at", "trades-6")
   */
  public String family() {
    String net = activation.key() + (activation == ActivationKind.SRELU ? "-m" + compact(fixedCap) : "")
        + (placement == Placement.HEAD ? "" : "@" + placement.key());
    if (adversarial == null) {
      return net;
    }
    String objective = adversarial == AdversarialTraining.Method.TRADES ? "trades-" + compact(beta) : adversarial.key();
    return activation == ActivationKind.RELU && placement == Placement.HEAD ? objective : net + "-" + objective;
  }

  /**
   * @return the family with D-ReLU's lambda, written as a lambda sweep names its models
   *     ("drelu-lambda0.001", "drelu-lambda1.0E-7"); the family alone without D-ReLU
   */
  public String familyWithLambda() {
    return activation == ActivationKind.DRELU ? family() + "-lambda" + lambda : family();
  }

  /** @return 6.0 as "6", 0.5 as "0.5": how a spec writes a beta or a cap */
  private static String compact(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
