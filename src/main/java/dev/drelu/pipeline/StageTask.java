package dev.drelu.pipeline;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** One unit of stage work, known before the pipeline runs: its key follows from params and inputs. */
public interface StageTask extends Serializable {
  Stage stage();

  /** @return the cache key */
  String key();

  /** @return a short human label, e.g. "dense-relu s1" */
  String label();

  /** @return the resolved parameters that define the output (hashed into the key, logged to MLflow) */
  Map<String, Object> params();

  /** @return the keys of the artifacts it reads */
  List<String> inputKeys();
}
