/** The command line (picocli): parses options, loads specs and calls the pipeline; no science here. */
package dev.drelu.cli;
