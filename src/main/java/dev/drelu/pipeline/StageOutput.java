package dev.drelu.pipeline;

import dev.drelu.store.Artifact;
import dev.drelu.store.SummaryFields;
import java.io.IOException;
import java.util.Map;

/**
 * What one stage hands the next, as a typed record: {@link PreparedData}, {@link TrainedModel},
 * {@link AttackResult}, {@link Diagnosis}, {@link Summary}. Each record writes itself into a
 * staging folder, reads itself back from a committed artifact, owns its files' names, and says
 * which of its values are MLflow metrics and which are tags.
 */
public interface StageOutput {
  /**
   * @return its values: the numbers are the MLflow metrics of the task's run, the labels its
   *     {@code drelu.summary.<name>} tags, and all of them as text the manifest's summary
   */
  SummaryFields fields();

  /** @return the numbers logged as MLflow metrics, by name */
  default Map<String, Double> metrics() {
    return fields().metrics();
  }

  /** @return the labels logged as MLflow tags ({@code drelu.summary.<name>}), by name */
  default Map<String, String> tags() {
    return fields().tags();
  }

  /** Reads a stage's output back from its committed artifact. */
  @FunctionalInterface
  interface Reader<O extends StageOutput> {
    /**
     * @throws dev.drelu.store.CorruptArtifactException if the artifact lacks what its record wrote
     */
    O read(Artifact artifact) throws IOException;
  }
}
