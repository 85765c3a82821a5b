/**
 * Interoperation: drelu-trained networks written as TorchScript files (without Python) and their
 * evaluations written as RobustBench-style model records.
 */
package dev.drelu.export;
