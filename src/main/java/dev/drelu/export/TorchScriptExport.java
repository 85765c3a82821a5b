package dev.drelu.export;

import ai.djl.Device;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.drelu.core.Sha256;
import dev.drelu.export.TorchScriptArchive.Module;
import dev.drelu.nn.Architecture;
import dev.drelu.nn.Classifier;
import dev.drelu.store.DurableFiles;
import dev.drelu.store.Json;
import dev.drelu.train.ModelCard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a drelu-trained classifier as a TorchScript file ({@code torch.jit.load} and drelu's own
 * {@link dev.drelu.nn.TorchScriptClassifier} read it) whose forward takes N x C x H x W images in
 * [0, 1] and returns the same logits as drelu's network in evaluation mode, caps included, so
 * anyone can recheck a drelu model with AutoAttack or any PyTorch tool.
 *
 * <p>Nothing half-written is trusted: the file is written next to its target, loaded back with
 * libtorch and run on a probe batch; only if its logits match drelu's does it take the target's
 * name. The same model always gives the same bytes.
 *
 * <p>Dense, Shallow CNN, ResNet-50/101 and MobileNetV2 networks (either placement, any activation)
 * can be exported; InceptionV3 (concatenated branches, pooling windows and an upsampling that DJL
 * keeps inside lambdas) cannot yet.
 */
public final class TorchScriptExport {
  /** The architectures that can be exported. */
  public static final Set<Architecture> EXPORTABLE = EnumSet.of(Architecture.DENSE, Architecture.SHALLOW_CNN,
      Architecture.RESNET50, Architecture.RESNET101, Architecture.MOBILENETV2);

  /** What {@code model.json} and {@code model.params} are called in a train artifact (see TrainStage). */
  static final String CARD = "model.json";
  static final String PARAMS = "model.params";

  private TorchScriptExport() {}

  /**
   * What an export wrote.
   *
   * @param file the TorchScript file
   * @param sha256 its content hash
   * @param largestLogitDifference the largest |drelu - libtorch| logit difference on the probe batch
   */
  public record Exported(Path file, String sha256, double largestLogitDifference) {}

  /**
   * Exports the model of a train artifact folder ({@code model.json} and {@code model.params}).
   *
   * @param modelFolder a committed train artifact
   * @param out the TorchScript file to write (replaced if it exists)
   * @throws IOException if the folder holds no trained model or its files cannot be read, or the
   *     file cannot be written; the message names the folder
   * @throws IllegalArgumentException if the model is an imported TorchScript file or its
   *     architecture cannot be exported (see {@link #write(Classifier, Path)})
   */
  public static Exported write(Path modelFolder, Path out) throws IOException {
    Path card = modelFolder.resolve(CARD);
    if (!Files.isRegularFile(card)) {
      throw new IOException(modelFolder + ": no " + CARD + "; give the folder of a trained model (a train artifact)");
    }
    ModelCard c;
    try {
      c = Json.CANONICAL.readValue(card.toFile(), ModelCard.class);
    } catch (JsonProcessingException e) {
      throw new IOException(card + ": not a model card (" + e.getOriginalMessage() + ")", e);
    }
    if (c.isExternal() || c.model() == null) {
      throw new IllegalArgumentException(modelFolder + ": holds an imported TorchScript model, not one drelu trained;"
          + " its model.pt already is the TorchScript file");
    }
    requireExportable(c.model().architecture());
    try (Classifier model = Classifier.load(c.model(), c.input(), modelFolder.resolve(PARAMS), Device.cpu())) {
      return write(model, out);
    }
  }

  /**
   * Exports a network drelu built from a spec.
   *
   * @param out the TorchScript file to write (replaced if it exists; never left half-written)
   * @throws IllegalArgumentException if the model was not built from a spec (an imported or
   *     hand-built network) or its architecture cannot be exported; the one-line message names
   *     the architecture and those that can
   * @throws IllegalStateException if the written file does not reproduce the model's logits (a
   *     translation bug); nothing is left at {@code out}
   * @throws IOException if the file cannot be written
   */
  public static Exported write(Classifier model, Path out) throws IOException {
    Path folder = out.toAbsolutePath().getParent();
    if (!Files.isDirectory(folder)) {
      throw new IOException(out + ": cannot write there, the folder " + folder + " does not exist");
    }
    Module root = module(model);
    byte[] bytes = TorchScriptArchive.bytes(TorchScriptArchive.archiveName(out), root, false);
    Path tmp = out.resolveSibling(out.getFileName() + "." + DurableFiles.uniqueSuffix() + ".tmp");
    try {
      Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      DurableFiles.fsync(tmp);
      double difference = ExportCheck.largestLogitDifference(model, tmp);
      DurableFiles.rename(tmp, out);
      DurableFiles.fsyncFolder(folder);
      return new Exported(out, Sha256.of(out), difference);
    } finally {
      Files.deleteIfExists(tmp); // gone after the rename; after a failure nothing is left behind
    }
  }

  /**
   * @return the TorchScript module tree of the model (what {@link #write(Classifier, Path)} writes)
   * @throws IllegalArgumentException as {@link #write(Classifier, Path)}
   * @throws IOException if the model's parameters cannot be read through a temporary file
   */
  public static Module module(Classifier model) throws IOException {
    if (model.spec() == null) {
      throw new IllegalArgumentException("only a network drelu built from a model spec can be exported; this one has"
          + " none (an imported TorchScript model already is a TorchScript file)");
    }
    Architecture a = model.spec().architecture();
    requireExportable(a);
    String root = switch (a) {
      case DENSE -> "__torch__.drelu.Dense";
      case SHALLOW_CNN -> "__torch__.drelu.ShallowCnn";
      case RESNET50 -> "__torch__.drelu.ResNet50";
      case RESNET101 -> "__torch__.drelu.ResNet101";
      case MOBILENETV2 -> "__torch__.drelu.MobileNetV2";
      default -> throw new IllegalStateException("exportable but without a root class: " + a.key());
    };
    return NetworkTranslation.of(model, root);
  }

  /** @throws IllegalArgumentException one line: this architecture cannot be exported yet, these can */
  static void requireExportable(Architecture a) {
    if (!EXPORTABLE.contains(a)) {
      List<String> can = EXPORTABLE.stream().map(Architecture::key).toList();
      throw new IllegalArgumentException(a.key() + " models cannot be exported to TorchScript yet; only "
          + String.join(", ", can.subList(0, can.size() - 1)) + " and " + can.get(can.size() - 1) + " models can");
    }
  }
}
