package dev.drelu.spec;

import dev.drelu.attack.AttackMethod;
import dev.drelu.attack.AttackParams;
import dev.drelu.attack.AttackSource;
import dev.drelu.attack.Norm;
import java.util.ArrayList;
import java.util.List;

/** Reads one attack mapping of a spec (inline or its own file) into {@link AttackParams}. */
final class AttackSpecs {
  private AttackSpecs() {}

  static final List<String> ATTACK_KEYS = List.of("name", "method", "norm", "epsilon", "steps", "step-size",
      "random-start", "restarts", "rho", "momentum", "targets", "confidence", "binary-search-steps",
      "learning-rate", "initial-const", "queries", "p-init", "all-positions", "straight-through", "source", "seed");
  static AttackParams attack(YamlMap m) {
    int before = m.errors().count();
    AttackMethod method = m.has("method") ? m.parsed("method", null, AttackMethod::parse) : null;
    if (!m.has("method")) {
      m.error("method", "is required: one of "
          + java.util.Arrays.stream(AttackMethod.values()).map(AttackMethod::key).toList());
    }
    if (!m.has("epsilon")) {
      m.error("epsilon", "is required (the bound in [0, 1] pixel units; the paper uses Linf 0.1 on MNIST)");
    }
    if (method != null) {
      // each method takes the common keys and its own; a key of another method is a mistake
      List<String> allowed = new ArrayList<>(AttackParams.COMMON_KEYS);
      allowed.addAll(AttackParams.applicableKeys(method));
      for (String key : m.keys()) {
        if (ATTACK_KEYS.contains(key) && !allowed.contains(key)) {
          m.error(key, "does not apply to " + method.key() + " (its keys: " + String.join(", ", allowed) + ")");
        }
      }
    }
    m.rejectUnknownKeys(ATTACK_KEYS);
    // only what the file sets is passed on: the builder holds the reference defaults. Without a
    // method, PGD stands in so the other keys are still checked and reported in the same pass.
    AttackParams.Builder b = AttackParams.builder(method == null ? AttackMethod.PGD : method);
    set(m, "name", k -> b.name(m.string(k, null)));
    set(m, "norm", k -> b.norm(m.parsed(k, Norm.LINF, Norm::parse)));
    set(m, "epsilon", k -> b.epsilon(m.number(k, 0)));
    set(m, "source", k -> b.source(m.parsed(k, AttackSource.SELF, AttackSource::parse)));
    set(m, "straight-through", k -> b.straightThrough(m.bool(k, false)));
    set(m, "seed", k -> b.seed(m.longValue(k, 0)));
    set(m, "steps", k -> b.steps(m.integer(k, 1)));
    // unset (the builder's default, 2.5 * eps / steps) unless given as a number; number() reports
    // anything else, NaN and infinities included, so a mistake never falls back to the default unseen
    set(m, "step-size", k -> {
      int reported = m.errors().count();
      double v = m.number(k, 0);
      if (m.errors().count() == reported) {
        b.stepSize(v);
      }
    });
    set(m, "random-start", k -> b.randomStart(m.bool(k, true)));
    set(m, "restarts", k -> b.restarts(m.integer(k, 1)));
    set(m, "rho", k -> b.rho(m.number(k, 0.75)));
    set(m, "momentum", k -> b.momentum(m.number(k, 0.75)));
    set(m, "targets", k -> b.targets(m.integer(k, 9)));
    set(m, "confidence", k -> b.confidence(m.number(k, 0)));
    set(m, "binary-search-steps", k -> b.binarySearchSteps(m.integer(k, 9)));
    set(m, "learning-rate", k -> b.learningRate(m.number(k, 0.01)));
    set(m, "initial-const", k -> b.initialConst(m.number(k, 1e-3)));
    set(m, "queries", k -> b.queries(m.integer(k, 5000)));
    set(m, "p-init", k -> b.pInit(m.number(k, 0.8)));
    set(m, "all-positions", k -> b.allPositions(m.bool(k, false)));
    if (!m.has("epsilon")) {
      return null;
    }
    AttackParams a = RecordChecks.construct(m, b::build);
    if (method == null) {
      return null;
    }
    return m.errors().count() != before ? null : a;
  }

  private static void set(YamlMap m, String key, java.util.function.Consumer<String> setter) {
    if (m.has(key)) {
      setter.accept(key);
    }
  }

}
