package dev.drelu.attack;

import java.util.Map;
import java.util.TreeMap;

/** The parts of {@link AttackParams#keyContent} every method (or every gradient method) shares. */
final class AttackKeys {
  private AttackKeys() {}

  /** @return key-format, method, name, norm, epsilon and seed, in a sorted map the caller adds to */
  static Map<String, Object> common(AttackParams p) {
    Map<String, Object> k = new TreeMap<>();
    k.put("key-format", AttackParams.KEY_FORMAT);
    k.put("method", p.method().key());
    // the name is part of the work: the per-example results carry it
    k.put("name", p.name());
    k.put("norm", p.norm().key());
    k.put("epsilon", p.epsilon());
    k.put("seed", p.seed());
    // written only when it departs from the default, so every logits attack keeps its cache key
    if (p.modelOutput() != ModelOutput.LOGITS) {
      k.put("model-output", p.modelOutput().key());
    }
    return k;
  }

  /** @return {@link #common} plus straight-through, source and a soft-cap surrogate's settings */
  static Map<String, Object> gradient(GradientAttack p) {
    Map<String, Object> k = common(p);
    k.put("straight-through", p.straightThrough());
    k.put("source", p.source().key());
    p.surrogate().addKeys(k); // a soft cap only: exact and straight-through add nothing
    return k;
  }
}
