/** Small pieces every other package uses: argument checks, progress lines, drelu's home folder. */
package dev.drelu.core;
