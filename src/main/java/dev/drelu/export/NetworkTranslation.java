package dev.drelu.export;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import dev.drelu.export.TorchScriptArchive.Module;
import dev.drelu.export.TorchScriptArchive.Tensor;
import dev.drelu.nn.CappedRelu;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.ModelFactory;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.SeededDropout;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates a drelu network into a TorchScript module tree, block by block, in the order the DJL
 * network runs them. The structure is read from the blocks {@link ModelFactory} builds for the
 * model's spec (the same builder the model was made by), the values from the model's parameters,
 * which come in the same order.
 *
 * <p>What each block becomes (evaluation semantics; the archive is saved in evaluation mode):
 * <ul>
 *   <li>Linear, Conv2d: {@code torch.nn}-style modules with {@code weight} and {@code bias}, in
 *       the layout both frameworks share (out x in; out x in x kh x kw); a conv's stride, padding,
 *       dilation and groups are read from the DJL block.
 *   <li>ReLU, batch flatten: {@code torch.relu}, {@code torch.flatten(x, 1)} (C, H, W order in both).
 *   <li>max pooling: 2x2 windows at stride 2, no padding, floor mode: the only pooling the Dense and
 *       Shallow CNN networks use. DJL's pooling block keeps its window inside a lambda, so this is
 *       the one fact taken from {@link ModelFactory} rather than read; the export's logit check
 *       catches any drift.
 *   <li>dropout: {@code torch.dropout(x, rate, self.training)}, the identity in evaluation mode.
 *   <li>D-ReLU: a {@code DReLU} module holding {@code cap}; forward
 *       {@code min(relu(x), relu(cap))}, i.e. the cap in use is {@code max(m, 0)} as in drelu, per
 *       unit after a dense layer and per channel ({@code DReLU2d}) after a conv layer.
 *   <li>S-ReLU: {@code torch.clamp(x, 0., cap)} with the fixed cap written exactly.
 * </ul>
 * Any other block is refused by name, so a network this class does not know is never half-translated.
 */
final class NetworkTranslation {
  private static final String LINEAR = "__torch__.torch.nn.modules.linear.Linear";
  private static final String CONV2D = "__torch__.torch.nn.modules.conv.Conv2d";
  private static final String DRELU = "__torch__.drelu.nn.DReLU";
  private static final String DRELU_2D = "__torch__.drelu.nn.DReLU2d";

  private final ModelSpec spec;
  private final Iterator<Parameter> values;
  private final Map<String, Module> children = new LinkedHashMap<>();
  private final List<String> body = new ArrayList<>();
  private final Map<String, Integer> counts = new HashMap<>();
  private final Map<String, Map<List<String>, String>> classes = new HashMap<>();
  private String current = "input";
  private int rank = 4; // images come in as N x C x H x W

  private NetworkTranslation(Classifier model) {
    this.spec = model.spec();
    this.values = model.parameters().iterator();
  }

  /**
   * @param model a network built from a spec ({@link Classifier#spec()} not null)
   * @param rootClass the root module's class, e.g. {@code __torch__.drelu.Dense}
   * @return the module tree whose forward computes the model's logits in evaluation mode
   * @throws IllegalArgumentException if the network holds a block this translation does not know
   */
  static Module of(Classifier model, String rootClass) {
    NetworkTranslation t = new NetworkTranslation(model);
    t.translate(ModelFactory.build(model.spec(), model.input()));
    if (t.values.hasNext()) {
      throw new IllegalStateException("the model has parameters the network's blocks do not account for, starting"
          + " with " + t.values.next().getName() + "; its block no longer matches its spec");
    }
    t.body.add("return " + t.current);
    return new Module(rootClass, Map.of(), t.children, t.body);
  }

  private void translate(Block block) {
    if (block instanceof SequentialBlock sequence) {
      for (Pair<String, Block> child : sequence.getChildren()) {
        translate(child.getValue());
      }
    } else if (block instanceof Linear) {
      Map<String, Tensor> p = new LinkedHashMap<>();
      p.put("weight", next("weight", 2));
      p.put("bias", next("bias", 1));
      call("fc", new Module(LINEAR, p, Map.of(), List.of("return torch.linear(input, self.weight, self.bias)")));
      rank = 2;
    } else if (block instanceof Conv2d conv) {
      conv(conv);
    } else if (block instanceof CappedRelu capped) {
      cap(capped);
    } else if (block instanceof SeededDropout) {
      if (spec.dropout() > 0) { // the network's one dropout is built from the spec's rate
        apply("torch.dropout(" + current + ", " + pythonFloat(spec.dropout()) + ", self.training)");
      }
    } else if (block instanceof LambdaBlock lambda) {
      switch (lambda.getName()) {
        case "ReLU" -> apply("torch.relu(" + current + ")");
        case "batchFlatten" -> {
          apply("torch.flatten(" + current + ", 1)");
          rank = 2;
        }
        case "maxPool2d" -> apply("torch.max_pool2d(" + current + ", [2, 2], [2, 2], [0, 0], [1, 1], False)");
        default -> throw unknown("DJL lambda block '" + lambda.getName() + "'");
      }
    } else {
      throw unknown(block.getClass().getSimpleName() + " block");
    }
  }

