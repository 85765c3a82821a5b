package dev.drelu.spec;

import dev.drelu.train.AdversarialTraining;
import dev.drelu.train.TrainingParams;

/**
 * A training section: the pipeline's (over the paper's schedule) or a model's overrides (over the
 * pipeline's), with an optional adversarial objective.
 */
final class TrainingSection {
  private TrainingSection() {}

  /** The seed is not written here: every model trains once per seed of the pipeline's seeds. */
  private static final SectionBinder<TrainingParams> TRAINING = SectionBinder.of(TrainingParams.class, "seed")
      .reading("adversarial", (m, key) -> {
        YamlMap adversarial = m.map(key);
        return adversarial == null ? null : adversarial(adversarial);
      });
  private static final SectionBinder<AdversarialTraining> ADVERSARIAL = SectionBinder.of(AdversarialTraining.class);

  /**
   * @param base what the keys not written keep: the paper's schedule, or the pipeline's training
   *     for a model's overrides
   * @return the training, or null if its record refused it (reported)
   */
  static TrainingParams read(YamlMap m, TrainingParams base) {
    m.rejectUnknownKeys(TRAINING.keys());
    return TRAINING.bind(m, base);
  }

  /**
   * AT or TRADES; what is not written is the paper's AT (from the natural model, step a quarter
   * of the bound) or the TRADES reference.
   */
  private static AdversarialTraining adversarial(YamlMap m) {
    m.rejectUnknownKeys(ADVERSARIAL.keys());
    if (!m.has("method")) {
      m.error("method", "is required: at or trades");
    }
    SectionBinder.Values written = ADVERSARIAL.read(m);
    AdversarialTraining.Method method = written.get("method", AdversarialTraining.Method.class);
    return method == null ? null : ADVERSARIAL.bind(m, written,
        () -> AdversarialTraining.defaults(method, written.get("epsilon", Double.class)));
  }
}
