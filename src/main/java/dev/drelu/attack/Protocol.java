package dev.drelu.attack;

import dev.drelu.core.Keyed;

/**
 * Which evaluation a run follows. Numbers of the two never meet in one statistic: a faithful
 * rerun of the paper's code is weaker by design, and a test pooling its accuracies with sound ones
 * would compare two measuring sticks, not two methods. MLflow runs carry it as
 * {@code drelu.protocol}.
 */
public enum Protocol implements Keyed {
  /** A sound evaluation: attacks on logits at their reference budgets (the default). */
  SOUND("sound"),
  /** The paper authors' evaluation, deviations included ({@code params/attacks/paper-protocol/}). */
  PAPER("paper");

  /** The MLflow tag every run of a pipeline carries. */
  public static final String TAG = "drelu.protocol";

  private final String key;

  Protocol(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static Protocol parse(String key) {
    return Keyed.parse(Protocol.class, "protocol", key);
  }
}
