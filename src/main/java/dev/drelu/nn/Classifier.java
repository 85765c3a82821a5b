package dev.drelu.nn;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A network ready to run: its block, its parameters (owned by this object's manager) and the
 * layers that carry caps. Forward returns logits; softmax only ever appears inside a loss.
 *
 * <p>Parameters are initialised from a Java random stream seeded by the caller (Glorot uniform
 * weights, zero biases, as Keras does), not from PyTorch's process-wide generator, so two models
 * built in one JVM at once get the same weights as when built alone.
 */
public final class Classifier implements AutoCloseable {
  private final ModelSpec spec;
  private final InputShape input;
  private final NDManager manager;
  private final Block block;
  private final ParameterStore store;
  private final List<CappedRelu> capped = new ArrayList<>();
  private final List<SeededDropout> dropouts = new ArrayList<>();

  private Classifier(ModelSpec spec, InputShape input, Block block, Device device) {
    this.spec = spec;
    this.input = input;
    this.manager = NDManager.newBaseManager(device);
    this.block = block;
    block.initialize(manager, DataType.FLOAT32, new Shape(1, input.channels(), input.height(), input.width()));
    this.store = new ParameterStore(manager, false);
    collect(block);
  }

  /**
   * Builds a model with freshly initialised parameters.
   *
   * @param seed seeds the weight initialisation
   */
  public static Classifier create(ModelSpec spec, InputShape input, long seed, Device device) {
    Classifier c = new Classifier(spec, input, ModelFactory.build(spec, input), device);
    c.initialiseWeights(seed);
    return c;
  }

  /**
   * Builds a model and loads parameters saved by {@link #save(Path)}.
   *
   * @throws IOException if the file cannot be read or does not match the architecture
   */
  public static Classifier load(ModelSpec spec, InputShape input, Path parameters, Device device)
      throws IOException {
    Classifier c = new Classifier(spec, input, ModelFactory.build(spec, input), device);
    try {
      c.loadParameters(parameters);
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /**
   * Wraps any block that maps N x C x H x W inputs to logits (a hand-built model in a test, or an
   * external network); its parameters are initialised by the block's own initialisers.
   */
  public static Classifier fromBlock(Block block, InputShape input, Device device) {
    return new Classifier(null, input, block, device);
  }

  private void collect(Block b) {
    if (b instanceof CappedRelu cr) {
      capped.add(cr);
    }
    if (b instanceof SeededDropout d) {
      dropouts.add(d);
    }
    for (Pair<String, Block> child : b.getChildren()) {
      collect(child.getValue());
    }
  }

  private void initialiseWeights(long seed) {
    Random random = new Random(seed);
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter param = p.getValue();
      NDArray array = param.getArray();
      Shape shape = array.getShape();
      int n = (int) shape.size();
      float[] values = new float[n];
      if (param.getType() == Parameter.Type.WEIGHT) {
        long receptive = shape.dimension() > 2 ? shape.slice(2).size() : 1;
        double fanIn = shape.get(1) * receptive;
        double fanOut = shape.get(0) * receptive;
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < n; i++) {
          values[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
      } else if (param.getType() == Parameter.Type.BIAS) {
        continue; // DJL initialises biases to zero already
      } else {
        continue; // caps keep their constant initial value
      }
      array.set(FloatBuffer.wrap(values));
    }
  }

  /**
   * Runs the network.
   *
   * @param x N x C x H x W inputs in [0, 1]
   * @param training true for dropout and parameter gradients; attacks use false
   * @return N x classes logits
   */
  public NDArray forward(NDArray x, boolean training) {
    return block.forward(store, new NDList(x), training).singletonOrThrow();
  }

  /**
   * The paper's penalty term without lambda: the sum of m^2 over every D-ReLU unit.
   *
   * @param batch the manager the result (and the temporaries) belong to
   * @return a scalar; zero when the model has no D-ReLU layer
   */
  public NDArray capPenalty(NDManager batch) {
    NDArray total = batch.zeros(new Shape(), DataType.FLOAT32, manager.getDevice());
    for (CappedRelu layer : capped) {
      if (layer.isDynamic()) {
        NDArray squared = layer.capParameter().getArray().square();
        squared.attach(batch); // see CappedRelu: keep per-step temporaries off the model's manager
        total = total.add(squared.sum());
      }
    }
    return total;
  }

  /** @return every learnable parameter */
  public List<Parameter> parameters() {
    List<Parameter> out = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      out.add(p.getValue());
    }
    return out;
  }

  /** @return true if the parameter is a D-ReLU cap */
  public boolean isCap(Parameter p) {
    return capped.stream().anyMatch(c -> c.isDynamic() && c.capParameter() == p);
  }

  /** @return the capped layers (S-ReLU and D-ReLU), in network order */
  public List<CappedRelu> cappedLayers() {
    return List.copyOf(capped);
  }

  /** Restarts every dropout mask stream; trainers call it once per epoch. */
  public void reseedDropout(long seed) {
    for (int i = 0; i < dropouts.size(); i++) {
      dropouts.get(i).reseed(seed * 31 + i);
    }
  }

  /** Switches the straight-through (BPDA) backward pass of every capped layer on or off. */
  public void setStraightThrough(boolean on) {
    capped.forEach(c -> c.setStraightThrough(on));
  }

  /** @return summary of the learned caps (count 0 when the model has no D-ReLU) */
  public CapSummary capSummary() {
    List<float[]> all = new ArrayList<>();
    for (CappedRelu c : capped) {
      if (c.isDynamic()) {
        all.add(c.capParameter().getArray().toFloatArray());
      }
    }
    return CapSummary.of(all);
  }

  /** Writes all parameters (DJL's format) to {@code file}. */
  public void save(Path file) throws IOException {
    try (OutputStream os = Files.newOutputStream(file);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os))) {
      block.saveParameters(out);
    }
  }

  /** Replaces all parameters with those in {@code file}. */
  public void loadParameters(Path file) throws IOException {
    try (InputStream is = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(is))) {
      block.loadParameters(manager, in);
    } catch (MalformedModelException e) {
      throw new IOException(file + ": parameters do not match the "
          + (spec == null ? "given" : spec.label()) + " network: " + e.getMessage(), e);
    }
  }

  /** @return the spec it was built from, or null for {@link #fromBlock} */
  public ModelSpec spec() {
    return spec;
  }

  public InputShape input() {
    return input;
  }

  /** @return the manager that owns the parameters */
  public NDManager manager() {
    return manager;
  }

  @Override
  public void close() {
    manager.close();
  }
}
