package dev.drelu.attack;

import ai.djl.ndarray.NDArray;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.Losses;

/** The gradient of the summed cross-entropy with respect to the input, in evaluation mode. */
final class InputGradient {
  private InputGradient() {}

  /**
   * @param straightThrough use BPDA through the caps for this gradient only
   * @return dL/dx, same shape as x, on x's manager
   */
  static NDArray crossEntropy(Classifier model, NDArray x, NDArray y, boolean straightThrough) {
    NDArray input = x.duplicate();
    input.setRequiresGradient(true);
    model.setStraightThrough(straightThrough);
    try (Autograd autograd = Autograd.record()) {
      NDArray loss = Losses.crossEntropy(model.forward(input, false), y).sum();
      autograd.backward(loss);
      NDArray grad = input.getGradient().duplicate();
      return grad;
    } finally {
      model.setStraightThrough(false);
    }
  }
}
