package dev.drelu.attack;

import dev.drelu.core.Checks;
import java.util.List;

/**
 * Builds one method's {@link AttackParams}: unset settings take the method's reference defaults
 * (held by the method's own builder, e.g. {@link PgdParams.Builder}), and {@link #settings} lists
 * the YAML keys the method takes.
 *
 * @param <B> the concrete builder, so setters chain
 */
public abstract class AttackBuilder<B extends AttackBuilder<B>> {
  final AttackMethod method;
  String name;
  Norm norm;
  /** Null until set: the bound has no default. */
  private Double epsilon;
  long seed;
  ModelOutput modelOutput = ModelOutput.LOGITS;

  AttackBuilder(AttackMethod method, Norm defaultNorm) {
    this.method = method;
    this.name = method.key();
    this.norm = defaultNorm;
  }

  public B name(String v) { name = v; return self(); }
  public B norm(Norm v) { norm = v; return self(); }
  public B epsilon(double v) { epsilon = finite("epsilon", v); return self(); }
  public B seed(long v) { seed = v; return self(); }
  public B modelOutput(ModelOutput v) { modelOutput = v; return self(); }

  /**
   * @return the YAML keys this method takes besides {@code method}, each with the setter its value
   *     goes to: the one list of them (the spec's allowed keys, and the cache key's fields)
   */
  public List<Setting> settings() {
    return List.of(Setting.text("name", this::name), Setting.choice("norm", Norm::parse, this::norm),
        Setting.number("epsilon", this::epsilon), Setting.longValue("seed", this::seed),
        Setting.choice("model-output", ModelOutput::parse, this::modelOutput));
  }

  /**
   * @throws Checks.Invalid if epsilon is missing or any setting is out of range, naming the
   *     setting's YAML key (so the spec reports it at that key's line)
   */
  public abstract AttackParams build();

  /** @throws Checks.Invalid if epsilon was never set, or is out of range for the norm */
  ThreatModel threatModel() {
    if (epsilon == null) {
      throw Checks.invalid("epsilon", "must be set (the " + norm.key() + " bound)");
    }
    return new ThreatModel(norm, epsilon);
  }

  /**
   * NaN once meant "unset" here, so a NaN from anywhere silently became the default; unset is
   * null now, and NaN or an infinity is refused where it is set.
   */
  static double finite(String key, double v) {
    if (!Double.isFinite(v)) {
      throw Checks.invalid(key, "must be a finite number, but was: " + v);
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  final B self() {
    return (B) this;
  }
}
