/**
 * The pipeline: planning (cache keys for every stage before anything runs), the stage services
 * that do the work with caching and tracking, and their Beam assembly on the Direct or Flink runner.
 */
package dev.drelu.pipeline;
