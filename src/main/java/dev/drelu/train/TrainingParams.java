package dev.drelu.train;

import dev.drelu.core.Checks;
import dev.drelu.core.Keyed;
import java.io.Serializable;
import java.util.Locale;

/**
 * How to train: the paper's defaults are in {@link #paper()}.
 *
 * @param maxEpochs stop after this many epochs at the latest (the paper: 2000)
 * @param batchSize examples per step (the paper does not say; Keras' default is 32)
 * @param learningRate Adam's learning rate (the paper: 1e-3)
 * @param lambda the balancer: weight of sum(m^2) over all D-ReLU caps in the loss
 * @param plateauFactor learning-rate factor when validation stalls (the paper: 0.5)
 * @param plateauPatience epochs without improvement before the rate drops (the paper: 5)
 * @param earlyStoppingPatience epochs without improvement before stopping (the paper: 10)
 * @param monitor which validation loss drives the schedule: total (CE + penalty, as Keras counts
 *     it) or ce (cross-entropy alone; a departure that lets early stopping fire while caps fall)
 * @param capLearningRate a separate learning rate for the caps, or 0 to use learningRate as the
 *     paper does (a departure from the paper when set)
 * @param seed seeds initialisation, shuffling and dropout
 * @param adversarial AT or TRADES, or null for natural training (left out of the cache key then,
 *     so natural models keep their keys)
 * @param channelsLast train a convolutional network with its inputs laid out channels-last
 *     (YAML {@code channels-last}, default false; {@link dev.drelu.nn.Classifier#setChannelsLast}):
 *     on CPU a tiny ResNet trained 1.4x-1.5x and a Shallow CNN 1.2x-1.4x as fast as in NCHW. It is not the
 *     default because the layouts differ in the last bits and training amplifies that: the
 *     quickstart's channels-last CNNs ended up to 3.4 points away from their NCHW twins in the
 *     table. So the layout is in a convolutional network's training key when on, and NCHW (left
 *     out of the key) keeps the keys and weights of every model trained before the option existed.
 *     A dense network ignores it ({@link dev.drelu.spec.ModelEntry} sets it false there)
 */
public record TrainingParams(
    int maxEpochs,
    int batchSize,
    double learningRate,
    double lambda,
    double plateauFactor,
    int plateauPatience,
    int earlyStoppingPatience,
    Monitor monitor,
    double capLearningRate,
    long seed,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    AdversarialTraining adversarial,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_DEFAULT)
    boolean channelsLast)
    implements Serializable {

  /** Natural training (no adversarial objective), NCHW. */
  public TrainingParams(int maxEpochs, int batchSize, double learningRate, double lambda, double plateauFactor,
      int plateauPatience, int earlyStoppingPatience, Monitor monitor, double capLearningRate, long seed) {
    this(maxEpochs, batchSize, learningRate, lambda, plateauFactor, plateauPatience, earlyStoppingPatience, monitor,
        capLearningRate, seed, null);
  }

  /** NCHW. */
  public TrainingParams(int maxEpochs, int batchSize, double learningRate, double lambda, double plateauFactor,
      int plateauPatience, int earlyStoppingPatience, Monitor monitor, double capLearningRate, long seed,
      AdversarialTraining adversarial) {
    this(maxEpochs, batchSize, learningRate, lambda, plateauFactor, plateauPatience, earlyStoppingPatience, monitor,
        capLearningRate, seed, adversarial, false);
  }

  /** Which validation loss the schedule watches. */
  public enum Monitor implements Keyed {
    TOTAL,
    CE;

    @Override
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public TrainingParams {
    Checks.atLeast("max-epochs", maxEpochs, 1);
    Checks.atLeast("batch-size", batchSize, 1);
    Checks.positive("learning-rate", learningRate);
    Checks.nonNegative("lambda", lambda);
    if (!(plateauFactor > 0 && plateauFactor < 1)) {
      throw Checks.invalid("plateau-factor", "must be in (0, 1), but was: " + plateauFactor);
    }
    Checks.atLeast("plateau-patience", plateauPatience, 1);
    Checks.atLeast("early-stopping-patience", earlyStoppingPatience, 1);
    Checks.nonNegative("cap-learning-rate", capLearningRate);
  }

  /** The paper's schedule with Keras' default batch size. */
  public static TrainingParams paper() {
    return new TrainingParams(2000, 32, 1e-3, 0, 0.5, 5, 10, Monitor.TOTAL, 0, 1);
  }

  /** @return the learning rate the caps start with */
  public double effectiveCapLearningRate() {
    return capLearningRate > 0 ? capLearningRate : learningRate;
  }

  public TrainingParams withSeed(long s) {
    return new TrainingParams(maxEpochs, batchSize, learningRate, lambda, plateauFactor,
        plateauPatience, earlyStoppingPatience, monitor, capLearningRate, s, adversarial, channelsLast);
  }

  public TrainingParams withMaxEpochs(int e) {
    return new TrainingParams(e, batchSize, learningRate, lambda, plateauFactor,
        plateauPatience, earlyStoppingPatience, monitor, capLearningRate, seed, adversarial, channelsLast);
  }

  /**
   * @param l the balancer
   * @param capRate the caps' own learning rate (0 = the main one)
   * @return the same schedule with other cap settings (a point of a lambda sweep; none for a net without caps)
   */
  public TrainingParams withCapSettings(double l, double capRate) {
    return new TrainingParams(maxEpochs, batchSize, learningRate, l, plateauFactor,
        plateauPatience, earlyStoppingPatience, monitor, capRate, seed, adversarial, channelsLast);
  }

  /** @return the same schedule with another objective (null = natural) */
  public TrainingParams withAdversarial(AdversarialTraining a) {
    return new TrainingParams(maxEpochs, batchSize, learningRate, lambda, plateauFactor,
        plateauPatience, earlyStoppingPatience, monitor, capLearningRate, seed, a, channelsLast);
  }

  /** @return the same schedule in the given layout */
  public TrainingParams withChannelsLast(boolean on) {
    return new TrainingParams(maxEpochs, batchSize, learningRate, lambda, plateauFactor,
        plateauPatience, earlyStoppingPatience, monitor, capLearningRate, seed, adversarial, on);
  }
}
