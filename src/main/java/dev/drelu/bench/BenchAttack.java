package dev.drelu.bench;

import dev.drelu.attack.ApgdParams;
import dev.drelu.attack.AttackMethod;
import dev.drelu.attack.AttackParams;
import dev.drelu.attack.PgdParams;
import dev.drelu.attack.SquareParams;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An attack with the same settings on both sides: drelu's params and torchattacks' arguments.
 *
 * @param name row label
 * @param method pgd, apgd-ce or square
 * @param steps iterations (pgd, apgd-ce)
 * @param stepSize pgd's step
 * @param randomStart pgd's random start
 * @param queries square's query budget
 * @param epsilon the Linf bound
 */
public record BenchAttack(String name, String method, int steps, double stepSize, boolean randomStart, int queries,
    double epsilon) {
  /** The quickstart's bound. */
  static final double EPSILON = 0.1;
  static final double SQUARE_P_INIT = 0.8;

  /** @return PGD-20, APGD-CE-100 and Square-1000 at Linf 0.1 (the quickstart's PGD step 0.01) */
  public static List<BenchAttack> timed() {
    return List.of(new BenchAttack("pgd-20", "pgd", 20, 0.01, true, 0, EPSILON),
        new BenchAttack("apgd-ce-100", "apgd-ce", 100, 0, false, 0, EPSILON),
        new BenchAttack("square-1000", "square", 0, 0, false, 1000, EPSILON));
  }

  /**
   * PGD-20 without the random start at Linf 0.05 (step 0.005): deterministic, so both sides must
   * fool the same examples. On lightly trained D-ReLU heads it fools few or none on either side
   * (the caps zero most of the input gradient), which makes this the weaker of the two checks.
   */
  public static BenchAttack agreementCheck() {
    return new BenchAttack("pgd-20-fixed-start", "pgd", 20, 0.005, false, 0, 0.05);
  }

  AttackParams dreluParams() {
    return switch (method) {
      case "pgd" -> PgdParams.builder().epsilon(epsilon).steps(steps).stepSize(stepSize).randomStart(randomStart)
          .build();
      case "apgd-ce" -> ApgdParams.builder(AttackMethod.APGD_CE).epsilon(epsilon).steps(steps).build();
      case "square" -> SquareParams.builder().epsilon(epsilon).queries(queries).pInit(SQUARE_P_INIT).build();
      default -> throw new IllegalArgumentException("unknown bench attack method " + method);
    };
  }

  Map<String, Object> referenceArguments() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("method", method);
    m.put("epsilon", epsilon);
    m.put("steps", steps);
    m.put("stepSize", stepSize);
    m.put("randomStart", randomStart);
    m.put("queries", queries);
    m.put("pInit", SQUARE_P_INIT);
    return m;
  }
}
