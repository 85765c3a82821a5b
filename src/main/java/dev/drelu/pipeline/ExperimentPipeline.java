package dev.drelu.pipeline;

import dev.drelu.store.ArtifactRef;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;

/**
 * Assembles the Beam graph of a plan: prepare -&gt; train (one element per model x seed) -&gt;
 * attack (one per model x attack) -&gt; diagnose -&gt; summarise, each stage behind an
 * {@link AfterAll} barrier where its tasks may read any upstream artifact. Only task records and
 * artifact refs travel.
 */
final class ExperimentPipeline {
  private ExperimentPipeline() {}

  static void build(Pipeline p, Plan plan, RunContext context) {
    CacheControl cache = plan.cache();
    PCollection<ArtifactRef> datasets = p
        .apply("PrepareTasks", Create.of(plan.prepare()).withCoder(coder(Tasks.Prepare.class)))
        .apply("PrepareData", ParDo.of(new StageFns.RunStageFn<Tasks.Prepare>(context, () -> PrepareStage::run)))
        .setCoder(coder(ArtifactRef.class));
    if (cache.policy(Stage.TRAIN) == StagePolicy.SKIP) {
      return;
    }
    // models that start from another trained model (AT continuing its natural model) train in a
    // second wave, once the first is done
    List<Tasks.Train> first = plan.train().stream().filter(t -> t.initFromKey() == null).toList();
    List<Tasks.Train> second = plan.train().stream().filter(t -> t.initFromKey() != null).toList();
    PCollection<ArtifactRef> models = datasets
        .apply("ExpandTraining", ParDo.of(new StageFns.FanOutFn<>(byInput(first, Tasks.Train::datasetKey))))
        .setCoder(coder(Tasks.Train.class))
        // one training configuration per worker: without this a fused runner trains them in sequence
        .apply("SpreadTraining", Reshuffle.viaRandomKey())
        .apply("TrainModels", ParDo.of(new StageFns.RunStageFn<Tasks.Train>(context, () -> new TrainStage()::run)))
        .setCoder(coder(ArtifactRef.class));
    if (!second.isEmpty()) {
      PCollection<ArtifactRef> continued = models
          .apply("AfterFirstModels", AfterAll.emit(second, Tasks.Train.class))
          .apply("TrainContinued", ParDo.of(new StageFns.RunStageFn<Tasks.Train>(context, () -> new TrainStage()::run)))
          .setCoder(coder(ArtifactRef.class));
      models = PCollectionList.of(models).and(continued).apply("AllModelsTrained", Flatten.pCollections());
    }
    if (cache.policy(Stage.ATTACK) == StagePolicy.SKIP) {
      return;
    }
    // an attack may read two models (a transfer attack crafts on the ReLU twin): start attacks
    // once every model is trained
    PCollection<ArtifactRef> results = models
        .apply("AfterAllModels", AfterAll.emit(plan.attack(), Tasks.Attack.class))
        .apply("RunAttacks", ParDo.of(new StageFns.RunStageFn<Tasks.Attack>(context, () -> new AttackStage()::run)))
        .setCoder(coder(ArtifactRef.class));
    PCollection<ArtifactRef> diagnoses = results;
    if (cache.policy(Stage.DIAGNOSE) == StagePolicy.SKIP) {
      return;
    }
    if (!plan.diagnose().isEmpty()) {
      // a model's checks need all its attacks (and shards): wait for every result, then fan out
      diagnoses = results
          .apply("AfterAllAttacks", AfterAll.emit(plan.diagnose(), Tasks.Diagnose.class))
          .apply("Diagnose", ParDo.of(new StageFns.RunStageFn<Tasks.Diagnose>(context, () -> new DiagnoseStage()::run)))
          .setCoder(coder(ArtifactRef.class));
    }
    if (cache.policy(Stage.SUMMARISE) == StagePolicy.SKIP) {
      return;
    }
    PCollectionList.of(models).and(results).and(diagnoses)
        .apply("AllResults", Flatten.pCollections())
        .apply("AfterEverything", AfterAll.emit(List.of(plan.summarise()), Tasks.Summarise.class))
        .apply("Summarise", ParDo.of(new StageFns.RunStageFn<Tasks.Summarise>(context, () -> SummariseStage::run)))
        .setCoder(coder(ArtifactRef.class));
  }

  private static <T extends Serializable> SerializableCoder<T> coder(Class<T> type) {
    return SerializableCoder.of(type);
  }

  private static <T> Map<String, List<T>> byInput(List<T> tasks, java.util.function.Function<T, String> input) {
    Map<String, List<T>> out = new LinkedHashMap<>();
    for (T t : tasks) {
      out.computeIfAbsent(input.apply(t), k -> new ArrayList<>()).add(t);
    }
    // plain HashMap/ArrayList: serialisable with the DoFn
    Map<String, List<T>> copy = new java.util.HashMap<>();
    out.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
    return copy;
  }
}
