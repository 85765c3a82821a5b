package dev.drelu.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.drelu.nn.Autograd;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.GradientSurrogate;
import dev.drelu.nn.Losses;

/**
 * The one place gradient attacks get input gradients: a per-example loss on the logits, summed,
 * differentiated with respect to the input, in evaluation mode.
 *
 * <p>Gradients are recorded in an {@link Autograd} scope (PyTorch's per-thread grad mode), never
 * with DJL's GradientCollector, so attacks on several Beam worker threads do not collide. Every
 * temporary of the forward and backward pass (activations, the graph) is freed before returning;
 * only the three results survive, so an attack's loop does not pile up a graph per step.
 */
final class InputGradient {
  private InputGradient() {}

  /** A loss per example computed from N x K logits (labels, targets etc. are captured). */
  @FunctionalInterface
  interface PerExampleLoss {
    /** @return N losses; the attack ascends their sum */
    NDArray apply(NDArray logits);
  }

  /**
   * What one gradient evaluation yields, all detached from the graph and on the input's manager.
   *
   * @param logits N x K logits at the input
   * @param loss N per-example losses at the input
   * @param gradient d(sum of losses)/dx, same shape as the input
   */
  record Evaluation(NDArray logits, NDArray loss, NDArray gradient) implements AutoCloseable {
    @Override
    public void close() {
      logits.close();
      loss.close();
      gradient.close();
    }
  }

  /**
   * One forward and backward pass (one query per example).
   *
   * @param loss the per-example loss whose sum is differentiated
   * @param straightThrough use BPDA through the caps for this gradient only; the forward pass, and
   *     so the logits and the loss, stay exact
   * @return logits, per-example loss and input gradient, on x's manager; if an {@link NDScope} is
   *     open they belong to it, as any other array made here would
   */
  static Evaluation of(Classifier model, NDArray x, PerExampleLoss loss, boolean straightThrough) {
    return of(model, x, loss, straightThrough ? GradientSurrogate.STRAIGHT_THROUGH : GradientSurrogate.EXACT);
  }

  /**
   * One forward and backward pass (one query per example) whose backward pass follows
   * {@code surrogate} through the caps; the forward pass, and so the logits and the loss, stay exact.
   *
   * @return logits, per-example loss and input gradient, as {@link #of(Classifier, NDArray,
   *     PerExampleLoss, boolean)}
   */
  static Evaluation of(Classifier model, NDArray x, PerExampleLoss loss, GradientSurrogate surrogate) {
    NDManager owner = x.getManager();
    NDArray logits;
    NDArray perExample;
    NDArray gradient;
    try (NDScope scope = new NDScope()) {
      NDArray input = x.duplicate();
      input.setRequiresGradient(true);
      model.setGradientSurrogate(surrogate);
      try (Autograd autograd = Autograd.record()) {
        NDArray out = model.forward(input, false);
        NDArray values = loss.apply(out);
        autograd.backward(values.sum());
        logits = out.stopGradient();
        perExample = values.stopGradient();
        gradient = input.getGradient().duplicate();
      } finally {
        model.setGradientSurrogate(GradientSurrogate.EXACT);
      }
      NDScope.unregister(logits, perExample, gradient);
    }
    // hand the results to the caller's scope (if any): arrays unregistered from the inner scope
    // would otherwise belong to no scope and outlive the caller's loop iteration
    for (NDArray a : new NDArray[] {logits, perExample, gradient}) {
      a.attach(owner);
      NDScope.register(a);
    }
    return new Evaluation(logits, perExample, gradient);
  }

  /**
   * @param straightThrough use BPDA through the caps for this gradient only
   * @return d(summed cross-entropy)/dx, same shape as x, on x's manager
   */
  static NDArray crossEntropy(Classifier model, NDArray x, NDArray y, boolean straightThrough) {
    Evaluation e = of(model, x, logits -> Losses.crossEntropy(logits, y), straightThrough);
    e.logits().close();
    e.loss().close();
    return e.gradient();
  }
}
