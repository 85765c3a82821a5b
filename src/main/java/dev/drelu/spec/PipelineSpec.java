package dev.drelu.spec;

import dev.drelu.attack.AttackParams;
import dev.drelu.attack.DiagnosticsParams;
import dev.drelu.attack.EvaluationParams;
import dev.drelu.attack.Protocol;
import dev.drelu.attack.SweepParams;
import dev.drelu.data.DatasetParams;
import java.nio.file.Path;
import java.util.List;

/**
 * A validated pipeline: one dataset, models x seeds to train, attacks to run on every model.
 *
 * @param file the spec file it came from
 * @param name the pipeline's name
 * @param experiment the MLflow experiment its runs go to
 * @param sweep accuracy against eps, or null
 * @param diagnostics which masking checks to run
 * @param paperTable the table of the paper (1-9) this spec reproduces, or 0 for none
 * @param protocol the evaluation its runs follow (sound unless {@code protocol: paper}); every MLflow
 *     run of the pipeline is tagged with it
 */
public record PipelineSpec(
    Path file,
    String name,
    String description,
    String experiment,
    DatasetParams dataset,
    List<ModelEntry> models,
    List<Long> seeds,
    List<AttackParams> attacks,
    EvaluationParams evaluation,
    SweepParams sweep,
    DiagnosticsParams diagnostics,
    int paperTable,
    Protocol protocol) {

  public PipelineSpec {
    models = List.copyOf(models);
    seeds = List.copyOf(seeds);
    attacks = List.copyOf(attacks);
    diagnostics = diagnostics == null ? DiagnosticsParams.defaults() : diagnostics;
    protocol = protocol == null ? Protocol.SOUND : protocol;
  }

  /** A sound spec. */
  public PipelineSpec(Path file, String name, String description, String experiment, DatasetParams dataset,
      List<ModelEntry> models, List<Long> seeds, List<AttackParams> attacks, EvaluationParams evaluation,
      SweepParams sweep, DiagnosticsParams diagnostics, int paperTable) {
    this(file, name, description, experiment, dataset, models, seeds, attacks, evaluation, sweep, diagnostics,
        paperTable, Protocol.SOUND);
  }

  /**
   * @return this spec's models evaluated another way: other attacks and test sample, under
   *     {@code protocol}, with no sweep (a reproduction compares the paper's cells only)
   */
  public PipelineSpec withEvaluation(String newName, List<AttackParams> newAttacks, EvaluationParams newEvaluation,
      Protocol newProtocol) {
    return new PipelineSpec(file, newName, description, experiment, dataset, models, seeds, newAttacks,
        newEvaluation, null, diagnostics, paperTable, newProtocol);
  }

  /** A spec that reproduces no table of the paper. */
  public PipelineSpec(Path file, String name, String description, String experiment, DatasetParams dataset,
      List<ModelEntry> models, List<Long> seeds, List<AttackParams> attacks, EvaluationParams evaluation,
      SweepParams sweep, DiagnosticsParams diagnostics) {
    this(file, name, description, experiment, dataset, models, seeds, attacks, evaluation, sweep, diagnostics, 0);
  }

  /** @return this spec reading another dataset (a stand-in in the same format, a different copy) */
  public PipelineSpec withDataset(DatasetParams other) {
    return new PipelineSpec(file, name, description, experiment, other, models, seeds, attacks, evaluation, sweep,
        diagnostics, paperTable, protocol);
  }

  /** @return this spec with other masking diagnostics */
  public PipelineSpec withDiagnostics(DiagnosticsParams other) {
    return new PipelineSpec(file, name, description, experiment, dataset, models, seeds, attacks, evaluation, sweep,
        other, paperTable, protocol);
  }

  /** A spec with no sweep and no diagnose stage (programmatic specs: tests, other tools). */
  public PipelineSpec(Path file, String name, String description, String experiment, DatasetParams dataset,
      List<ModelEntry> models, List<Long> seeds, List<AttackParams> attacks, EvaluationParams evaluation) {
    this(file, name, description, experiment, dataset, models, seeds, attacks, evaluation, null,
        new DiagnosticsParams(false, false, 0));
  }
}
