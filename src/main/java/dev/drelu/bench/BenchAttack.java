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
 */
public record BenchAttack(String name, String method, int steps, double stepSize, boolean randomStart, int queries) {
  static final double EPSILON = 0.1;
  static final double SQUARE_P_INIT = 0.8;

  /** @return PGD-20, APGD-CE-100 and Square-1000 at Linf 0.1 (the quickstart's PGD step 0.01) */
  public static List<BenchAttack> timed() {
    return List.of(new BenchAttack("pgd-20", "pgd", 20, 0.01, true, 0),
        new BenchAttack("apgd-ce-100", "apgd-ce", 100, 0, false, 0),
        new BenchAttack("square-1000", "square", 0, 0, false, 1000));
  }

  /** PGD-20 without the random start: deterministic, so both sides must fool the same examples. */
  public static BenchAttack agreementCheck() {
    return new BenchAttack("pgd-20-fixed-start", "pgd", 20, 0.01, false, 0);
  }

  AttackParams dreluParams() {
    return switch (method) {
      case "pgd" -> PgdParams.builder().epsilon(EPSILON).steps(steps).stepSize(stepSize).randomStart(randomStart)
          .build();
      case "apgd-ce" -> ApgdParams.builder(AttackMethod.APGD_CE).epsilon(EPSILON).steps(steps).build();
      case "square" -> SquareParams.builder().epsilon(EPSILON).queries(queries).pInit(SQUARE_P_INIT).build();
      default -> throw new IllegalArgumentException("unknown bench attack method " + method);
    };
  }

  Map<String, Object> referenceArguments() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("method", method);
    m.put("epsilon", EPSILON);
    m.put("steps", steps);
    m.put("stepSize", stepSize);
    m.put("randomStart", randomStart);
    m.put("queries", queries);
    m.put("pInit", SQUARE_P_INIT);
    return m;
  }
}
