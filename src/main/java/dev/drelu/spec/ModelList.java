package dev.drelu.spec;

import dev.drelu.data.DatasetParams;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.InputShape;
import dev.drelu.train.TrainingParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The models list, and the lambda sweep that multiplies it: every entry is read by
 * {@link ModelSection}; here two entries that would share a name or a cache key are refused,
 * where the spec lists the second.
 */
final class ModelList {
  private ModelList() {}

  /**
   * @param training the pipeline's training (null if it was wrong: the paper's stands in)
   * @param dataset the dataset (null if it was wrong), for the memory estimate
   */
  static List<ModelEntry> read(YamlMap root, TrainingParams training, DatasetParams dataset) {
    List<YamlMap.Item> items = root.list("models");
    if (items.isEmpty()) {
      root.error("models", "must list at least one model");
    }
    InputShape input = TrainingMemory.inputOf(dataset);
    long memory = TrainingMemory.machineBytes();
    List<ModelEntry> models = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    Map<List<Object>, String> contents = new HashMap<>();
    for (YamlMap.Item item : items) {
      YamlMap m = Sections.item(root, item);
      ModelEntry entry = m == null ? null
          : ModelSection.read(m, training == null ? TrainingParams.paper() : training, input, memory);
      if (entry == null) {
        continue;
      }
      String first = names.putIfAbsent(entry.name(), item.path());
      // reported where the spec lists it: the item path is a key of the spec, not of the model's file
      if (first != null) {
        root.errors().add(root.file(), item.line(), item.path(), "model name '" + entry.name() + "' is used twice"
            + " (also by " + first + "); names must be unique: give one a 'name:' (a model in its own file is"
            + " named after the file)");
      } else {
        reportSameContent(root, item, entry, contents);
        models.add(entry);
      }
    }
    return models;
  }

  /**
   * Two names for one training, or for one TorchScript file's content, would share a cache key:
   * trained (or read) once, and raced for. Reports the entry if an earlier one has its content.
   */
  private static void reportSameContent(YamlMap root, YamlMap.Item item, ModelEntry entry, Map<List<Object>, String> contents) {
    if (entry.isExternal()) {
      String same = contents.putIfAbsent(List.of("torchscript", entry.torchscript().sha256()), item.path());
      if (same != null) {
        root.errors().add(root.file(), item.line(), item.path(), "model '" + entry.name() + "' is the same"
            + " TorchScript file content as " + same + " (sha256 " + entry.torchscript().sha256() + "); remove one");
      }
      return;
    }
    String same = contents.putIfAbsent(List.of(entry.model(), entry.training()), item.path());
    if (same != null) {
      root.errors().add(root.file(), item.line(), item.path(), "model '" + entry.name() + "' trains exactly like "
          + same + " (same network and training" + (entry.model().activation() == ActivationKind.DRELU ? ""
          : "; lambda and cap-learning-rate do not apply without D-ReLU") + "); remove one or change what differs");
    }
  }

  /**
   * {@code lambdas:} trains every D-ReLU model once per balancer value (the paper's lambda
   * sweeps), named {@code <name>-lambda<value>}; other models are left as they are.
   */
  static List<ModelEntry> sweepLambdas(YamlMap root, List<ModelEntry> models) {
    if (!root.has("lambdas")) {
      return models;
    }
    List<Double> lambdas = root.numbers("lambdas");
    if (lambdas.isEmpty()) {
      root.error("lambdas", "must list at least one value");
    }
    List<ModelEntry> swept = new ArrayList<>();
    for (ModelEntry e : models) {
      if (e.isExternal() || e.model().activation() != ActivationKind.DRELU) {
        swept.add(e);
        continue;
      }
      for (double l : lambdas) {
        if (!(l >= 0) || Double.isInfinite(l)) {
          root.error("lambdas", "lambdas must be non-negative numbers, but one was: " + l);
          continue;
        }
        swept.add(new ModelEntry(e.name() + "-lambda" + l, e.model(), e.training().withCapSettings(l, e.training().capLearningRate())));
      }
    }
    return swept;
  }
}
