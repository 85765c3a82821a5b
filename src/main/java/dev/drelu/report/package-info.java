/**
 * Tables in the paper's form, charts (PNG and SVG) and the self-contained HTML report of one
 * pipeline execution; consumes result tables, knows nothing of Beam or DJL.
 */
package dev.drelu.report;
