/** Health and metrics of the server: what an operator scrapes to see queues, lag and producers going quiet. */
package io.collectoffline.server.health;
