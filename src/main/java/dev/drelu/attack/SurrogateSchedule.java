package dev.drelu.attack;

import dev.drelu.core.Checks;
import dev.drelu.core.Keyed;
import dev.drelu.nn.GradientSurrogate;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * Which gradient a gradient attack follows through the caps, step by step (YAML {@code surrogate},
 * {@code temperature}, {@code anneal-from}). Only the backward pass changes: every forward pass,
 * and so every verdict, stays the model's own.
 *
 * <p>A soft cap ({@link GradientSurrogate.SoftCap}) passes a gradient from units above their cap
 * that the exact cap, and straight-through's "as if uncapped", get wrong in opposite ways: the
 * exact cap passes nothing, straight-through passes everything although the unit's output cannot
 * change. Its temperature falls geometrically from {@code annealFrom} at the first gradient to
 * {@code temperature} at the last, so early steps see a smooth model and the last ones nearly the
 * exact cap (the adaptive attacks used against saturating activations, Tramer et al. 2020).
 *
 * @param kind exact, straight-through or soft-cap
 * @param temperature soft-cap: the temperature of the last gradient; 0 for the other kinds
 * @param annealFrom soft-cap: the temperature of the first gradient (at least {@code temperature});
 *     0 for the other kinds
 */
public record SurrogateSchedule(Kind kind, double temperature, double annealFrom) implements Serializable {
  /** The gradients an attack can follow. */
  public enum Kind implements Keyed {
    /** The cap's own gradient. */
    EXACT("exact"),
    /** BPDA: caps pass gradients as plain ReLUs. */
    STRAIGHT_THROUGH("straight-through"),
    /** The gradient of a softplus-smoothed cap, annealed towards the exact one. */
    SOFT_CAP("soft-cap");

    private final String key;

    Kind(String key) {
      this.key = key;
    }

    @Override
    public String key() {
      return key;
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static Kind parse(String key) {
      return Keyed.parse(Kind.class, "surrogate", key);
    }
  }

  /** A soft cap's default last temperature: close to the exact cap for caps near 0.2. */
  public static final double DEFAULT_TEMPERATURE = 0.03;
  /** A soft cap's default first temperature. */
  public static final double DEFAULT_ANNEAL_FROM = 1.0;

  public static final SurrogateSchedule EXACT = new SurrogateSchedule(Kind.EXACT, 0, 0);
  public static final SurrogateSchedule STRAIGHT_THROUGH = new SurrogateSchedule(Kind.STRAIGHT_THROUGH, 0, 0);

  public SurrogateSchedule {
    Objects.requireNonNull(kind, "surrogate");
    if (kind == Kind.SOFT_CAP) {
      if (!(temperature > 0) || Double.isInfinite(temperature)) {
        throw Checks.invalid("temperature", "must be positive and finite, but was: " + temperature);
      }
      if (!(annealFrom >= temperature) || Double.isInfinite(annealFrom)) {
        throw Checks.invalid("anneal-from", "must be finite and at least the temperature " + temperature
            + " (the temperature falls from it), but was: " + annealFrom);
      }
    } else if (temperature != 0 || annealFrom != 0) {
      throw Checks.invalid("temperature", "applies to surrogate: soft-cap only, but the surrogate is " + kind.key());
    }
  }

  /** @return a soft cap annealed from {@code annealFrom} to {@code temperature} */
  public static SurrogateSchedule softCap(double temperature, double annealFrom) {
    return new SurrogateSchedule(Kind.SOFT_CAP, temperature, annealFrom);
  }

  /** @return straight-through if {@code straightThrough}, else exact (the old flag's meaning) */
  public static SurrogateSchedule of(boolean straightThrough) {
    return straightThrough ? STRAIGHT_THROUGH : EXACT;
  }

  public boolean exact() {
    return kind == Kind.EXACT;
  }

  public boolean straightThrough() {
    return kind == Kind.STRAIGHT_THROUGH;
  }

  /**
   * @param gradient which gradient evaluation of the run, from 0
   * @param gradients how many the run makes
   * @return the backward pass to use for it: for a soft cap, T = annealFrom * (temperature /
   *     annealFrom)^(gradient / (gradients - 1)), so the first is annealFrom and the last temperature
   */
  public GradientSurrogate at(int gradient, int gradients) {
    return switch (kind) {
      case EXACT -> GradientSurrogate.EXACT;
      case STRAIGHT_THROUGH -> GradientSurrogate.STRAIGHT_THROUGH;
      case SOFT_CAP -> {
        double progress = gradients <= 1 ? 1 : Math.min(1, (double) gradient / (gradients - 1));
        yield new GradientSurrogate.SoftCap(annealFrom * Math.pow(temperature / annealFrom, progress));
      }
    };
  }

  /**
   * Adds this schedule to an attack's cache-key content. Exact and straight-through add nothing
   * (the {@code straight-through} flag already says them), so attacks written before this
   * setting existed keep their keys.
   */
  void addKeys(Map<String, Object> k) {
    if (kind == Kind.SOFT_CAP) {
      k.put("surrogate", kind.key());
      k.put("temperature", temperature);
      k.put("anneal-from", annealFrom);
    }
  }
}
