package dev.drelu.pipeline;

import dev.drelu.store.ArtifactRef;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * "Run after all of these": emits a fixed list of tasks once every upstream artifact has arrived,
 * spread over the workers. A stage whose tasks may read any upstream artifact (an attack may
 * read two models, a diagnosis every attack of its model) starts behind this barrier.
 *
 * <p>How: every upstream element gets one key, a GroupByKey waits for all of them, the group
 * emits the tasks, and a Reshuffle hands them to different workers (a fused runner would otherwise
 * run them one after another on the thread that emitted them).
 *
 * @param <T> the task type
 */
final class AfterAll<T extends Serializable> extends PTransform<PCollection<ArtifactRef>, PCollection<T>> {
  private final List<T> tasks;
  private final Class<T> type;

  private AfterAll(List<T> tasks, Class<T> type) {
    this.tasks = new ArrayList<>(tasks); // a serialisable copy travels with the transform
    this.type = type;
  }

  /** @return the transform that emits {@code tasks} once all of its input has arrived */
  static <T extends Serializable> AfterAll<T> emit(List<T> tasks, Class<T> type) {
    return new AfterAll<>(tasks, type);
  }

  @Override
  public PCollection<T> expand(PCollection<ArtifactRef> upstream) {
    return upstream
        .apply("OneKey", WithKeys.<String, ArtifactRef>of("all").withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializableCoder.of(ArtifactRef.class)))
        .apply("WaitForAll", GroupByKey.create())
        .apply("EmitTasks", ParDo.of(new StageFns.EmitAllFn<>(tasks)))
        .setCoder(SerializableCoder.of(type))
        .apply("Spread", Reshuffle.viaRandomKey());
  }
}
