/** Benchmarks that print tables (bench/run.sh); not part of the tests, never asserting timings. */
package io.collectoffline.bench;
