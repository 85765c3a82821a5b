package dev.drelu.export;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import dev.drelu.export.TorchScriptArchive.Module;
import dev.drelu.export.TorchScriptArchive.Tensor;
import dev.drelu.nn.Architecture;
import dev.drelu.nn.CappedRelu;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.InputShape;
import dev.drelu.nn.ModelFactory;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.SeededDropout;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates a drelu network into a TorchScript module tree, block by block, in the order the DJL
 * network runs them. The structure is read from the blocks {@link ModelFactory} builds for the
 * model's spec (the builder the model was made by); the values are the model's own, every stored
 * parameter included (BatchNorm's running statistics too), loaded into those blocks from the
 * model's saved parameters, so each block's values are found by the block's own parameter names.
 *
 * <p>What each block becomes (evaluation semantics; the archive is saved in evaluation mode):
 * <ul>
 *   <li>Linear, Conv2d: {@code torch.nn}-style modules with {@code weight} and {@code bias}, in
 *       the layout both frameworks share (out x in; out x in/groups x kh x kw); a conv's stride,
 *       padding, dilation and groups are read from the DJL block.
 *   <li>BatchNorm: a module with weight, bias, running mean and variance, normalising with the
 *       running statistics and DJL's epsilon (1e-5, the default every drelu network keeps).
 *   <li>ReLU, ReLU6, batch flatten, global max pooling: {@code torch.relu}, {@code clamp(x, 0, 6)},
 *       {@code torch.flatten(x, 1)} (C, H, W order in both), {@code torch.amax(x, [2, 3])}.
 *   <li>max pooling: 2x2 windows at stride 2, no padding, floor mode: the only window the Shallow
 *       CNN uses. DJL's pooling block keeps its window inside a lambda, so this is the one fact
 *       taken from {@link ModelFactory} rather than read; the export's logit check catches any drift.
 *   <li>two parallel branches: their sum, in the backbones whose only parallel block is a residual
 *       connection ({@link #RESIDUAL}); the join is a lambda too, and checked the same way.
 *   <li>dropout: {@code torch.dropout(x, rate, self.training)}, the identity in evaluation mode.
 *   <li>D-ReLU: a {@code DReLU} module holding {@code cap}; forward
 *       {@code min(relu(x), relu(cap))}, i.e. the cap in use is {@code max(m, 0)} as in drelu, per
 *       unit after a dense layer and per channel ({@code DReLU2d}) after a conv layer.
 *   <li>S-ReLU: {@code torch.clamp(x, 0., cap)} with the fixed cap written exactly.
 * </ul>
 * Any other block is refused by name, so a network this class does not know is never half-translated.
 */
final class NetworkTranslation {
  /**
   * The backbones whose parallel blocks are all residual sums ({@code Layers.residual});
   * InceptionV3 concatenates its branches and hides its pooling windows in lambdas.
   */
  static final Set<Architecture> RESIDUAL = EnumSet.of(Architecture.RESNET50, Architecture.RESNET101,
      Architecture.MOBILENETV2);

  /** DJL's BatchNorm epsilon (its builder's default, which drelu's networks keep) as a float, widened. */
  private static final double BATCH_NORM_EPSILON = 1e-5f;

  private static final String LINEAR = "__torch__.torch.nn.modules.linear.Linear";
  private static final String CONV2D = "__torch__.torch.nn.modules.conv.Conv2d";
  private static final String BATCH_NORM = "__torch__.torch.nn.modules.batchnorm.BatchNorm2d";
  private static final String DRELU = "__torch__.drelu.nn.DReLU";
  private static final String DRELU_2D = "__torch__.drelu.nn.DReLU2d";

  private final ModelSpec spec;
  private final Map<String, Module> children = new LinkedHashMap<>();
  private final List<String> body = new ArrayList<>();
  private final Map<String, Integer> counts = new HashMap<>();
  private final Map<String, Map<List<String>, String>> classes = new HashMap<>();
  private String current = "input";
  private int rank = 4; // images come in as N x C x H x W

  private NetworkTranslation(ModelSpec spec) {
    this.spec = spec;
  }

  /**
   * @param model a network built from a spec ({@link Classifier#spec()} not null)
   * @param rootClass the root module's class, e.g. {@code __torch__.drelu.Dense}
   * @return the module tree whose forward computes the model's logits in evaluation mode
   * @throws IllegalArgumentException if the network holds a block this translation does not know
   * @throws IOException if the model's parameters cannot be passed through a temporary file
   */
  static Module of(Classifier model, String rootClass) throws IOException {
    InputShape in = model.input();
    Block block = ModelFactory.build(model.spec(), in);
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      block.initialize(manager, DataType.FLOAT32, new Shape(1, in.channels(), in.height(), in.width()));
      load(model, block, manager);
      NetworkTranslation t = new NetworkTranslation(model.spec());
      t.translate(block);
      t.body.add("return " + t.current);
      return new Module(rootClass, Map.of(), t.children, t.body);
    }
  }

  /**
   * Gives {@code block} the model's values: the classifier's public parameter list leaves out
   * BatchNorm's running statistics, its saved parameters hold them all.
   */
  private static void load(Classifier model, Block block, NDManager manager) throws IOException {
    Path file = Files.createTempFile("drelu-export-", ".params");
    try {
      model.save(file);
      try (InputStream is = Files.newInputStream(file);
          DataInputStream data = new DataInputStream(new BufferedInputStream(is))) {
        block.loadParameters(manager, data);
      } catch (MalformedModelException e) {
        throw new IllegalStateException(model.spec().label() + ": the model's parameters do not fit the network its"
            + " spec builds (" + e.getMessage() + ")", e);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private void translate(Block block) {
    if (block instanceof SequentialBlock sequence) {
      for (Pair<String, Block> child : sequence.getChildren()) {
        translate(child.getValue());
      }
    } else if (block instanceof ParallelBlock parallel) {
      residual(parallel);
    } else if (block instanceof Linear) {
      Map<String, Tensor> p = new LinkedHashMap<>();
      p.put("weight", value(block, "weight", 2));
      p.put("bias", value(block, "bias", 1));
      call("fc", new Module(LINEAR, p, Map.of(), List.of("return torch.linear(input, self.weight, self.bias)")));
      rank = 2;
    } else if (block instanceof Conv2d conv) {
      conv(conv);
    } else if (block instanceof BatchNorm) {
      batchNorm(block);
    } else if (block instanceof CappedRelu capped) {
      cap(capped);
    } else if (block instanceof SeededDropout) {
      if (spec.dropout() > 0) { // the network's one dropout is built from the spec's rate
        apply("torch.dropout(" + current + ", " + pythonFloat(spec.dropout()) + ", self.training)");
      }
    } else if (block instanceof LambdaBlock lambda) {
      lambda(lambda);
    } else {
      throw unknown(block.getClass().getSimpleName() + " block");
    }
  }

  private void lambda(LambdaBlock lambda) {
    switch (lambda.getName()) {
      case "identity" -> { }
      case "ReLU" -> apply("torch.relu(" + current + ")");
      case "ReLU6" -> apply("torch.clamp(" + current + ", 0., 6.)");
      case "batchFlatten" -> {
        apply("torch.flatten(" + current + ", 1)");
        rank = 2;
      }
      case "maxPool2d" -> apply("torch.max_pool2d(" + current + ", [2, 2], [2, 2], [0, 0], [1, 1], False)");
      case "globalMaxPool2d" -> {
        apply("torch.amax(" + current + ", [2, 3])");
        rank = 2;
      }
      default -> throw unknown("DJL lambda block '" + lambda.getName() + "'");
    }
  }

  /** Both branches from the same input, then their sum. */
  private void residual(ParallelBlock parallel) {
    if (!RESIDUAL.contains(spec.architecture()) || parallel.getChildren().size() != 2) {
      throw unknown("parallel block");
    }
    String input = current;
    List<String> outputs = new ArrayList<>();
    for (Pair<String, Block> branch : parallel.getChildren()) {
      current = input;
      translate(branch.getValue());
      outputs.add(current);
    }
    apply("torch.add(" + outputs.get(0) + ", " + outputs.get(1) + ")");
  }

  private void conv(Conv2d conv) {
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("weight", value(conv, "weight", 4));
    String bias = "None";
    if (conv.isIncludeBias()) {
      p.put("bias", value(conv, "bias", 1));
      bias = "self.bias";
    }
    String forward = "return torch.conv2d(input, self.weight, " + bias + ", " + list(conv.getStride().getShape()) + ", "
        + list(conv.getPadding().getShape()) + ", " + list(conv.getDilation().getShape()) + ", " + conv.getGroups() + ")";
    call("conv", new Module(className(CONV2D, List.of(forward)), p, Map.of(), List.of(forward)));
    rank = 4;
  }

  /** torch.batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn). */
  private void batchNorm(Block bn) {
    Map<String, Tensor> p = new LinkedHashMap<>();
    p.put("weight", value(bn, "gamma", 1));
    p.put("bias", value(bn, "beta", 1));
    p.put("running_mean", value(bn, "runningMean", 1));
    p.put("running_var", value(bn, "runningVar", 1));
    // training False: normalise with the running statistics, as drelu evaluates; momentum unused then
    call("bn", new Module(BATCH_NORM, p, Map.of(), List.of("return torch.batch_norm(input, self.weight, self.bias,"
        + " self.running_mean, self.running_var, False, 0.1, " + pythonFloat(BATCH_NORM_EPSILON) + ", True)")));
  }

  private void cap(CappedRelu capped) {
    if (capped.isDynamic()) {
      Tensor cap = value(capped, "cap", 1);
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

  /** A block's own parameter, by the name DJL gives it, checked for its number of dimensions. */
  private Tensor value(Block block, String name, int dimensions) {
    Parameter p = block.getDirectParameters().get(name);
    if (p == null) {
      throw new IllegalStateException("a " + block.getClass().getSimpleName() + " block has no " + name
          + " parameter; DJL's parameter names changed");
    }
    long[] shape = p.getArray().getShape().getShape();
    if (shape.length != dimensions) {
      throw new IllegalStateException(name + " of a " + block.getClass().getSimpleName() + " block has shape "
          + Arrays.toString(shape) + ", expected " + dimensions + " dimensions");
    }
    return new Tensor(shape, p.getArray().toFloatArray());
  }

  /** Adds a submodule named after its kind and position (fc1, conv2, bn3, drelu1) and calls it. */
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

  private static String list(long[] values) {
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
