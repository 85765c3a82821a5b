package dev.drelu.train;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one epoch measured. Losses are means over examples; the penalty is lambda * sum(m^2).
 *
 * @param capMean mean D-ReLU cap after the epoch (NaN without D-ReLU)
 * @param realRatio share of real images in the epoch's mix with generated data (NaN without)
 */
public record EpochMetrics(
    int epoch,
    double trainLoss,
    double trainCrossEntropy,
    double trainAccuracy,
    double validationLoss,
    double validationCrossEntropy,
    double validationAccuracy,
    double penalty,
    double learningRate,
    double capMean,
    double capMin,
    double capMax,
    double realRatio,
    double seconds)
    implements Serializable {

  /** @return the metrics by the names MLflow and the history file use */
  public Map<String, Double> asMap() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("train_loss", trainLoss);
    m.put("train_ce", trainCrossEntropy);
    m.put("train_accuracy", trainAccuracy);
    m.put("val_loss", validationLoss);
    m.put("val_ce", validationCrossEntropy);
    m.put("val_accuracy", validationAccuracy);
    m.put("penalty", penalty);
    m.put("learning_rate", learningRate);
    if (!Double.isNaN(capMean)) {
      m.put("cap_mean", capMean);
      m.put("cap_min", capMin);
      m.put("cap_max", capMax);
    }
    if (!Double.isNaN(realRatio)) {
      m.put("real_ratio", realRatio);
    }
    m.put("epoch_seconds", seconds);
    return m;
  }
}
