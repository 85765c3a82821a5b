package dev.drelu.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import dev.drelu.export.TorchScriptArchive;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * libtorch's fused Adam step ({@code aten::_fused_adam_}, what {@code torch.optim.Adam(fused=True)}
 * runs), reached through a one-method TorchScript module that drelu writes itself.
 *
 * <p>Why: DJL exposes neither the fused kernel nor the ops PyTorch's own unfused Adam is made of
 * (lerp, addcmul, addcdiv). Written from DJL's element-wise ops, one step cost 15 passes over every
 * parameter and 8 parameter-sized allocations, about three times PyTorch's Adam, and a third of a
 * training step (the profile behind issue #12). The fused kernel reads the weight, gradient and
 * both moments once and writes them once, and one call updates a whole group of parameters. It
 * computes PyTorch's Adam: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
 * w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps); the gradients are then zeroed.
 */
final class FusedAdamKernel implements AutoCloseable {
  /**
   * The module's code, as TorchScript's printer would write it: one fused step of a parameter
   * group, then its gradients zeroed (PyTorch adds each backward pass to them).
   */
  private static TorchScriptArchive.Module module(double beta1, double beta2, double epsilon) {
    String step = String.format(Locale.ROOT, "torch._fused_adam_(params, grads, exp_avgs, exp_avg_sqs,"
        + " annotate(List[Tensor], []), steps, lr=lr, beta1=%s, beta2=%s, weight_decay=0., eps=%s,"
        + " amsgrad=False, maximize=False)", Double.toString(beta1), Double.toString(beta2), Double.toString(epsilon));
    return new TorchScriptArchive.Module("__torch__.drelu.FusedAdam", Map.of(), Map.of(),
        List.of(step, "torch._foreach_zero_(grads)", "return None"),
        "params: List[Tensor],\n    grads: List[Tensor],\n    exp_avgs: List[Tensor],\n"
            + "    exp_avg_sqs: List[Tensor],\n    steps: List[Tensor],\n    lr: float) -> NoneType");
  }

  private final PtSymbolBlock block;

  /** Loads the module onto {@code manager}'s device. */
  FusedAdamKernel(NDManager manager, double beta1, double beta2, double epsilon) {
    byte[] archive = TorchScriptArchive.bytes("fused_adam", module(beta1, beta2, epsilon), false);
    try {
      block = JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(archive), true, false);
    } catch (IOException e) {
      throw new UncheckedIOException("libtorch could not load drelu's fused Adam module: " + e.getMessage(), e);
    }
  }

  /**
   * One Adam step of a parameter group, in place, then the group's gradients zeroed.
   *
   * @param weights the parameters' arrays
   * @param gradients their gradients, in the same order
   * @param firstMoments m, in the same order
   * @param secondMoments v, in the same order
   * @param step the step number t (1 for the first step): a float32 scalar on the parameters' device
   * @param learningRate the group's learning rate
   */
  void step(List<NDArray> weights, List<NDArray> gradients, List<NDArray> firstMoments, List<NDArray> secondMoments,
      NDArray step, double learningRate) {
    if (weights.isEmpty()) {
      return;
    }
    PtNDArray[] steps = new PtNDArray[weights.size()];
    java.util.Arrays.fill(steps, (PtNDArray) step); // the kernel reads t once per parameter
    IValue[] inputs = {list(weights), list(gradients), list(firstMoments), list(secondMoments),
        IValue.listFrom(steps), IValue.from(learningRate)};
    try {
      IValueUtils.forward(block, inputs).close();
    } finally {
      for (IValue v : inputs) {
        v.close();
      }
    }
  }

  private static IValue list(List<NDArray> arrays) {
    return IValue.listFrom(arrays.stream().map(a -> (PtNDArray) a).toArray(PtNDArray[]::new));
  }

  @Override
  public void close() {
    block.close();
  }
}
