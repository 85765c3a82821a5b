package dev.drelu.nn;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Loads a TorchScript classifier file ({@code torch.jit.save}) as a drelu {@link Classifier}, so
 * every attack runs on weights trained elsewhere and drelu's numbers can be checked against other
 * tools on the same model.
 *
 * <p>The contract of the file: forward takes one N x C x H x W float32 tensor of images in [0, 1]
 * (any normalisation happens inside the file) and returns one N x classes tensor of logits (no
 * softmax). It is checked on a probe batch when the file is loaded, so a file that does not fit
 * the dataset fails here, with its name and what was wrong, not inside an attack.
 */
public final class TorchScriptClassifier {
  /** Images in the probe batch: more than one, so a model that drops the batch dimension fails. */
  static final int PROBE_BATCH = 2;

  private TorchScriptClassifier() {}

  /**
   * @param file a TorchScript archive
   * @param input the dataset's image shape and class count
   * @return the model in evaluation mode; closing it releases the native module
   * @throws IOException if the file is missing, libtorch cannot load it, it does not take a batch
   *     of the dataset's images, or it does not return one float32 (N, classes) tensor of finite
   *     logits with a gradient with respect to the input; the message names the file
   */
  public static Classifier load(Path file, InputShape input, Device device) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": no such file; give a TorchScript file written by torch.jit.save");
    }
    TorchThreads.ensure();
    Model model = Model.newInstance(file.getFileName().toString(), device, "PyTorch");
    try {
      PtSymbolBlock module;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
        // from a stream, not by path: DJL's path loader (0.36) reads the parameters as inference
        // tensors, through which libtorch records no gradient at all, not even the input's
        module = JniUtils.loadModule((PtNDManager) model.getNDManager(), in, true, false);
      } catch (EngineException | IOException e) {
        throw failure(file + ": libtorch cannot load it as TorchScript (" + firstLine(e)
            + "); write the module with torch.jit.save (after torch.jit.script or torch.jit.trace)", e);
      }
      model.setBlock(module); // closed with the model
      module.freezeParameters(true); // attacks need input gradients only; nothing trains these weights
      TorchScriptBlock block = new TorchScriptBlock(module);
      probe(block, file, input, device);
      return Classifier.ofLoaded(block, input, device, model);
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Runs a batch of uniform [0, 1] images through the module and checks what comes back. */
  private static void probe(Block block, Path file, InputShape in, Device device) throws IOException {
    Shape shape = new Shape(PROBE_BATCH, in.channels(), in.height(), in.width());
    String images = "a batch of " + PROBE_BATCH + "x" + in.channels() + "x" + in.height() + "x" + in.width()
        + " float32 images in [0, 1] (N, C, H, W)";
    // from a Java stream: drawing from PyTorch's generator would move every later torch random draw
    Random random = new Random(0);
    float[] pixels = new float[(int) shape.size()];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextFloat();
    }
    try (NDManager manager = NDManager.newBaseManager(device); Autograd record = Autograd.record()) {
      // a copy, as attacks take one (InputGradient): the array DJL makes from Java data records no gradient
      NDArray x = manager.create(pixels, shape).duplicate();
      x.setRequiresGradient(true);
      NDList out;
      try {
        out = block.forward(new ParameterStore(manager, false), new NDList(x), false);
      } catch (EngineException e) {
        throw failure(file + ": does not accept " + images + " (libtorch: " + firstLine(e) + ")", e);
      }
      if (out.size() != 1) {
        throw new IOException(file + ": forward returns " + out.size() + " tensors, but drelu needs one: the (N, "
            + in.numClasses() + ") logits");
      }
      NDArray logits = out.singletonOrThrow();
      Shape got = logits.getShape();
      if (!got.equals(new Shape(PROBE_BATCH, in.numClasses()))) {
        throw new IOException(file + ": output shape " + got + (got.dimension() == 2 && got.get(0) == PROBE_BATCH
            ? " but the dataset has " + in.numClasses() + " classes"
            : " for " + images + ", but drelu needs (" + PROBE_BATCH + ", " + in.numClasses() + "): one row of "
                + in.numClasses() + " logits per image"));
      }
      if (logits.getDataType() != DataType.FLOAT32) {
        throw new IOException(file + ": returns " + logits.getDataType() + " logits, but drelu needs float32");
      }
      for (float v : logits.toFloatArray()) {
        if (!Float.isFinite(v)) {
          throw new IOException(file + ": returns non-finite logits (" + v + ") for images in [0, 1]");
        }
      }
      try {
        record.backward(logits.sum()); // a real backward pass: what every gradient attack will do
      } catch (EngineException e) {
        throw failure(file + ": its logits have no gradient with respect to the input (does forward"
            + " detach them or run under torch.no_grad?); gradient attacks need one (libtorch: " + firstLine(e) + ")", e);
      }
    }
  }

  /**
   * libtorch's own message (often a TorchScript traceback) is kept as a suppressed exception, not
   * as the cause: the CLI prints an error's root cause, and that must be the line naming the file.
   */
  private static IOException failure(String message, Throwable libtorch) {
    IOException e = new IOException(message);
    e.addSuppressed(libtorch);
    return e;
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage()).strip();
    int newline = m.indexOf('\n');
    return newline < 0 ? m : m.substring(0, newline).strip();
  }
}
