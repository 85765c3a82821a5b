"""Produces the expected values kept in dev.drelu.stats tests (run once, SciPy 1.17.1):
    python3 -m venv /tmp/scipy && /tmp/scipy/bin/pip install scipy
    /tmp/scipy/bin/python expected_values.py
Rows are architecture x metric, columns are methods, as in METHOD.md section 9."""
import numpy as np
from scipy import stats

TABLES = {
    # 6 rows x 4 methods, no ties within a row
    "A": [[0.951, 0.967, 0.940, 0.955],
          [0.181, 0.528, 0.300, 0.210],
          [0.102, 0.313, 0.250, 0.120],
          [0.975, 0.979, 0.970, 0.972],
          [0.814, 0.906, 0.850, 0.820],
          [0.568, 0.748, 0.700, 0.600]],
    # 5 rows x 3 methods with ties inside rows (tie-corrected chi-square)
    "B": [[0.50, 0.50, 0.40],
          [0.70, 0.80, 0.80],
          [0.30, 0.20, 0.10],
          [0.90, 0.95, 0.90],
          [0.60, 0.65, 0.62]],
}
np.set_printoptions(precision=17)
for name, t in TABLES.items():
    a = np.array(t)
    n, k = a.shape
    f = stats.f_oneway(*[a[:, j] for j in range(k)])
    fr = stats.friedmanchisquare(*[a[:, j] for j in range(k)])
    chi2 = fr.statistic
    ff = (n - 1) * chi2 / (n * (k - 1) - chi2)
    ffp = stats.f.sf(ff, k - 1, (k - 1) * (n - 1))
    ranks = np.array([stats.rankdata(-row) for row in a])  # rank 1 = highest accuracy
    print(f"table {name}: f_oneway F={f.statistic!r} p={f.pvalue!r}"
          f" Fcrit(0.01)={stats.f.isf(0.01, k - 1, n * k - k)!r}")
    print(f"  friedmanchisquare chi2={chi2!r} p={fr.pvalue!r}  F_F={ff!r} p={ffp!r}")
    print(f"  mean ranks={ranks.mean(axis=0).tolist()!r}")

print("studentized_range.ppf(1-alpha, k, df) (df=inf: the asymptotic form)")
for df in [np.inf, 2, 5, 10, 30, 120]:
    for alpha in [0.01, 0.05, 0.1]:
        ks = range(2, 13) if df == np.inf else [2, 3, 5, 10]
        if df == np.inf:
            ks = list(ks) + [15, 20, 30]
        for k in ks:
            q = stats.studentized_range.ppf(1 - alpha, k, df)
            print(f"  {{{k}, {df}, {alpha}, {q!r}}},")
print("studentized_range.cdf(q, k, df)")
for q, k, df in [(1.0, 2, np.inf), (3.0, 4, np.inf), (4.5, 10, np.inf), (2.5, 3, 5), (6.0, 8, 12), (0.5, 5, 20)]:
    print(f"  {{{q}, {k}, {df}, {stats.studentized_range.cdf(q, k, df)!r}}},")
