/**
 * Statistics over accuracy tables (rows = architecture x metric, columns = methods): ANOVA,
 * Friedman with Iman-Davenport, Nemenyi's critical difference and the studentized range
 * distribution it needs; plain Java, no Beam or DJL.
 */
package dev.drelu.stats;