  private void conv(Conv2d conv) {
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("weight", next("weight", 4));
    String bias = "None";
    if (conv.isIncludeBias()) {
      p.put("bias", next("bias", 1));
      bias = "self.bias";
    }
    String forward = "return torch.conv2d(input, self.weight, " + bias + ", " + pair(conv.getStride().getShape()) + ", "
        + pair(conv.getPadding().getShape()) + ", " + pair(conv.getDilation().getShape()) + ", " + conv.getGroups() + ")";
    call("conv", new Module(className(CONV2D, List.of(forward)), p, Map.of(), List.of(forward)));
    rank = 4;
  }

  private void cap(CappedRelu capped) {
    if (capped.isDynamic()) {
      Tensor cap = next("cap", 1);
      if (cap.shape()[0] != capped.units()) {
        throw new IllegalStateException("a D-ReLU layer of " + capped.units() + " units holds " + cap.shape()[0]
            + " caps");
      }
      // drelu uses max(m, 0) as the cap (the authors' code), so relu(cap) here, not cap
      String forward = rank == 4
          ? "return torch.minimum(torch.relu(input), torch.reshape(torch.relu(self.cap), [1, -1, 1, 1]))"
          : "return torch.minimum(torch.relu(input), torch.relu(self.cap))";
      call("drelu", new Module(rank == 4 ? DRELU_2D : DRELU, Map.of("cap", cap), Map.of(), List.of(forward)));
    } else {
      apply("torch.clamp(" + current + ", 0., " + pythonFloat(capped.fixedCap()) + ")");
    }
  }

  /** The next parameter of the model, checked against what the block being translated declares. */
  private Tensor next(String name, int dimensions) {
    if (!values.hasNext()) {
      throw new IllegalStateException("the network's blocks need a " + name + " parameter the model does not have;"
          + " its block no longer matches its spec");
    }
    Parameter p = values.next();
    NDArray array = p.getArray();
    long[] shape = array.getShape().getShape();
    if (!p.getName().equals(name) || shape.length != dimensions) {
      throw new IllegalStateException("expected a " + dimensions + "-d " + name + " parameter next, but the model has "
          + p.getName() + " of shape " + Arrays.toString(shape) + "; its block no longer matches its spec");
    }
    return new Tensor(shape, array.toFloatArray());
  }

  /** Adds a submodule named after its kind and position (fc1, conv2, drelu1) and calls it. */
  private void call(String kind, Module module) {
    String name = kind + counts.merge(kind, 1, Integer::sum);
    children.put(name, module);
    apply("(self." + name + ").forward(" + current + ", )");
  }

  private void apply(String expression) {
    String next = "_" + body.size();
    body.add(next + " = " + expression);
    current = next;
  }

  /**
   * One TorchScript class has one source: modules of one kind whose code differs (another conv
   * geometry) get their own class, {@code Conv2d}, {@code Conv2d_1}, ..., as torch.jit mangles them.
   */
  private String className(String base, List<String> forward) {
    Map<List<String>, String> byCode = classes.computeIfAbsent(base, b -> new LinkedHashMap<>());
    return byCode.computeIfAbsent(forward, f -> byCode.isEmpty() ? base : base + "_" + byCode.size());
  }

  private static String pair(long[] values) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      s.append(i == 0 ? "" : ", ").append(values[i]);
    }
    return s.append(']').toString();
  }

  /**
   * A Python float literal that reads back as exactly {@code value}: the shortest decimal of the
   * double, in plain notation. A float32 value widened to double survives the trip unchanged, so
   * libtorch rounds it back to the very float drelu uses.
   */
  static String pythonFloat(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("a TorchScript literal must be finite, but was: " + value);
    }
    String plain = new BigDecimal(Double.toString(value)).toPlainString();
    return plain.contains(".") ? plain : plain + ".0";
  }

  private IllegalArgumentException unknown(String what) {
    return new IllegalArgumentException(spec.label() + ": the " + what + " has no TorchScript translation yet");
  }
}
