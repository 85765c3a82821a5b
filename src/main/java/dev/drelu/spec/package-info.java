/**
 * Pipeline specs and parameter sets: YAML to validated records. Every mistake is reported
 * before any work starts, all at once, each naming the file, the line and the key.
 */
package dev.drelu.spec;
