package dev.drelu.reproduce;

import dev.drelu.attack.AttackParams;
import dev.drelu.core.Progress;
import dev.drelu.paper.PaperCell;
import dev.drelu.paper.PaperTables;
import dev.drelu.pipeline.ExperimentResult;
import dev.drelu.pipeline.ExperimentRunner;
import dev.drelu.pipeline.RunOptions;
import dev.drelu.pipeline.SummaryTable;
import dev.drelu.pipeline.TrainedModel;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.store.ArtifactStore;
import dev.drelu.stats.StatsParams;
import dev.drelu.train.ModelCard;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a reproduction: the spec's models under the paper's protocol and under a sound evaluation
 * (two pipelines on one store, so the trained models are shared and everything cached is reused),
 * then lines each paper cell up with drelu's values and writes the result.
 *
 * @param specs the two evaluations
 * @param faithful the faithful pipeline's result
 * @param sound the sound pipeline's result
 * @param table one line per paper cell
 * @param statistics the paper's, the faithful and the sound statistics, each on its own
 * @param folder where it was written
 */
public record Reproduction(ReproductionSpecs specs, ExperimentResult faithful, ExperimentResult sound,
    ReproductionTable table, ReproductionStatistics statistics, Path folder) {

  /**
   * @param spec a spec naming its paper table
   * @param presets the attack presets' folder ({@code params/attacks})
   * @param out the folder to write
   * @throws IllegalArgumentException (one line) if the spec names no paper table
   * @throws Exception a pipeline's failure (nothing of this reproduction is written then)
   */
  public static Reproduction run(PipelineSpec spec, Path presets, RunOptions options, Path out, StatsParams levels)
      throws Exception {
    ReproductionSpecs.requirePaperTable(spec);
    PaperTables paper = PaperTables.load();
    List<PaperCell> cells = paper.table(spec.paperTable());
    ReproductionSpecs specs = ReproductionSpecs.of(spec, cells, presets);
    Progress.say("reproduce", "Table " + spec.paperTable() + ": " + cells.size() + " paper cells; faithful run ("
        + names(specs.faithful()) + ")");
    ExperimentResult faithful = ExperimentRunner.run(specs.faithful(), options);
    Progress.say("reproduce", "sound run (" + names(specs.sound()) + ")");
    ExperimentResult sound = ExperimentRunner.run(specs.sound(), options);
    if (faithful.table() == null || sound.table() == null) {
      throw new IllegalStateException("a reproduction needs both summaries; run it without --only");
    }
    ArtifactStore store = ArtifactStore.open(options.store().toString());
    Map<String, PaperRowOf> rowOf = new LinkedHashMap<>();
    rowOf.putAll(rows(store, faithful.table()));
    rowOf.putAll(rows(store, sound.table()));
    ReproductionTable table = ReproductionTable.of(spec.paperTable(), cells, faithful.table(), sound.table(), rowOf,
        specs::threatModelOf);
    ReproductionStatistics stats = ReproductionStatistics.of(paper, table, levels);
    Path folder = ReproductionWriter.write(out, table, stats, new ReproductionWriter.Context(
        String.valueOf(spec.file()), specs.faithfulPreset(), specs.soundPreset(),
        specs.faithful().attacks().stream().map(AttackParams::name).toList(),
        specs.sound().attacks().stream().map(a -> a.name() + " (" + a.threatModel().label() + ")").toList(),
        specs.cuts()));
    return new Reproduction(specs, faithful, sound, table, stats, folder);
  }

  /** @return by model key: the paper row each trained model stands for, from its card */
  private static Map<String, PaperRowOf> rows(ArtifactStore store, SummaryTable table) throws java.io.IOException {
    Map<String, PaperRowOf> out = new LinkedHashMap<>();
    for (SummaryTable.Row r : table.rows()) {
      ModelCard card = TrainedModel.read(store, r.modelKey()).card();
      if (card.isExternal()) {
        continue; // an imported network is no row of the paper
      }
      out.put(r.modelKey(), new PaperRowOf(r.model(), card.model().architecture().key(), card.method().family(),
          card.method().lambda()));
    }
    return out;
  }

  private static String names(PipelineSpec spec) {
    return String.join(", ", spec.attacks().stream().map(AttackParams::name).toList());
  }
}
