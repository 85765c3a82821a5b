package dev.drelu.cli;

import ai.djl.Device;
import dev.drelu.export.TorchScriptExport;
import dev.drelu.nn.Classifier;
import dev.drelu.pipeline.Stage;
import dev.drelu.pipeline.TrainedModel;
import dev.drelu.store.ArtifactStore;
import dev.drelu.store.CacheKey;
import dev.drelu.store.Manifest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * drelu export MODEL_KEY: a trained model of the store as a TorchScript file, so PyTorch tools
 * (AutoAttack, torchattacks) can recheck it on the same weights.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Write a trained model of the store as a TorchScript file (caps included). The file is loaded "
        + "back by libtorch and its logits checked against drelu's before it is kept.")
final class ExportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL_KEY",
      description = "the model's train key, whole or a unique prefix (as `drelu cache ls` prints it)")
  String key;

  @Option(names = "--format", defaultValue = "torchscript", paramLabel = "FORMAT",
      description = "torchscript (the only format so far)")
  String format;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "the file to write (default: <key prefix>.pt)")
  Path out;

  @Mixin StoreOption store = new StoreOption();

  @Spec CommandSpec command;

  @Override
  public Integer call() throws Exception {
    if (!format.equals("torchscript")) {
      throw new IllegalArgumentException("--format " + format + " is not an export format; use torchscript");
    }
    ArtifactStore s = store.open();
    String full = resolve(s, key);
    TrainedModel trained = TrainedModel.read(s, full);
    if (trained.card().isExternal()) {
      throw new IllegalArgumentException("model " + CacheKey.shortForm(full) + " is an imported TorchScript model;"
          + " its artifact's model.pt already is the file");
    }
    Path file = out != null ? out : Path.of(CacheKey.shortForm(full) + ".pt");
    try (Classifier model = trained.load(Device.cpu())) {
      TorchScriptExport.Exported e = TorchScriptExport.write(model, file);
      PrintWriter o = command.commandLine().getOut();
      o.printf("wrote %s (%s, sha256 %s): loaded back by libtorch, logits within %.1e of drelu's%n", e.file(),
          trained.card().name(), e.sha256(), e.largestLogitDifference());
      o.flush();
    }
    return 0;
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
