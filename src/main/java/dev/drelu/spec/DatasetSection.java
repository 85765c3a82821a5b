package dev.drelu.spec;

import dev.drelu.data.DatasetParams;
import dev.drelu.data.DatasetParams.Generated;
import dev.drelu.data.DatasetParams.Source;
import java.util.List;

/** The dataset section: the source and its split, with generated data written flat beside them. */
final class DatasetSection {
  private DatasetSection() {}

  /** Generated data is read by its own binder from the dataset's mapping, not from a nested one. */
  private static final SectionBinder<DatasetParams> DATASET = SectionBinder.of(DatasetParams.class, "generated");
  private static final SectionBinder<Generated> GENERATED = SectionBinder.of(Generated.class);
  /** The keys a dataset mapping may have. */
  static final List<String> KEYS = SectionBinder.keys(DATASET, GENERATED);

  /** @return the dataset, or null if anything in its mapping was wrong (reported) */
  static DatasetParams read(YamlMap m) {
    int before = m.errors().count();
    m.rejectUnknownKeys(KEYS);
    m.requireOneOf("source", Source.values());
    SectionBinder.Values written = DATASET.read(m);
    Source source = written.get("source", Source.class);
    if (written.has("path")) {
      // paths are relative to the file that names them
      written.put("path", Sections.relative(m, written.get("path", String.class)));
    }
    if (source != null && source.needsPath() && !written.has("path")) {
      m.error("source", "source " + source.key() + " needs path: the extracted distribution folder"
          + " (it cannot be downloaded here)");
    }
    Generated generated = generated(m, source);
    // the record checks the ranges even when the source is missing (it does not depend on it), so
    // every mistake shows up in one pass
    DatasetParams d = DATASET.bind(m, written,
        () -> DatasetParams.defaults(Sections.stem(m.file()), source).withGenerated(generated));
    return source == null || m.errors().count() != before ? null : d;
  }

  /** @return the generated data the mapping sets, or null: none, or reported */
  private static Generated generated(YamlMap m, Source source) {
    SectionBinder.Values written = GENERATED.read(m);
    String path = Sections.relative(m, written.get("generated-path", String.class));
    if (path == null) {
      for (String key : GENERATED.keys()) {
        if (!key.equals("generated-path") && m.has(key)) {
          m.error(key, "applies to generated data only: set generated-path (an .npz file) too, or remove it");
        }
      }
      return null;
    }
    written.put("generated-path", path);
    double realRatio = source == null ? Source.CIFAR_REAL_RATIO : source.defaultRealRatio();
    return GENERATED.bind(m, written, () -> Generated.of(path, realRatio));
  }
}
