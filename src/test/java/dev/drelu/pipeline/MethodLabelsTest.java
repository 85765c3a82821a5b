package dev.drelu.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.nn.ActivationKind;
import dev.drelu.spec.ModelEntry;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.spec.SpecLoader;
import dev.drelu.testing.ToyData;
import dev.drelu.train.ModelMethod;
import dev.drelu.train.TrainingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The statistics' methods come from what each model is. Every shipped pipeline still groups its
 * models as their names did when the method was the name after its first dash.
 */
class MethodLabelsTest {
  private static ModelMethod drelu(double lambda) {
    TrainingParams p = TrainingParams.paper();
    return ModelMethod.of(ToyData.dense(ActivationKind.DRELU, 100), new TrainingParams(p.maxEpochs(), p.batchSize(),
        p.learningRate(), lambda, p.plateauFactor(), p.plateauPatience(), p.earlyStoppingPatience(), p.monitor(),
        p.capLearningRate(), p.seed()));
  }

  private static final ModelMethod RELU = ModelMethod.of(ToyData.dense(ActivationKind.RELU, 100), TrainingParams.paper());

  @Test
  void aLambdaSweepComparesEachLambdaAsAMethod() {
    Map<String, MethodLabels.Model> models = new LinkedHashMap<>();
    models.put("a", new MethodLabels.Model("dense-relu", "dense", RELU, 1));
    models.put("b", new MethodLabels.Model("dense-drelu-lambda0.001", "dense", drelu(1e-3), 1));
    models.put("c", new MethodLabels.Model("dense-drelu-lambda1.0", "dense", drelu(1), 1));
    assertEquals(Map.of("a", "relu", "b", "drelu-lambda0.001", "c", "drelu-lambda1.0"), MethodLabels.of(models));
  }

  @Test
  void aTableComparesDReluAcrossArchitecturesWhateverLambdaEachUses() {
    Map<String, MethodLabels.Model> models = new LinkedHashMap<>();
    models.put("a", new MethodLabels.Model("resnet50-drelu", "resnet50", drelu(1e-3), 1));
    models.put("b", new MethodLabels.Model("mobilenetv2-drelu", "mobilenetv2", drelu(1), 1));
    models.put("c", new MethodLabels.Model("mobilenetv2-drelu", "mobilenetv2", drelu(1), 2));
    assertEquals(Map.of("a", "drelu", "b", "drelu", "c", "drelu"), MethodLabels.of(models));
  }

  @Test
  void twoModelsOfOneArchitectureThatAreOneMethodAreNamedInTheError() {
    Map<String, MethodLabels.Model> models = new LinkedHashMap<>();
    models.put("a", new MethodLabels.Model("dense-drelu s1", "dense", drelu(0.01), 1));
    models.put("b", new MethodLabels.Model("dense-drelu-quick s1", "dense", drelu(0.01), 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MethodLabels.of(models));
    assertTrue(e.getMessage().startsWith("dense-drelu s1 and dense-drelu-quick s1 are both method drelu on dense: "),
        e.getMessage());
  }

  /** How the report named a method before models carried theirs: the name after its first dash. */
  private static String byName(String modelName) {
    int dash = modelName.indexOf('-');
    return dash > 0 && dash < modelName.length() - 1 ? modelName.substring(dash + 1) : modelName;
  }

  @Test
  void everyShippedPipelineGroupsItsModelsAsTheirNamesDid() throws Exception {
    List<Path> specs;
    try (Stream<Path> s = Files.list(Path.of("pipelines"))) {
      specs = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertTrue(specs.size() > 20, specs.toString());
    for (Path file : specs) {
      PipelineSpec spec = SpecLoader.load(file);
      Map<String, MethodLabels.Model> models = new LinkedHashMap<>();
      Map<String, String> names = new HashMap<>();
      for (ModelEntry m : spec.models()) {
        for (long seed : spec.seeds()) {
          String key = m.name() + " s" + seed;
          models.put(key, new MethodLabels.Model(key, m.model().architecture().key(),
              ModelMethod.of(m.model(), m.training()), seed));
          names.put(key, byName(m.name()));
        }
      }
      Map<String, String> labels = MethodLabels.of(models);
      // one method label per old name-derived method and back: the same groups
      Map<String, String> oldToNew = new HashMap<>();
      Map<String, String> newToOld = new HashMap<>();
      for (String key : models.keySet()) {
        String was = names.get(key);
        String now = labels.get(key);
        assertEquals(now, oldToNew.merge(was, now, (a, b) -> a), file + ": " + key + " moved to another method");
        assertEquals(was, newToOld.merge(now, was, (a, b) -> a), file + ": " + key + " joined another method");
      }
      if (spec.name().equals("quickstart")) {
        assertEquals(Map.of("relu", "relu", "drelu-quick", "drelu"), oldToNew, "the one label that changes");
      } else {
        oldToNew.forEach((was, now) -> assertEquals(was, now, file + ": the label itself is unchanged"));
      }
    }
  }
}
