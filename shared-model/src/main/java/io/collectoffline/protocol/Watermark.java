package io.collectoffline.protocol;

/**
 * How far a receiver holds a producer's transactions without a gap.
 *
 * @param producer the producer
 * @param seq      highest seq such that every seq from 1 to it is stored (0 when none)
 */
public record Watermark(String producer, long seq) {}
