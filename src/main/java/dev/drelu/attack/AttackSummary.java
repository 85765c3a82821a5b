package dev.drelu.attack;

import java.io.Serializable;

/**
 * One attack's result on one model.
 *
 * @param cleanAccuracy share of examples classified correctly without attack
 * @param robustAccuracy share classified correctly both clean and under the attack
 * @param zeroGradientFraction share whose input gradient is exactly zero at the clean point
 * @param maxLinf the largest perturbation found (must stay within epsilon)
 * @param meanL2 mean L2 size of the perturbations
 * @param meanQueries mean model evaluations per example
 * @param maxQueries the most any example used (Square must stay within its budget)
 * @param imagesPerSecond attacked images per second
 */
public record AttackSummary(
    String attack,
    int examples,
    double cleanAccuracy,
    double robustAccuracy,
    double zeroGradientFraction,
    double maxLinf,
    double meanL2,
    double meanQueries,
    int maxQueries,
    double seconds,
    double imagesPerSecond)
    implements Serializable {}
