package dev.drelu.testing;

import dev.drelu.export.TorchScriptArchive;
import dev.drelu.export.TorchScriptArchive.Module;
import dev.drelu.export.TorchScriptArchive.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Small classifiers written as TorchScript files (see {@link TorchScriptArchive}), each with an
 * independent forward pass in plain Java to check what libtorch computes from the same weights.
 */
public final class ScriptedNets {
  private static final String LINEAR = "__torch__.torch.nn.modules.linear.Linear";
  private static final String CONV2D = "__torch__.torch.nn.modules.conv.Conv2d";

  private ScriptedNets() {}

  /**
   * A fully connected layer as torch.nn.Linear stores it.
   *
   * @param weight out x in, row-major
   */
  public record Dense(int in, int out, float[] weight, float[] bias) {
    public Dense {
      if (weight.length != in * out || bias.length != out) {
        throw new IllegalArgumentException("a " + in + " -> " + out + " layer needs " + in * out + " weights and "
            + out + " biases, but got " + weight.length + " and " + bias.length);
      }
    }

    /** Uniform weights in +-1/sqrt(in) (torch.nn.Linear's default range), seeded. */
    public static Dense random(int in, int out, Random r) {
      float[] w = new float[in * out];
      float[] b = new float[out];
      double limit = 1 / Math.sqrt(in);
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) ((r.nextDouble() * 2 - 1) * limit);
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) ((r.nextDouble() * 2 - 1) * limit);
      }
      return new Dense(in, out, w, b);
    }

    double[] apply(double[] x) {
      double[] y = new double[out];
      for (int o = 0; o < out; o++) {
        double s = bias[o];
        for (int i = 0; i < in; i++) {
          s += (double) weight[o * in + i] * x[i];
        }
        y[o] = s;
      }
      return y;
    }

    /** @return the layer as torch.nn.Linear's TorchScript module */
    public Module module() {
      Map<String, Tensor> p = new LinkedHashMap<>();
      p.put("weight", new Tensor(new long[] {out, in}, weight));
      p.put("bias", new Tensor(new long[] {out}, bias));
      return new Module(LINEAR, p, Map.of(), List.of("return torch.linear(input, self.weight, self.bias)"));
    }
  }

  /**
   * flatten -> dense -> relu -> ... -> [dropout] -> dense: logits, no softmax. With four layers it is
   * drelu's Dense network with a plain-ReLU head (its dropout is the identity at evaluation).
   *
   * @param dropout the rate of a dropout before the last layer, as in drelu's head; 0 for none.
   *     It only acts if the module runs in training mode, which an evaluation must never do
   */
  public record Mlp(List<Dense> layers, double dropout) {
    public Mlp {
      layers = List.copyOf(layers);
    }

    public Mlp(List<Dense> layers) {
      this(layers, 0);
    }

    /** @return the same weights with a dropout before the last layer */
    public Mlp withDropout(double rate) {
      return new Mlp(layers, rate);
    }

    /** @param sizes input size, hidden sizes, classes */
    public static Mlp random(long seed, int... sizes) {
      Random r = new Random(seed);
      List<Dense> layers = new ArrayList<>();
      for (int i = 0; i + 1 < sizes.length; i++) {
        layers.add(Dense.random(sizes[i], sizes[i + 1], r));
      }
      return new Mlp(layers);
    }

    /** @return logits of one flattened image, computed in double precision */
    public double[] logits(float[] image) {
      double[] x = new double[image.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = image[i];
      }
      for (int l = 0; l < layers.size(); l++) {
        x = layers.get(l).apply(x);
        if (l + 1 < layers.size()) {
          relu(x);
        }
      }
      return x;
    }

    public Module module() {
      Map<String, Module> children = new LinkedHashMap<>();
      List<String> body = new ArrayList<>();
      body.add("_0 = torch.flatten(input, 1)");
      for (int l = 0; l < layers.size(); l++) {
        String fc = "fc" + (l + 1);
        children.put(fc, layers.get(l).module());
        String in = "_" + l;
        if (l + 1 == layers.size() && dropout > 0) {
          body.add("_d = torch.dropout(" + in + ", " + dropout + ", self.training)");
          in = "_d";
        }
        String call = "(self." + fc + ").forward(" + in + ", )";
        body.add(l + 1 < layers.size() ? "_" + (l + 1) + " = torch.relu(" + call + ")" : "return " + call);
      }
      return new Module("__torch__.drelu_fixture.Mlp", Map.of(), children, body);
    }

    public void write(Path file) throws IOException {
      TorchScriptArchive.write(file, module());
    }

    /** Writes the module as saved in training mode (dropout active until someone calls eval()). */
    public void writeInTrainingMode(Path file) throws IOException {
      TorchScriptArchive.write(file, module(), true);
    }
  }

  /**
   * conv 3x3 (stride 1, no padding) -> relu -> flatten -> dense: a tiny convolutional classifier.
   *
   * @param kernel filters x channels x 3 x 3, row-major
   */
  public record ConvNet(int channels, int height, int width, int filters, float[] kernel, float[] kernelBias,
      Dense head) {
    static final int K = 3;

    public static ConvNet random(long seed, int channels, int height, int width, int filters, int classes) {
      Random r = new Random(seed);
      float[] k = new float[filters * channels * K * K];
      float[] b = new float[filters];
      double limit = 1 / Math.sqrt(channels * K * K);
      for (int i = 0; i < k.length; i++) {
        k[i] = (float) ((r.nextDouble() * 2 - 1) * limit);
      }
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) ((r.nextDouble() * 2 - 1) * limit);
      }
      Dense head = Dense.random(filters * (height - K + 1) * (width - K + 1), classes, r);
      return new ConvNet(channels, height, width, filters, k, b, head);
    }

    /** @param image channels x height x width, row-major */
    public double[] logits(float[] image) {
      int oh = height - K + 1;
      int ow = width - K + 1;
      double[] features = new double[filters * oh * ow];
      for (int f = 0; f < filters; f++) {
        for (int y = 0; y < oh; y++) {
          for (int x = 0; x < ow; x++) {
            double s = kernelBias[f];
            for (int c = 0; c < channels; c++) {
              for (int i = 0; i < K; i++) {
                for (int j = 0; j < K; j++) {
                  s += (double) kernel[((f * channels + c) * K + i) * K + j] * image[(c * height + y + i) * width + x + j];
                }
              }
            }
            features[(f * oh + y) * ow + x] = Math.max(0, s);
          }
        }
      }
      return head.apply(features);
    }

    public Module module() {
      Map<String, Tensor> p = new LinkedHashMap<>();
      p.put("weight", new Tensor(new long[] {filters, channels, K, K}, kernel));
      p.put("bias", new Tensor(new long[] {filters}, kernelBias));
      Module conv = new Module(CONV2D, p, Map.of(),
          List.of("return torch.conv2d(input, self.weight, self.bias, [1, 1], [0, 0], [1, 1], 1)"));
      Map<String, Module> children = new LinkedHashMap<>();
      children.put("conv", conv);
      children.put("fc", head.module());
      return new Module("__torch__.drelu_fixture.ConvNet", Map.of(), children, List.of(
          "_0 = torch.relu((self.conv).forward(input, ))",
          "_1 = torch.flatten(_0, 1)",
          "return (self.fc).forward(_1, )"));
    }

    public void write(Path file) throws IOException {
      TorchScriptArchive.write(file, module());
    }
  }

  private static void relu(double[] x) {
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.max(0, x[i]);
    }
  }
}
