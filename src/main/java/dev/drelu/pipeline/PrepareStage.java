package dev.drelu.pipeline;

import dev.drelu.data.DatasetParams;
import dev.drelu.data.DatasetPreparer;
import dev.drelu.store.ArtifactRef;

/** Reads the source, splits it and writes the splits as {@link PreparedData}. */
public final class PrepareStage {
  private PrepareStage() {}

  /** @return the prepared dataset artifact */
  public static ArtifactRef run(Tasks.Prepare task, StageRunner runner) throws Exception {
    return runner.execute(task, PreparedData::read, (staging, runId) -> {
      DatasetParams.Generated generated = task.dataset().generated();
      // mixed into every training epoch at the real ratio (METHOD.md section 8)
      return PreparedData.write(DatasetPreparer.prepare(task.dataset()),
          generated == null ? Double.NaN : generated.realRatio(), staging);
    });
  }
}
