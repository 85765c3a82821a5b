package dev.drelu.nn;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.ParameterList;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A loaded TorchScript module that attacks can differentiate through: always in evaluation mode,
 * recording gradients exactly when the calling thread does ({@link Autograd}).
 *
 * <p>Why not DJL's {@link PtSymbolBlock} as it is: its evaluation-mode forward runs under
 * libtorch's no-grad guard, so no input gradient would ever exist, and its training-mode forward
 * also switches the module to training behaviour (dropout on, BatchNorm on batch statistics). This
 * block puts the module in evaluation mode once and calls it the way DJL calls it for training,
 * which leaves grad mode to the caller.
 */
final class TorchScriptBlock extends AbstractBlock {
  private final PtSymbolBlock module;

  TorchScriptBlock(PtSymbolBlock module) {
    this.module = module;
    JniUtils.enableInferenceMode(module); // module.eval()
  }

  /**
   * @throws UnsupportedOperationException for {@code training = true}: an external model is only
   *     evaluated
   */
  @Override
  protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
      PairList<String, Object> params) {
    if (training) {
      throw new UnsupportedOperationException("an external TorchScript model is only evaluated; drelu does not train it");
    }
    // "true" only lifts DJL's no-grad guard; the module itself stays in evaluation mode
    return IValueUtils.forward(module, inputs, true);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return module.getOutputShapes(inputShapes);
  }

  /** @return the module's parameters (frozen by DJL on load) */
  @Override
  public ParameterList getDirectParameters() {
    return module.getDirectParameters();
  }
}
