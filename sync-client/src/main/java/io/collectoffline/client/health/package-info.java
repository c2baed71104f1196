/**
 * Health and metrics of the laptop app. Keeps: liveness and readiness never depend on the network (a laptop is
 * offline by design); only refused credentials make readiness DOWN.
 */
package io.collectoffline.client.health;
