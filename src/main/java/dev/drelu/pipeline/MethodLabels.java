package dev.drelu.pipeline;

import dev.drelu.train.ModelMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Names the method each trained model is compared as in the statistics and tables: its
 * {@link ModelMethod#family}, with lambda where the pipeline trains one family at several lambdas
 * on one architecture. So a lambda sweep compares each lambda as a method of its own, while a
 * paper table compares D-ReLU across architectures whatever lambda each architecture uses.
 */
final class MethodLabels {
  private MethodLabels() {}

  /**
   * One trained model.
   *
   * @param name its label, for messages
   * @param seed its training seed: models of one method differ only in it
   */
  record Model(String name, String architecture, ModelMethod method, long seed) {}

  /**
   * @param models by key, in table order
   * @return each model's method label, by key
   * @throws IllegalArgumentException naming the models, if two models of one architecture and seed
   *     are the same method: the statistics would count one method twice, and the models differ in
   *     something a method does not name (cap-init, the learning rates, ...)
   */
  static Map<String, String> of(Map<String, Model> models) {
    Map<List<String>, Set<Double>> lambdas = new HashMap<>();
    models.values().forEach(m -> lambdas.computeIfAbsent(List.of(m.architecture(), m.method().family()),
        k -> new HashSet<>()).add(m.method().lambda()));
    Set<String> swept = new HashSet<>();
    lambdas.forEach((archAndFamily, values) -> {
      if (values.size() > 1) {
        swept.add(archAndFamily.get(1));
      }
    });
    Map<String, String> labels = new LinkedHashMap<>();
    Map<List<String>, String> seen = new HashMap<>();
    List<String> clashes = new ArrayList<>();
    models.forEach((key, m) -> {
      String label = swept.contains(m.method().family()) ? m.method().familyWithLambda() : m.method().family();
      String other = seen.putIfAbsent(List.of(m.architecture(), label, Long.toString(m.seed())), m.name());
      if (other != null) {
        clashes.add(other + " and " + m.name() + " are both method " + label + " on " + m.architecture());
      }
      labels.put(key, label);
    });
    if (!clashes.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", clashes) + ": the statistics compare methods (activation,"
          + " objective, lambda), and these models differ in something else; compare them in separate pipelines");
    }
    return labels;
  }
}
