package dev.drelu.attack;

import dev.drelu.core.Checks;
import java.util.List;

/** Builds a gradient attack: the common settings plus BPDA (or another gradient surrogate) and the transfer source. */
public abstract class GradientAttackBuilder<B extends GradientAttackBuilder<B>> extends AttackBuilder<B> {
  boolean straightThrough;
  AttackSource source = AttackSource.SELF;
  /** Null until written: then {@code straight-through} alone decides (exact or straight-through). */
  private SurrogateSchedule.Kind surrogate;
  private Double temperature;
  private Double annealFrom;

  GradientAttackBuilder(AttackMethod method, Norm defaultNorm) {
    super(method, defaultNorm);
  }

  public B straightThrough(boolean v) { straightThrough = v; return self(); }
  public B source(AttackSource v) { source = v; return self(); }
  public B surrogate(SurrogateSchedule.Kind v) { surrogate = v; return self(); }
  public B temperature(double v) { temperature = finite("temperature", v); return self(); }
  public B annealFrom(double v) { annealFrom = finite("anneal-from", v); return self(); }

  /** @return a soft cap annealed from {@code from} to {@code to} (its three settings at once) */
  public B softCap(double to, double from) {
    return surrogate(SurrogateSchedule.Kind.SOFT_CAP).temperature(to).annealFrom(from);
  }

  @Override
  public List<Setting> settings() {
    return Setting.join(super.settings(), Setting.flag("straight-through", this::straightThrough),
        Setting.choice("source", AttackSource::parse, this::source));
  }

  /**
   * The keys of {@link SurrogateSchedule} for the methods that anneal a surrogate over their
   * iterations (PGD, APGD): {@code surrogate}, {@code temperature}, {@code anneal-from}.
   */
  List<Setting> surrogateSettings() {
    return List.of(Setting.choice("surrogate", SurrogateSchedule.Kind::parse, this::surrogate),
        Setting.number("temperature", this::temperature), Setting.number("anneal-from", this::annealFrom));
  }

  /**
   * @return the gradient the attack follows: {@code straight-through: true} is the shorthand of
   *     {@code surrogate: straight-through}; a soft cap's temperatures default to
   *     {@link SurrogateSchedule#DEFAULT_TEMPERATURE} and {@link SurrogateSchedule#DEFAULT_ANNEAL_FROM}
   */
  SurrogateSchedule surrogateSchedule() {
    SurrogateSchedule.Kind kind = surrogate != null ? surrogate
        : straightThrough ? SurrogateSchedule.Kind.STRAIGHT_THROUGH : SurrogateSchedule.Kind.EXACT;
    if (straightThrough && kind != SurrogateSchedule.Kind.STRAIGHT_THROUGH) {
      throw Checks.invalid("surrogate", "is " + kind.key() + " but straight-through is true; write only one of them");
    }
    if (kind != SurrogateSchedule.Kind.SOFT_CAP) {
      if (temperature != null || annealFrom != null) {
        throw Checks.invalid(temperature != null ? "temperature" : "anneal-from",
            "applies to surrogate: soft-cap only, but the surrogate is " + kind.key());
      }
      return SurrogateSchedule.of(kind == SurrogateSchedule.Kind.STRAIGHT_THROUGH);
    }
    double t = temperature != null ? temperature : SurrogateSchedule.DEFAULT_TEMPERATURE;
    double from = annealFrom != null ? annealFrom : Math.max(t, SurrogateSchedule.DEFAULT_ANNEAL_FROM);
    return SurrogateSchedule.softCap(t, from);
  }
}
