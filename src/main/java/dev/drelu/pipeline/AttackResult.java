package dev.drelu.pipeline;

import dev.drelu.attack.AttackOutcome;
import dev.drelu.attack.AttackSummary;
import dev.drelu.data.ArrowTables;
import dev.drelu.store.Artifact;
import dev.drelu.store.ArtifactFiles;
import dev.drelu.store.ArtifactStore;
import dev.drelu.store.SummaryFields;
import java.io.IOException;

/**
 * The attack stage's output: one attack's per-example results on one model over one shard of the
 * test sample ({@code results.arrow}), and their summary. Which model it belongs to is the
 * task's to say ({@link Tasks.Summarise#modelOf}), not the artifact's.
 *
 * @param summary the accuracies and budgets; its {@code seconds} is not kept (NaN when read back),
 *     its images per second is
 * @param sampleClasses the evaluated sample's class counts ("0:50,1:50,..."), so a look at the
 *     manifest shows what was attacked
 * @param files the artifact's files (the staging folder while it is written)
 */
public record AttackResult(AttackSummary summary, String sampleClasses, ArtifactFiles files) implements StageOutput {
  private static final String RESULTS = "results.arrow";

  /** Writes the per-example results into {@code staging}. */
  static AttackResult write(AttackOutcome outcome, String sampleClasses, ArtifactStore.Staging staging)
      throws IOException {
    ArrowTables.write(outcome.toTable(), staging.file(RESULTS));
    return new AttackResult(outcome.summary(), sampleClasses, staging);
  }

  /** @return the result of the committed artifact {@code key} */
  static AttackResult read(ArtifactStore store, String key) throws IOException {
    return read(store.open(Stage.ATTACK.key(), key));
  }

  /** @return the result of a committed attack artifact (its summary; the examples are read by {@link #outcome}) */
  static AttackResult read(Artifact a) throws IOException {
    SummaryFields.Reader s = SummaryFields.of(a);
    AttackSummary summary = new AttackSummary(s.label("attack"), s.smallCount("examples"), s.number("clean_accuracy"),
        s.number("robust_accuracy"), s.number("zero_gradient_fraction"), s.number("max_linf"), s.number("mean_l2"),
        s.number("mean_queries"), s.smallCount("max_queries"), Double.NaN, s.number("images_per_second"));
    return new AttackResult(summary, s.label("sample_classes"), a);
  }

  @Override
  public SummaryFields fields() {
    return new SummaryFields()
        .label("attack", summary.attack())
        .count("examples", summary.examples())
        .label("sample_classes", sampleClasses)
        .number("clean_accuracy", summary.cleanAccuracy())
        .number("robust_accuracy", summary.robustAccuracy())
        .number("zero_gradient_fraction", summary.zeroGradientFraction())
        .number("max_linf", summary.maxLinf())
        .number("mean_l2", summary.meanL2())
        .number("images_per_second", summary.imagesPerSecond())
        .number("mean_queries", summary.meanQueries())
        .count("max_queries", summary.maxQueries());
  }

  /** @return the per-example results */
  public AttackOutcome outcome() throws IOException {
    return AttackOutcome.fromTable(ArrowTables.read(files.file(RESULTS)));
  }
}
