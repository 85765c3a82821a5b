package dev.drelu.spec;

import dev.drelu.attack.AttackParams;
import dev.drelu.nn.Architecture;
import dev.drelu.nn.Classifier;
import dev.drelu.nn.InputShape;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.TorchScriptFile;
import dev.drelu.train.TrainingParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One model of the models list: a network drelu trains (the network's keys and the entry's name
 * and training overrides in one mapping), or an external TorchScript file it only evaluates.
 */
final class ModelSection {
  private ModelSection() {}

  /** The init-from file's hash is taken by the loader, which reads the file. */
  private static final SectionBinder<ModelSpec> NETWORK = SectionBinder.of(ModelSpec.class, "init-from-sha256")
      .reading("hidden", ModelSection::layerSizes);
  /** The entry's own keys; its network is written flat beside them. */
  private static final SectionBinder<ModelEntry> ENTRY = SectionBinder.of(ModelEntry.class, "model");
  /** The keys a model mapping may have. */
  static final List<String> KEYS = SectionBinder.keys(NETWORK, ENTRY);
  /** The keys an entry that names a TorchScript file may have: the file holds everything else. */
  static final List<String> EXTERNAL_KEYS = List.of("name", "torchscript");
  /** The keys that size a network, in the order a too-big network is reported at the first present. */
  static final List<String> SIZE_KEYS = List.of("hidden", "head-units", "input-conv-filters", "width", "depth");

  /**
   * @param pipelineTraining what the entry's training overrides apply to
   * @param input the images the model gets, for the memory estimate
   * @param memory bytes the machine has: a network that needs more to train is refused
   * @return the entry, or null if anything in its mapping was wrong (reported)
   */
  static ModelEntry read(YamlMap m, TrainingParams pipelineTraining, InputShape input, long memory) {
    if (m.has("torchscript")) {
      return external(m);
    }
    int before = m.errors().count();
    m.rejectUnknownKeys(KEYS);
    m.requireOneOf("architecture", Architecture.values());
    SectionBinder.Values written = NETWORK.read(m);
    initFrom(m, written);
    String givenName = m.string("name", null);
    YamlMap overrides = m.map("training");
    TrainingParams training = overrides == null ? pipelineTraining : TrainingSection.read(overrides, pipelineTraining);
    Architecture arch = written.get("architecture", Architecture.class);
    if (arch == null) {
      return null; // the record's checks depend on the architecture; the values above are type-checked
    }
    ModelSpec spec = NETWORK.bind(m, written, () -> ModelSpec.defaults(arch));
    if (spec == null || training == null || m.errors().count() != before) {
      return null;
    }
    String tooBig = TrainingMemory.of(spec, input, training.batchSize()).problem(memory);
    if (tooBig != null) {
      m.error(SIZE_KEYS.stream().filter(m::has).findFirst().orElse("architecture"), tooBig);
      return null;
    }
    // a model in its own file is named after the file; an inline one after what it is
    String name = givenName != null ? givenName : m.isFileRoot() ? Sections.stem(m.file()) : labelName(spec);
    return checkName(m, name, givenName != null) ? new ModelEntry(name, spec, training) : null;
  }

  /** The hidden sizes; a mistake in one is reported at its index and the list left out. */
  private static List<Integer> layerSizes(YamlMap m, String key) {
    List<Integer> sizes = new ArrayList<>();
    for (long h : m.wholeNumbers(key, 1, Integer.MAX_VALUE, "units or filters of a layer")) {
      sizes.add((int) h);
    }
    return sizes;
  }

  /**
   * Resolves init-from (relative to the file that names it) and records the file's hash, which
   * enters the cache key instead of the path.
   */
  private static void initFrom(YamlMap m, SectionBinder.Values written) {
    String given = written.get("init-from", String.class);
    if (given == null) {
      return;
    }
    Path checkpoint = m.file().getParent().resolve(given).normalize();
    written.remove("init-from");
    if (!Files.isRegularFile(checkpoint)) {
      m.error("init-from", "file not found: " + checkpoint + " (paths are relative to " + m.file().getParent()
          + "; give a model.params written by a drelu training run)");
      return;
    }
    try {
      written.put("init-from-sha256", Classifier.checkpointSha256(checkpoint));
      written.put("init-from", checkpoint.toString());
    } catch (IOException e) {
      m.error("init-from", "cannot read " + checkpoint + ": " + e.getMessage());
    }
  }

