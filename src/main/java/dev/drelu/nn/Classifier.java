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
import ai.djl.util.PairList;
import dev.drelu.core.Sha256;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
  private final List<MaxPool2x2> pools = new ArrayList<>();
  private final AutoCloseable owner; // what else holds the network (an external model's DJL Model), or null
  private boolean softmaxOutput; // the paper's protocol: attacks see softmax(logits) as logits
  private boolean channelsLast; // inputs laid out channels-last (setChannelsLast)

  private Classifier(ModelSpec spec, InputShape input, Block block, Device device) {
    this(spec, input, block, device, true, null);
  }

  private Classifier(ModelSpec spec, InputShape input, Block block, Device device, boolean initialise,
      AutoCloseable owner) {
    TorchThreads.ensure(); // models are built on the thread that will run them
    this.spec = spec;
    this.input = input;
    this.manager = NDManager.newBaseManager(device);
    this.block = block;
    this.owner = owner;
    if (initialise) {
      block.initialize(manager, DataType.FLOAT32, new Shape(1, input.channels(), input.height(), input.width()));
    }
    this.store = new ParameterStore(manager, false);
    collect(block);
  }

  /**
   * Builds a model with freshly initialised parameters, or, when the spec names a starting
   * checkpoint ({@link ModelSpec#initFrom()}), with the parameters in that file.
   *
   * @param seed seeds the weight initialisation
   * @throws UncheckedIOException if the spec's starting checkpoint cannot be read or does not fit
   * @throws IllegalStateException if the spec has a checkpoint hash but lost its path
   */
  public static Classifier create(ModelSpec spec, InputShape input, long seed, Device device) {
    if (spec.initFrom() != null) {
      try {
        return createFrom(spec, input, Path.of(spec.initFrom()), device);
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
    }
    if (spec.initFromSha256() != null) {
      // the path is not part of the spec's JSON (only the content hash is); starting from random
      // weights here would silently train a different model than the one the key names
      throw new IllegalStateException("the model spec names a starting checkpoint (sha256 "
          + spec.initFromSha256() + ") but not its path; rebuild the spec from its YAML file");
    }
    Classifier c = new Classifier(spec, input, ModelFactory.build(spec, input), device);
    c.initialiseWeights(seed);
    return c;
  }

  /**
   * Builds a model that starts from a user-given checkpoint: a parameters file written by
   * {@link #save(Path)} for the same network (architecture, width, depth, head, input shape and
   * classes). Nothing is downloaded; ImageNet weights of other frameworks cannot be read.
   *
   * @param checkpoint the parameters file
   * @throws IOException if the file cannot be read, does not fit the network (the message names
   *     the parameter and both shapes), or differs from the sha256 the spec recorded
   */
  public static Classifier createFrom(ModelSpec spec, InputShape input, Path checkpoint, Device device)
      throws IOException {
    if (!Files.isRegularFile(checkpoint)) {
      throw new IOException("init-from: no parameters file at " + checkpoint
          + "; give a file written by a drelu training run (model.params)");
    }
    if (spec.initFromSha256() != null) {
      String actual = checkpointSha256(checkpoint);
      if (!actual.equals(spec.initFromSha256())) {
        throw new IOException("init-from: " + checkpoint + " changed since the spec was loaded (sha256 "
            + actual + ", expected " + spec.initFromSha256() + "); load the spec again");
      }
    }
    return load(spec, input, checkpoint, device);
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

  /**
   * Wraps a network whose parameters are already loaded (an external TorchScript model, see
   * {@link TorchScriptClassifier}): nothing is initialised, and {@code owner} is closed with it.
   */
  static Classifier ofLoaded(Block block, InputShape input, Device device, AutoCloseable owner) {
    return new Classifier(null, input, block, device, false, owner);
  }

  private void collect(Block b) {
    if (b instanceof CappedRelu cr) {
      capped.add(cr);
    }
    if (b instanceof SeededDropout d) {
      dropouts.add(d);
    }
    if (b instanceof MaxPool2x2 p) {
      pools.add(p);
    }
    for (Pair<String, Block> child : b.getChildren()) {
      collect(child.getValue());
    }
  }

  /**
   * Glorot-uniform weights from a seeded Java stream (as Keras), every other parameter set
   * explicitly: zero biases; BatchNorm gamma 1, beta 0, running mean 0, running variance 1 (an
   * identity transform until trained); caps keep their constant initial value. Only weights draw
   * from the stream, so adding a type here does not move existing models' weights.
   */
  private void initialiseWeights(long seed) {
    Random random = new Random(seed);
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter param = p.getValue();
      NDArray array = param.getArray();
      Shape shape = array.getShape();
      int n = (int) shape.size();
      float[] values = new float[n];
      switch (param.getType()) {
        case WEIGHT -> {
          // conv weights are (out, in / groups, kh, kw): Glorot's fans count the receptive field
          long receptive = shape.dimension() > 2 ? shape.slice(2).size() : 1;
          double fanIn = shape.get(1) * receptive;
          double fanOut = shape.get(0) * receptive;
          double limit = Math.sqrt(6.0 / (fanIn + fanOut));
          for (int i = 0; i < n; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
          }
        }
        case BIAS, BETA, RUNNING_MEAN -> { } // zeros
        case GAMMA, RUNNING_VAR -> Arrays.fill(values, 1f);
        case OTHER -> {
          continue; // caps keep their constant initial value
        }
        default -> throw new IllegalStateException("no initialisation rule for parameter " + p.getKey()
            + " of type " + param.getType());
      }
      array.set(FloatBuffer.wrap(values));
    }
  }

  /**
   * Runs the network.
   *
   * @param x N x C x H x W inputs in [0, 1]
   * @param training true for dropout and parameter gradients; attacks use false
   * @return N x classes logits (softmax probabilities while {@link #setSoftmaxOutput} is on)
   */
  public NDArray forward(NDArray x, boolean training) {
    NDArray in = channelsLast ? ChannelsLast.of(x) : x;
    NDArray logits = block.forward(store, new NDList(in), training).singletonOrThrow();
    return softmaxOutput ? logits.softmax(1) : logits;
  }

  /**
   * Makes {@link #forward} return softmax(logits) instead of the logits, or the logits again. The
   * paper's evaluation protocol attacked a network ending in softmax with a from-logits loss; an
   * attack run with this on reproduces that (the softmax applied twice). Attack code switches it
   * on around one attack only, as with {@link #setStraightThrough}.
   */
  public void setSoftmaxOutput(boolean on) {
    softmaxOutput = on;
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

  /**
   * @return every learnable parameter: those that take a gradient. Not BatchNorm's running mean
   *     and variance (the forward pass in training mode updates them), nor the fixed gamma of a
   *     BatchNorm without scale (InceptionV3, as Keras): no optimiser may touch those
   */
  public List<Parameter> parameters() {
    List<Parameter> out = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (isLearnable(p.getValue())) {
        out.add(p.getValue());
      }
    }
    return out;
  }

  /** @return the number of learnable values (what Keras calls trainable parameters) */
  public long learnableParameterCount() {
    return parameters().stream().mapToLong(p -> p.getArray().size()).sum();
  }

  /** @return the number of all stored values, BatchNorm running statistics included */
  public long storedParameterCount() {
    long n = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      n += p.getValue().getArray().size();
    }
    return n;
  }

  private static boolean isLearnable(Parameter p) {
    return p.requiresGradient();
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

  /**
   * Runs {@code work} with every parameter's gradient switched off, then back on: an attack
   * crafted inside a training step must not leave its gradients in the parameters (PyTorch
   * would add them to the step's), and it runs faster without them.
   */
  public <T> T withFrozenParameters(java.util.function.Supplier<T> work) {
    List<Parameter> ps = parameters();
    boolean[] before = new boolean[ps.size()];
    for (int i = 0; i < ps.size(); i++) {
      before[i] = ps.get(i).getArray().hasGradient();
      ps.get(i).getArray().setRequiresGradient(false);
    }
    try {
      return work.get();
    } finally {
      for (int i = 0; i < ps.size(); i++) {
        if (before[i]) {
          ps.get(i).getArray().setRequiresGradient(true);
        }
      }
    }
  }

  /**
   * Lays every later forward pass's input out channels-last ({@link ChannelsLast}) or back in NCHW.
   * Only convolutional networks drelu built, on CPU, change: their convolution and pooling kernels
   * run channels-last and much faster there; a dense network flattens its input first, an external
   * network is run as given, and on a GPU the layout is left to the device. The layout changes the
   * order of the convolutions' sums, so weights, logits and gradients differ from NCHW's in their
   * last bits: attacks run so by default, training only when asked ({@code evaluation:} and
   * {@code training: channels-last}, part of a convolutional network's cache keys).
   */
  public void setChannelsLast(boolean on) {
    channelsLast = on && spec != null && spec.architecture().isConvolutional() && !manager.getDevice().isGpu();
    pools.forEach(p -> p.setChannelsLast(channelsLast));
  }

  /** Switches the straight-through (BPDA) backward pass of every capped layer on or off. */
  public void setStraightThrough(boolean on) {
    capped.forEach(c -> c.setStraightThrough(on));
  }

  /** Sets what the backward pass of every capped layer differentiates; forward passes stay exact. */
  public void setGradientSurrogate(GradientSurrogate surrogate) {
    capped.forEach(c -> c.setSurrogate(surrogate));
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

  /**
   * Replaces all parameter values with those in {@code file} (written by {@link #save(Path)}).
   * For a model built from a spec the file is first read into a twin network and checked, so a
   * file that does not fit leaves this model unchanged.
   *
   * @throws IOException if the file cannot be read or does not fit this network; the message
   *     names the first parameter whose shape differs and both shapes
   */
  public void loadParameters(Path file) throws IOException {
    Shape inputShape = new Shape(1, input.channels(), input.height(), input.width());
    String what = spec == null ? "given" : spec.label();
    try (NDManager staging = manager.newSubManager()) {
      Block source;
      if (spec != null) {
        source = ModelFactory.build(spec, input);
        source.initialize(staging, DataType.FLOAT32, inputShape);
      } else {
        source = block; // no spec to build a twin from: read in place, checked below
      }
      List<Shape> expected = shapes(block);
      try (InputStream is = Files.newInputStream(file);
          DataInputStream in = new DataInputStream(new BufferedInputStream(is))) {
        source.loadParameters(staging, in);
        if (in.read() != -1) {
          throw new IOException(file + ": the file holds more parameters than the " + what
              + " network; it was saved from a larger network");
        }
      } catch (MalformedModelException | EOFException e) {
        throw new IOException(file + ": parameters do not match the " + what + " network ("
            + e.getMessage() + "); it was saved from a different architecture or size", e);
      }
      PairList<String, Parameter> loaded = source.getParameters();
      for (int i = 0; i < loaded.size(); i++) {
        Shape got = loaded.get(i).getValue().getArray().getShape();
        if (!got.equals(expected.get(i))) {
          throw new IOException(file + ": parameter " + loaded.get(i).getKey() + " has shape " + got
              + " in the file but " + expected.get(i) + " in the " + what + " network " + input.channels()
              + "x" + input.height() + "x" + input.width() + " -> " + input.numClasses()
              + " classes; it was saved from a different width, depth, head or class count");
        }
      }
      if (source != block) {
        PairList<String, Parameter> target = block.getParameters();
        // in place, so arrays keep their identity (and their requires-gradient flag)
        try (Autograd off = Autograd.off()) {
          for (int i = 0; i < target.size(); i++) {
            loaded.get(i).getValue().getArray().copyTo(target.get(i).getValue().getArray());
          }
        }
      } else {
        // read in place: the arrays now belong to the staging manager, which closes below
        for (Pair<String, Parameter> p : block.getParameters()) {
          p.getValue().getArray().attach(manager);
        }
      }
    }
  }

  private static List<Shape> shapes(Block b) {
    List<Shape> out = new ArrayList<>();
    for (Pair<String, Parameter> p : b.getParameters()) {
      out.add(p.getValue().getArray().getShape());
    }
    return out;
  }

  /**
   * @return the hex sha256 of a parameters file, as recorded in {@link ModelSpec#initFromSha256()}
   * @throws IOException if the file cannot be read
   */
  public static String checkpointSha256(Path file) throws IOException {
    return Sha256.of(file);
  }

  /** @return the network, for tests in this package that look at every stored parameter */
  Block block() {
    return block;
  }

  /** @return the spec it was built from, or null for {@link #fromBlock} and external models */
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
    if (owner != null) {
      try {
        owner.close();
      } catch (Exception e) {
        throw new IllegalStateException("cannot release the external model: " + e.getMessage(), e);
      }
    }
  }
}
