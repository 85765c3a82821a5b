package dev.drelu.train;

import static dev.drelu.nn.Scalars.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import dev.drelu.nn.Autograd;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Adam (Kingma &amp; Ba 2015) with Keras' epsilon (1e-7), kept here rather than taken from DJL for
 * two reasons: its moments can be saved in a checkpoint, so a resumed run continues exactly, and
 * the D-ReLU caps can get their own learning rate (a labelled departure from the paper). The
 * update itself is libtorch's fused Adam kernel ({@link FusedAdamKernel}), PyTorch's formula.
 *
 * <p>Moments that have decayed below {@link #TINY_MOMENT} are set to zero every {@link
 * #FLUSH_EVERY} steps. A weight whose gradient is zero for a while (a unit dropped or dead, a
 * pixel that is always black) keeps multiplying its first moment by 0.9, which within a few
 * hundred steps becomes a denormal float, and the CPU computes on denormals tens of times slower:
 * the same Adam step took 1.2 ms instead of 0.3 ms on the benchmark's Dense network after 600
 * steps (PyTorch's own Adam slows down the same way; {@code torch.set_flush_denormal} is its
 * cure, which Java cannot reach). From below 1e-30 a moment needs 175 steps to reach the
 * denormals, so a flush every 100 steps keeps them out; what it removes would change a weight by
 * less than 1e-26 (lr * m / eps), below the float rounding of any weight the network holds.
 *
 * <p>Gradients are read and then zeroed here: PyTorch accumulates parameter gradients across
 * backward calls, so a step that forgot to clear them would carry the last batch (or an
 * attack's backward pass) into the next.
 */
public final class Adam implements AutoCloseable {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-7;
  /** Moments smaller than this in magnitude are zeroed by the periodic flush. */
  static final double TINY_MOMENT = 1e-30;
  /** Steps between flushes: fewer than the 175 a moment needs to decay from TINY_MOMENT to a denormal. */
  static final int FLUSH_EVERY = 100;

  private final List<Parameter> parameters;
  /** Indices of the ordinary weights and of the D-ReLU caps: two parameter groups, two learning rates. */
  private final int[] ordinary;
  private final int[] caps;
  private final NDManager manager;
  private final List<NDArray> firstMoments = new ArrayList<>();
  private final List<NDArray> secondMoments = new ArrayList<>();
  private final FusedAdamKernel kernel;
  private long steps;

  /**
   * @param parameters the parameters to update; their arrays get requiresGradient
   * @param isCap which of them are D-ReLU caps (they use the cap learning rate)
   * @param owner the manager that owns the parameters; the moments live in a child of it
   */
  public Adam(List<Parameter> parameters, Predicate<Parameter> isCap, NDManager owner) {
    this.parameters = List.copyOf(parameters);
    this.manager = owner.newSubManager();
    for (int i = 0; i < parameters.size(); i++) {
      NDArray w = parameters.get(i).getArray();
      firstMoments.add(manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
      secondMoments.add(manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
    }
    this.ordinary = java.util.stream.IntStream.range(0, this.parameters.size())
        .filter(i -> !isCap.test(this.parameters.get(i))).toArray();
    this.caps = java.util.stream.IntStream.range(0, this.parameters.size())
        .filter(i -> isCap.test(this.parameters.get(i))).toArray();
    kernel = new FusedAdamKernel(manager, BETA1, BETA2, EPSILON);
    trackGradients();
  }

  /**
   * Marks every parameter's current array as needing a gradient. Loading parameters replaces
   * the arrays, so this runs again after a checkpoint is restored.
   */
  public void trackGradients() {
    parameters.forEach(p -> p.getArray().setRequiresGradient(true));
  }

  /**
   * One update of every parameter from its current gradient, then the gradients are zeroed.
   *
   * @param learningRate for the ordinary weights
   * @param capLearningRate for the D-ReLU caps
   */
  public void step(double learningRate, double capLearningRate) {
    steps++;
    // Every temporary made here (gradient handles, the step count) is closed with the scope; the
    // kernel updates weights and moments in place.
    try (NDScope scope = new NDScope(); Autograd off = Autograd.off()) {
      NDArray t = manager.create((float) steps);
      step(ordinary, t, learningRate);
      step(caps, t, capLearningRate);
      if (steps % FLUSH_EVERY == 0) {
        flushTinyMoments();
      }
      scope.suppressNotUsedWarning();
    }
  }

  /** One fused step of the parameters at {@code group} (indices into the parameter list). */
  private void step(int[] group, NDArray t, double learningRate) {
    List<NDArray> w = new ArrayList<>(group.length);
    List<NDArray> g = new ArrayList<>(group.length);
    List<NDArray> m = new ArrayList<>(group.length);
    List<NDArray> v = new ArrayList<>(group.length);
    for (int i : group) {
      // read each step: restoring a checkpoint replaces the parameters' arrays
      NDArray weight = parameters.get(i).getArray();
      w.add(weight);
      g.add(weight.getGradient());
      m.add(firstMoments.get(i));
      v.add(secondMoments.get(i));
    }
    kernel.step(w, g, m, v, t, learningRate);
  }

  /** Zeroes, in place, every moment entry below {@link #TINY_MOMENT} in magnitude (see the class comment). */
  private void flushTinyMoments() {
    for (List<NDArray> moments : List.of(firstMoments, secondMoments)) {
      for (NDArray m : moments) {
        m.muli(m.abs().gte(scalar(m, TINY_MOMENT)).toType(m.getDataType(), false));
      }
    }
  }

  /** @return how many steps have been taken */
  public long steps() {
    return steps;
  }

  /** Writes the step count and both moments, in parameter order. */
  public void save(OutputStream out) throws IOException {
    try (NDArray stepCount = manager.create(new long[] {steps})) { // closed: one per checkpoint would pile up
      NDList all = new NDList();
      all.add(stepCount);
      all.addAll(firstMoments);
      all.addAll(secondMoments);
      all.encode(out);
    }
  }

  /**
   * Restores what {@link #save} wrote.
   *
   * @throws IOException if the saved state does not match these parameters
   */
  public void load(InputStream in) throws IOException {
    NDList all = NDList.decode(manager, in);
    int n = parameters.size();
    if (all.size() != 1 + 2 * n) {
      throw new IOException("optimizer state holds " + all.size() + " arrays, expected " + (1 + 2 * n));
    }
    steps = all.get(0).toLongArray()[0];
    for (int i = 0; i < n; i++) {
      NDArray m = all.get(1 + i);
      NDArray v = all.get(1 + n + i);
      if (!m.getShape().equals(firstMoments.get(i).getShape())) {
        throw new IOException("optimizer state for parameter " + parameters.get(i).getName()
            + " has shape " + m.getShape() + ", expected " + firstMoments.get(i).getShape());
      }
      firstMoments.get(i).set(m.toByteBuffer());
      secondMoments.get(i).set(v.toByteBuffer());
    }
    all.close();
  }

  @Override
  public void close() {
    kernel.close();
    manager.close();
  }
}
