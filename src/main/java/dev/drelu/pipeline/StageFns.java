package dev.drelu.pipeline;

import dev.drelu.store.ArtifactRef;
import dev.drelu.store.ArtifactStore;
import dev.drelu.tracking.Tracker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * The DoFns: thin adapters that open the store and a tracker per worker and call the stage
 * services. Nothing here knows about tensors.
 */
final class StageFns {
  private StageFns() {}

  /** Opens what every stage DoFn needs in @Setup and closes it in @Teardown. */
  abstract static class StageFn<I, O> extends DoFn<I, O> {
    protected final RunContext context;
    protected transient StageRunner runner;
    private transient Tracker tracker;

    StageFn(RunContext context) {
      this.context = context;
    }

    @Setup
    public void setup() {
      tracker = context.tracking().open();
      runner = new StageRunner(ArtifactStore.open(context.storeRoot()), tracker, context);
    }

    @Teardown
    public void teardown() {
      if (tracker != null) {
        tracker.close();
      }
    }
  }

  /** What a stage does with one task; a fresh service per worker (it may cache datasets). */
  interface StageService<T extends StageTask> {
    ArtifactRef run(T task, StageRunner runner) throws Exception;
  }

  /** Runs one stage's tasks: prepare, train, attack, diagnose or summarise. */
  static final class RunStageFn<T extends StageTask> extends StageFn<T, ArtifactRef> {
    private final SerializableSupplier<StageService<T>> services;
    private transient StageService<T> service;

    RunStageFn(RunContext context, SerializableSupplier<StageService<T>> services) {
      super(context);
      this.services = services;
    }

    @Override
    @Setup
    public void setup() {
      super.setup();
      service = services.get();
    }

    @ProcessElement
    public void process(@Element T task, OutputReceiver<ArtifactRef> out) throws Exception {
      out.output(service.run(task, runner));
    }
  }

  /** A supplier that travels with its DoFn. */
  interface SerializableSupplier<T> extends java.util.function.Supplier<T>, java.io.Serializable {}

  /** Emits a fixed list of tasks once its (grouped) input has arrived. */
  static final class EmitAllFn<T> extends DoFn<KV<String, Iterable<ArtifactRef>>, T> {
    private final List<T> tasks;

    EmitAllFn(List<T> tasks) {
      this.tasks = tasks;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<ArtifactRef>> upstream, OutputReceiver<T> out) {
      tasks.forEach(out::output);
    }
  }

  /** Emits, for each artifact that arrives, the downstream tasks that read it. */
  static final class FanOutFn<T> extends DoFn<ArtifactRef, T> {
    private final Map<String, List<T>> tasksByInput;

    FanOutFn(Map<String, List<T>> tasksByInput) {
      this.tasksByInput = tasksByInput;
    }

    @ProcessElement
    public void process(@Element ArtifactRef ref, OutputReceiver<T> out) {
      for (T t : tasksByInput.getOrDefault(ref.key(), List.of())) {
        out.output(t);
      }
    }
  }
}