  /**
   * A model entry that names an external TorchScript file ({@code torchscript: path}, relative to
   * the file that names it). Only a name may go with it: architecture, activation and training
   * belong to the file, which drelu evaluates as given. The file's content hash, not its path,
   * enters the cache key.
   */
  static ModelEntry external(YamlMap m) {
    int before = m.errors().count();
    m.rejectUnknownKeys(KEYS);
    for (String key : m.keys()) {
      if (KEYS.contains(key) && !EXTERNAL_KEYS.contains(key)) {
        m.error(key, "does not apply to a torchscript model: the file holds the whole network and its weights,"
            + " and drelu evaluates it as given, without training it (its keys: "
            + String.join(", ", EXTERNAL_KEYS) + ")");
      }
    }
    TorchScriptFile torchscript = torchscript(m, m.string("torchscript", null));
    String givenName = m.string("name", null);
    if (torchscript == null || m.errors().count() != before) {
      return null;
    }
    // like a trained model: named after its own YAML file, or inline after what it is (the .pt file)
    String name = givenName != null ? givenName
        : Sections.stem(m.isFileRoot() ? m.file() : Path.of(torchscript.path()));
    return checkName(m, name, givenName != null) ? ModelEntry.external(name, torchscript) : null;
  }

  /** @return the TorchScript file {@code given} names, or null if there is none (reported) */
  private static TorchScriptFile torchscript(YamlMap m, String given) {
    if (given == null || given.isBlank()) {
      m.error("torchscript", "must name a TorchScript file (written by torch.jit.save), relative to "
          + m.file().getParent());
      return null;
    }
    Path file = m.file().getParent().resolve(given).normalize();
    if (!Files.isRegularFile(file)) {
      m.error("torchscript", "file not found: " + file + " (paths are relative to " + m.file().getParent()
          + "; give a file written by torch.jit.save)");
      return null;
    }
    try {
      String problem = TorchScriptFile.archiveProblem(file);
      if (problem != null) {
        m.error("torchscript", file + " " + problem);
        return null;
      }
      return TorchScriptFile.of(file);
    } catch (IOException e) {
      m.error("torchscript", "cannot read " + file + ": " + e.getMessage());
      return null;
    }
  }

  /**
   * Model names follow the attack-name rule ({@link AttackParams#NAME_PATTERN}): they become MLflow
   * metric names, which MLflow refuses with most other characters, after the models have trained.
   *
   * @param given whether the spec wrote the name; otherwise it comes from a file name
   * @return true if {@code name} is fine; otherwise reports it where it was written
   */
  private static boolean checkName(YamlMap m, String name, boolean given) {
    if (name.matches(AttackParams.NAME_PATTERN)) {
      return true;
    }
    String rule = "must be lower-case letters, digits, '-', '_' or '.', starting with a letter or digit"
        + " (it names MLflow metrics and table columns)";
    if (given) {
      m.error("name", rule + ", but was: " + name);
    } else {
      m.errors().add(m.file(), m.line(), m.path("name"), rule + ", but the model is named '" + name
          + (m.isFileRoot() ? "' after its file; give it a 'name:' or rename the file" : "' after its settings;"
              + " give it a 'name:'"));
    }
    return false;
  }

  /**
   * The name of an unnamed inline model: its label ("resnet50[w0.25,d0.5]/drelu@input-conv") with
   * the characters a name may not hold turned into '-' ("resnet50-w0.25-d0.5-drelu-input-conv").
   */
  static String labelName(ModelSpec spec) {
    return spec.label().replace("]", "").replaceAll("[/\\[,@]", "-");
  }
}
