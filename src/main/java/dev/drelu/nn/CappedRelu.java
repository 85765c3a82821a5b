package dev.drelu.nn;

import static dev.drelu.nn.Scalars.scalar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * A ReLU whose output is capped: {@code max(0, min(m, x))} (Sooksatra &amp; Rivas 2024).
 *
 * <ul>
 *   <li>S-ReLU: m is a fixed constant.
 *   <li>D-ReLU: m is a learnable parameter, one per unit of a dense layer or per channel of a conv
 *       layer. As in the authors' code the cap used in the forward pass is {@code max(m, 0)}.
 * </ul>
 *
 * <p>Gradients: d/dx is 1 on (0, m) and 0 elsewhere; d/dm is 1 where x &gt; m. Once the caps are
 * small most inputs sit above them and the input gradient is exactly zero: gradient masking.
 * The straight-through mode (BPDA) keeps the exact forward pass and passes ReLU's gradient
 * backwards, which is what an adaptive attacker does.
 */
public final class CappedRelu extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int units;
  private final boolean perChannel;
  private final float fixedCap;
  private final Parameter cap;
  private GradientSurrogate surrogate = GradientSurrogate.EXACT;

  private CappedRelu(int units, boolean perChannel, float fixedCap, Float initialCap) {
    super(VERSION);
    this.units = units;
    this.perChannel = perChannel;
    this.fixedCap = fixedCap;
    if (initialCap == null) {
      this.cap = null;
    } else {
      this.cap =
          addParameter(
              Parameter.builder()
                  .setName("cap")
                  .setType(Parameter.Type.OTHER)
                  .optShape(new Shape(units))
                  .optInitializer(new ConstantInitializer(initialCap))
                  .build());
    }
  }

  /**
   * A D-ReLU layer.
   *
   * @param units units of the dense layer, or channels of the conv layer, it follows
   * @param perChannel true after a conv layer (input N x C x H x W), false after a dense layer
   * @param initialCap the caps' starting value (the paper: 100)
   */
  public static CappedRelu dynamic(int units, boolean perChannel, float initialCap) {
    return new CappedRelu(units, perChannel, Float.NaN, initialCap);
  }

  /**
   * An S-ReLU layer with a fixed cap.
   *
   * @param cap the constant maximum output, positive
   */
  public static CappedRelu fixed(int units, boolean perChannel, float cap) {
    if (!(cap > 0)) {
      throw new IllegalArgumentException("cap must be positive, but was: " + cap);
    }
    return new CappedRelu(units, perChannel, cap, null);
  }

  /** @return true for D-ReLU (learnable caps) */
  public boolean isDynamic() {
    return cap != null;
  }

  /** @return the learnable cap parameter (D-ReLU only) */
  public Parameter capParameter() {
    if (cap == null) {
      throw new IllegalStateException("an S-ReLU layer has no learnable cap");
    }
    return cap;
  }

  /** @return the fixed cap of an S-ReLU layer (NaN for D-ReLU) */
  public float fixedCap() {
    return fixedCap;
  }

  /** @return the number of units or channels */
  public int units() {
    return units;
  }

  /**
   * Switches the straight-through (BPDA) backward pass on or off. The forward pass is unchanged.
   */
  public void setStraightThrough(boolean on) {
    setSurrogate(on ? GradientSurrogate.STRAIGHT_THROUGH : GradientSurrogate.EXACT);
  }

  /** Sets what the backward pass differentiates; the forward pass is unchanged. */
  public void setSurrogate(GradientSurrogate surrogate) {
    this.surrogate = java.util.Objects.requireNonNull(surrogate, "surrogate");
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray relu = x.maximum(scalar(x, 0));
    NDArray capped;
    NDArray limit;
    if (cap == null) {
      limit = scalar(relu, fixedCap);
      capped = relu.minimum(limit);
    } else {
      NDArray m = store.getValue(cap, x.getDevice(), training).maximum(scalar(x, 0));
      // Results of ops on a parameter belong to the model's manager; move this one to the
      // batch's, or it would stay alive for the model's whole life (one leak per step).
      m.attach(x.getManager());
      NDArray broadcastable = perChannel ? m.reshape(1, units, 1, 1) : m.reshape(1, units);
      limit = broadcastable;
      capped = relu.minimum(broadcastable);
    }
    if (surrogate instanceof GradientSurrogate.StraightThrough) {
      // forward: capped; backward: d relu / dx
      capped = relu.add(capped.sub(relu).stopGradient());
    } else if (surrogate instanceof GradientSurrogate.SoftCap soft) {
      // forward: capped; backward: d/dx of T softplus(x/T) - T softplus((x - m)/T)
      NDArray t = scalar(x, soft.temperature());
      NDArray smooth = Activation.softPlus(x.div(t)).sub(Activation.softPlus(x.sub(limit).div(t))).mul(t);
      capped = smooth.add(capped.sub(smooth).stopGradient());
    }
    return new NDList(capped);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  @Override
  public String toString() {
    return (isDynamic() ? "DReLU" : "SReLU(" + fixedCap + ")") + "[" + units + "]";
  }
}
