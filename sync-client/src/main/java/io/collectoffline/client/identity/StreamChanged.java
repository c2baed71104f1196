package io.collectoffline.client.identity;

/** This laptop captures on {@code stream} from now on (a divergence was recovered); capture observes it. */
public record StreamChanged(String stream) {}
