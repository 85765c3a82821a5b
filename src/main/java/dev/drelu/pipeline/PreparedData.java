package dev.drelu.pipeline;

import dev.drelu.data.ArrowDatasets;
import dev.drelu.data.DatasetSplits;
import dev.drelu.data.GeneratedMix;
import dev.drelu.data.ImageDataset;
import dev.drelu.nn.InputShape;
import dev.drelu.store.Artifact;
import dev.drelu.store.ArtifactFiles;
import dev.drelu.store.ArtifactStore;
import dev.drelu.store.CorruptArtifactException;
import dev.drelu.store.SummaryFields;
import java.io.IOException;

/**
 * The prepare stage's output: the train / validation / test splits as Arrow files (and the
 * generated images to mix in, if the dataset has them), with what later stages need to know
 * without reading an image.
 *
 * @param shape the images' shape and the number of classes
 * @param generated the generated set, or null when the dataset has none
 * @param files the artifact's files (the staging folder while it is written)
 */
public record PreparedData(InputShape shape, int trainExamples, int validationExamples, int testExamples,
    Generated generated, ArtifactFiles files) implements StageOutput {
  private static final String TRAIN = "train.arrow";
  private static final String VALIDATION = "validation.arrow";
  private static final String TEST = "test.arrow";
  private static final String GENERATED = "generated.arrow";

  /**
   * Generated training images, mixed into every epoch (METHOD.md section 8).
   *
   * @param realRatio the share of real images in an epoch
   */
  public record Generated(int examples, double realRatio) {}

  /**
   * Writes the splits into {@code staging}.
   *
   * @param realRatio the dataset's real ratio; read only when the splits hold a generated set
   */
  static PreparedData write(DatasetSplits splits, double realRatio, ArtifactStore.Staging staging) throws IOException {
    ArrowDatasets.write(splits.train(), staging.file(TRAIN));
    ArrowDatasets.write(splits.validation(), staging.file(VALIDATION));
    ArrowDatasets.write(splits.test(), staging.file(TEST));
    Generated generated = null;
    if (splits.generated() != null) {
      ArrowDatasets.write(splits.generated(), staging.file(GENERATED));
      generated = new Generated(splits.generated().size(), realRatio);
    }
    ImageDataset t = splits.train();
    return new PreparedData(new InputShape(t.channels(), t.height(), t.width(), t.numClasses()), t.size(),
        splits.validation().size(), splits.test().size(), generated, staging);
  }

  /** @return the prepared data of the committed artifact {@code key} */
  static PreparedData read(ArtifactStore store, String key) throws IOException {
    return read(store.open(Stage.PREPARE.key(), key));
  }

  /** @return the prepared data of a committed prepare artifact (its summary alone: no image is read) */
  static PreparedData read(Artifact a) throws IOException {
    SummaryFields.Reader s = SummaryFields.of(a);
    Generated generated = s.has("generated_examples")
        ? new Generated(s.smallCount("generated_examples"), s.number("real_ratio")) : null;
    return new PreparedData(shape(a, s.label("shape"), s.smallCount("classes")), s.smallCount("train_examples"),
        s.smallCount("validation_examples"), s.smallCount("test_examples"), generated, a);
  }

  /** @return "CxHxW" read back, naming the artifact if it is not that */
  private static InputShape shape(Artifact a, String chw, int classes) throws CorruptArtifactException {
    String[] parts = chw.split("x");
    try {
      if (parts.length == 3) {
        return new InputShape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
            classes);
      }
    } catch (IllegalArgumentException e) {
      // reported below, as any other unreadable shape
    }
    throw new CorruptArtifactException(a.ref().location() + "/" + ArtifactStore.MANIFEST
        + ": summary 'shape' must be channels x height x width, e.g. 1x28x28, with " + classes + " classes, but was: "
        + chw);
  }

  @Override
  public SummaryFields fields() {
    SummaryFields f = new SummaryFields()
        .count("train_examples", trainExamples)
        .count("validation_examples", validationExamples)
        .count("test_examples", testExamples)
        .label("shape", shape.channels() + "x" + shape.height() + "x" + shape.width())
        .count("classes", shape.numClasses());
    if (generated != null) {
      f.count("generated_examples", generated.examples()).number("real_ratio", generated.realRatio());
    }
    return f;
  }

  /** @return the real training images */
  ImageDataset train(DatasetCache cache) throws IOException {
    return cache.read(files.file(TRAIN));
  }

  /** @return the images that drive the schedule */
  ImageDataset validation(DatasetCache cache) throws IOException {
    return cache.read(files.file(VALIDATION));
  }

  /** @return the test images (attacks evaluate a stratified sample of them) */
  ImageDataset test(DatasetCache cache) throws IOException {
    return cache.read(files.file(TEST));
  }

  /**
   * @param train the real images, as {@link #train} read them
   * @return each epoch's mix of real and generated images, or null when there are no generated ones
   */
  GeneratedMix mix(ImageDataset train, DatasetCache cache, long seed) throws IOException {
    return generated == null ? null
        : new GeneratedMix(train, cache.read(files.file(GENERATED)), generated.realRatio(), seed);
  }
}
