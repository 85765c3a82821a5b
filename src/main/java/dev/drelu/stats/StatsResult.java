package dev.drelu.stats;

import java.io.Serializable;

/**
 * Every test over one accuracy table.
 *
 * @param scores the matrix tested (rows = architecture x metric, columns = methods)
 * @param anova one-way ANOVA across methods
 * @param friedman Friedman and Iman-Davenport
 * @param nemenyi post-hoc critical difference
 */
public record StatsResult(ScoreMatrix scores, Anova anova, Friedman friedman, Nemenyi nemenyi)
    implements Serializable {}
