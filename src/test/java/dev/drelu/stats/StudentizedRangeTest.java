package dev.drelu.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.drelu.testing.Slow;
import org.junit.jupiter.api.Test;

/**
 * Expected values from SciPy 1.17.1 (src/test/resources/dev/drelu/stats/expected_values.py):
 * {@code scipy.stats.studentized_range.ppf(1 - alpha, k, df)} and
 * {@code scipy.stats.studentized_range.cdf(q, k, df)}; df = inf uses SciPy's asymptotic form.
 */
@Slow
class StudentizedRangeTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  /** {k, df, alpha, q}: q = scipy.stats.studentized_range.ppf(1 - alpha, k, df). */
  private static final double[][] QUANTILES = {
        {2, INF, 0.01, 3.642772735436894},
        {3, INF, 0.01, 4.12030320646012},
        {4, INF, 0.01, 4.402800861448699},
        {5, INF, 0.01, 4.602821042201571},
        {6, INF, 0.01, 4.757047249408221},
        {7, INF, 0.01, 4.882166194995566},
        {8, INF, 0.01, 4.987182689088668},
        {9, INF, 0.01, 5.077505681093961},
        {10, INF, 0.01, 5.156634960089622},
        {11, INF, 0.01, 5.226962883421808},
        {12, INF, 0.01, 5.290195579133834},
        {15, INF, 0.01, 5.448476211870204},
        {20, INF, 0.01, 5.6452146979858515},
        {30, INF, 0.01, 5.910592386935943},
        {2, INF, 0.05, 2.771807648699355},
        {3, INF, 0.05, 3.314493155398122},
        {4, INF, 0.05, 3.6331595749026278},
        {5, INF, 0.05, 3.857655510378623},
        {6, INF, 0.05, 4.030092053180576},
        {7, INF, 0.05, 4.169554155006547},
        {8, INF, 0.05, 4.286309409349043},
        {9, INF, 0.05, 4.38650911549537},
        {10, INF, 0.05, 4.474124221725907},
        {11, INF, 0.05, 4.551863584065974},
        {12, INF, 0.05, 4.621655471868518},
        {15, INF, 0.05, 4.795923860431186},
        {20, INF, 0.05, 5.0116887941184425},
        {30, INF, 0.05, 5.30128957403117},
        {2, INF, 0.1, 2.3261743073533476},
        {3, INF, 0.1, 2.9023802134282515},
        {4, INF, 0.1, 3.240446220927359},
        {5, INF, 0.1, 3.478280550703068},
        {6, INF, 0.1, 3.660720941720752},
        {7, INF, 0.1, 3.8080982570260042},
        {8, INF, 0.1, 3.9313491004685965},
        {9, INF, 0.1, 4.037023130237707},
        {10, INF, 0.1, 4.129346398236873},
        {11, INF, 0.1, 4.2112002465427985},
        {12, INF, 0.1, 4.28463460369403},
        {15, INF, 0.1, 4.46778181593394},
        {20, INF, 0.1, 4.694104409490512},
        {30, INF, 0.1, 4.997112865401611},
        {2, 2, 0.01, 14.03584785916495},
        {3, 2, 0.01, 19.018935987312496},
        {5, 2, 0.01, 24.717186201322377},
        {10, 2, 0.01, 31.689352369386093},
        {2, 2, 0.05, 6.084869844593298},
        {3, 2, 0.05, 8.330782645637044},
        {5, 2, 0.05, 10.8811135421241},
        {10, 2, 0.05, 13.988491140061566},
        {2, 2, 0.1, 4.129483209670109},
        {3, 2, 0.1, 5.732648952563369},
        {5, 2, 0.1, 7.537531647541146},
        {10, 2, 0.1, 9.724926335190698},
        {2, 5, 0.01, 5.7023112927712685},
        {3, 5, 0.01, 6.975736631249339},
        {5, 5, 0.01, 8.421490577747642},
        {10, 5, 0.01, 10.239256028510361},
        {2, 5, 0.05, 3.63535169514679},
        {3, 5, 0.05, 4.601726054362549},
        {5, 5, 0.05, 5.673124435463923},
        {10, 5, 0.05, 6.994697767888188},
        {2, 5, 0.1, 2.8497087384054045},
        {3, 5, 0.1, 3.717111449623844},
        {5, 5, 0.1, 4.663827054132178},
        {10, 5, 0.1, 5.815903080976361},
        {2, 10, 0.01, 4.482028396473151},
        {3, 10, 0.01, 5.2701615370687165},
        {5, 10, 0.01, 6.13609331339544},
        {10, 10, 0.01, 7.213349202850773},
        {2, 10, 0.05, 3.151064183329372},
        {3, 10, 0.05, 3.876776750013158},
        {5, 10, 0.05, 4.6542929978545375},
        {10, 10, 0.05, 5.598386466470144},
        {2, 10, 0.1, 2.563207101154224},
        {3, 10, 0.1, 3.270308407950077},
        {5, 10, 0.1, 4.018011272873531},
        {10, 10, 0.1, 4.913210851709467},
        {2, 30, 0.01, 3.889081149741569},
        {3, 30, 0.01, 4.454915058145453},
        {5, 30, 0.01, 5.047605131904664},
        {10, 30, 0.01, 5.756254907238702},
        {2, 30, 0.05, 2.8882094057621686},
        {3, 30, 0.05, 3.486420064705315},
        {5, 30, 0.05, 4.102079019506422},
        {10, 30, 0.05, 4.824141286183106},
        {2, 30, 0.1, 2.4002893647065293},
        {3, 30, 0.1, 3.0172338928940383},
        {5, 30, 0.1, 3.647891607281081},
        {10, 30, 0.1, 4.380606527931503},
        {2, 120, 0.01, 3.701592481851703},
        {3, 120, 0.01, 4.1999440046149745},
        {5, 120, 0.01, 4.708500213719114},
        {10, 120, 0.01, 5.299213944943266},
        {2, 120, 0.05, 2.800044431422315},
        {3, 120, 0.05, 3.3561383961506337},
        {5, 120, 0.05, 3.9169376908061198},
        {10, 120, 0.05, 4.55953799405391},
        {2, 120, 0.1, 2.3442723835480646},
        {3, 120, 0.1, 2.9304090359656216},
        {5, 120, 0.1, 3.519788051657621},
        {10, 120, 0.1, 4.191402138261082},
  };

  /** {q, k, df, p}: p = scipy.stats.studentized_range.cdf(q, k, df). */
  private static final double[][] CDF = {
        {1.0, 2, INF, 0.5204998778130465},
        {3.0, 4, INF, 0.8537285189523403},
        {4.5, 10, INF, 0.9526941726870715},
        {2.5, 3, 5, 0.7288840794127781},
        {6.0, 8, 12, 0.9820424568498752},
        {0.5, 5, 20, 0.003632994607192826},
  };

  @Test
  void quantilesMatchScipyForManyGroupCountsAlphasAndDf() {
    for (double[] row : QUANTILES) {
      int k = (int) row[0];
      double q = StudentizedRange.quantile(1 - row[2], k, row[1]);
      assertEquals(row[3], q, 1e-6, "k=" + k + " df=" + row[1] + " alpha=" + row[2]);
    }
  }

  @Test
  void cdfMatchesScipy() {
    for (double[] row : CDF) {
      assertEquals(row[3], StudentizedRange.cdf(row[0], (int) row[1], row[2]), 1e-9,
          "q=" + row[0] + " k=" + row[1] + " df=" + row[2]);
    }
  }

  @Test
  void twoGroupsWithKnownVarianceIsTheScaledNormal() {
    // the range of two N(0,1) is |N(0,2)|, so P(Q <= q) = 2 Phi(q / sqrt 2) - 1 exactly
    for (double q : new double[] {0.1, 1.0, 2.5, 5.0}) {
      double exact = 2 * StudentizedRange.normalCdf(q / Math.sqrt(2)) - 1;
      assertEquals(exact, StudentizedRange.cdf(q, 2, INF), 1e-12);
    }
  }

  @Test
  void cdfIsMonotoneAndBounded() {
    double previous = 0;
    for (double q = 0; q < 12; q += 0.25) {
      double p = StudentizedRange.cdf(q, 6, 7);
      assertTrue(p >= previous - 1e-14 && p <= 1, "q=" + q + " p=" + p);
      previous = p;
    }
    assertEquals(1.0, StudentizedRange.cdf(INF, 6, 7));
  }

  @Test
  void badArgumentsAreNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> StudentizedRange.quantile(0.95, 1, INF));
    assertTrue(e.getMessage().contains("k (number of groups) must be at least 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> StudentizedRange.cdf(1, 3, 0.5));
    assertTrue(e.getMessage().contains("df must be at least 1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> StudentizedRange.quantile(1.0, 3, INF));
    assertTrue(e.getMessage().contains("p must be in (0, 1)"), e.getMessage());
  }
}
