package dev.drelu.train;

import ai.djl.ndarray.NDArray;
import dev.drelu.attack.PgdParams;
import dev.drelu.nn.Batches;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Losses;

/**
 * Madry et al. (2018) adversarial training: cross-entropy on Linf PGD examples (random start)
 * crafted against the current model in evaluation mode. The parameters are frozen while the
 * examples are crafted, so the attack's backward passes leave no gradient in them.
 */
final class PgdTraining implements Objective {
  private final AdversarialTraining settings;

  PgdTraining(AdversarialTraining settings) {
    this.settings = settings;
  }

  @Override
  public Result loss(Classifier model, NDArray x, NDArray y, long batchSeed) {
    PgdParams pgd = PgdParams.builder().epsilon(settings.epsilon()).steps(settings.steps())
        .stepSize(settings.stepSize()).seed(batchSeed).build();
    NDArray adversarial = model.withFrozenParameters(() ->
        pgd.newAttack().perturb(model, x, y, Batches.allRows((int) x.getShape().get(0))).adversarial().stopGradient());
    NDArray logits = model.forward(adversarial, true);
    return new Result(Losses.crossEntropy(logits, y).mean(), logits);
  }
}
