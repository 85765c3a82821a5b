package dev.drelu.train;

import static dev.drelu.nn.Scalars.scalar;

import ai.djl.ndarray.NDArray;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Losses;
import java.util.SplittableRandom;

/**
 * TRADES (Zhang et al. 2019): {@code CE(f(x), y) + beta * KL(p(x) || p(x_adv))}, with x_adv
 * maximising the KL term by Linf PGD from {@code x + 0.001 * N(0, 1)} (the reference's start),
 * crafted in evaluation mode with the parameters frozen; both forward passes of the loss are in
 * training mode. The KL is summed over classes and averaged over the batch, as the reference's
 * {@code KLDivLoss(size_average=False) / batch_size} is.
 */
final class Trades implements Objective {
  private final AdversarialTraining settings;

  Trades(AdversarialTraining settings) {
    this.settings = settings;
  }

  @Override
  public Result loss(Classifier model, NDArray x, NDArray y, long batchSeed) {
    NDArray adversarial = model.withFrozenParameters(() -> craft(model, x, batchSeed));
    NDArray natural = model.forward(x, true);
    NDArray robust = model.forward(adversarial, true);
    NDArray loss = Losses.crossEntropy(natural, y).mean().add(kl(natural, robust).mul(scalar(natural, settings.beta())));
    return new Result(loss, natural);
  }

  /** @return mean over the batch of KL(softmax(p) || softmax(q)), from logits */
  static NDArray kl(NDArray pLogits, NDArray qLogits) {
    NDArray logP = pLogits.logSoftmax(1);
    NDArray logQ = qLogits.logSoftmax(1);
    return logP.exp().mul(logP.sub(logQ)).sum(new int[] {1}).mean();
  }

  private NDArray craft(Classifier model, NDArray x, long seed) {
    float eps = (float) settings.epsilon();
    NDArray target;
    try (Autograd off = Autograd.off()) {
      target = model.forward(x, false).stopGradient();
    }
    NDArray adv = x.add(noise(x, seed)).clip(0f, 1f);
    for (int step = 0; step < settings.steps(); step++) {
      NDArray input = adv.duplicate();
      input.setRequiresGradient(true);
      NDArray grad;
      try (Autograd autograd = Autograd.record()) {
        autograd.backward(kl(target, model.forward(input, false)));
        grad = input.getGradient().duplicate();
      }
      adv = adv.add(grad.sign().mul(scalar(x, settings.stepSize()))).maximum(x.sub(scalar(x, eps))).minimum(x.add(scalar(x, eps))).clip(0f, 1f);
    }
    return adv.stopGradient();
  }

  /** 0.001 * N(0, 1), drawn from the batch's seed (PyTorch's generator is shared by all workers). */
  private static NDArray noise(NDArray x, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] n = new float[(int) x.size()];
    for (int i = 0; i < n.length; i++) {
      double u = 1 - r.nextDouble();
      double v = r.nextDouble();
      n[i] = (float) (0.001 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
    }
    return x.getManager().create(n, x.getShape()).toDevice(x.getDevice(), false);
  }
}
