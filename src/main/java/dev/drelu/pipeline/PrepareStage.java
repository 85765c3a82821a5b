package dev.drelu.pipeline;

import dev.drelu.data.ArrowDatasets;
import dev.drelu.data.DatasetPreparer;
import dev.drelu.data.DatasetSplits;
import dev.drelu.nn.InputShape;
import dev.drelu.store.ArtifactRef;
import java.util.Map;
import java.util.TreeMap;

/** Reads the source, splits it and writes train / validation / test as Arrow IPC files. */
public final class PrepareStage {
  static final String TRAIN = "train.arrow";
  static final String VALIDATION = "validation.arrow";
  static final String TEST = "test.arrow";
  static final String GENERATED = "generated.arrow";
  /** Manifest summary keys: the image shape (CxHxW) and the class count. */
  static final String SHAPE = "shape";
  static final String CLASSES = "classes";

  private PrepareStage() {}

  /** @return the prepared dataset artifact */
  public static ArtifactRef run(Tasks.Prepare task, StageRunner runner) throws Exception {
    return runner.execute(task, (dir, runId) -> {
      DatasetSplits data = DatasetPreparer.prepare(task.dataset());
      ArrowDatasets.write(data.train(), dir.resolve(TRAIN));
      ArrowDatasets.write(data.validation(), dir.resolve(VALIDATION));
      ArrowDatasets.write(data.test(), dir.resolve(TEST));
      Map<String, String> summary = new TreeMap<>();
      if (data.generated() != null) {
        // mixed into every training epoch at the real ratio (METHOD.md section 8)
        ArrowDatasets.write(data.generated(), dir.resolve(GENERATED));
        summary.put("generated_examples", Integer.toString(data.generated().size()));
        summary.put("real_ratio", Double.toString(task.dataset().generated().realRatio()));
      }
      summary.put("train_examples", Integer.toString(data.train().size()));
      summary.put("validation_examples", Integer.toString(data.validation().size()));
      summary.put("test_examples", Integer.toString(data.test().size()));
      summary.put(SHAPE, data.train().channels() + "x" + data.train().height() + "x" + data.train().width());
      summary.put(CLASSES, Integer.toString(data.train().numClasses()));
      return summary;
    });
  }

  /** @return the image shape and class count a prepared dataset's manifest summary records */
  static InputShape inputShape(Map<String, String> summary) {
    String[] chw = summary.get(SHAPE).split("x");
    return new InputShape(Integer.parseInt(chw[0]), Integer.parseInt(chw[1]), Integer.parseInt(chw[2]),
        Integer.parseInt(summary.get(CLASSES)));
  }
}
