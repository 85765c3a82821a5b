package dev.drelu.attack;

import dev.drelu.core.Keyed;

/**
 * What an attack takes for the model's logits. A sound evaluation attacks the logits. The
 * paper's code attacked a network that ended in softmax with a from-logits loss, so its attacks
 * saw softmax(logits) as "logits" and applied softmax twice: the probabilities of a confident
 * model sit near 0 and 1, where a second softmax is nearly flat, and the gradients vanish (a
 * deviation the paper-protocol preset reproduces, labelled as one). Verdicts never change: the
 * argmax of softmax(z) is the argmax of z.
 */
public enum ModelOutput implements Keyed {
  /** The network's logits (sound). */
  LOGITS("logits"),
  /** softmax(logits) handed to the attack as its logits (the paper's protocol). */
  SOFTMAX("softmax");

  private final String key;

  ModelOutput(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** @throws IllegalArgumentException naming the accepted values */
  public static ModelOutput parse(String key) {
    return Keyed.parse(ModelOutput.class, "model-output", key);
  }
}
