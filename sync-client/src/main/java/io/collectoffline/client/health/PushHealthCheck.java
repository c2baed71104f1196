package io.collectoffline.client.health;

import io.collectoffline.client.push.PushService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN when the server refused this laptop's credentials: data entry still works, but nothing leaves the laptop
 * until someone fixes the token. Being offline is normal for a laptop and never makes it DOWN.
 */
@Readiness
@ApplicationScoped
public class PushHealthCheck implements HealthCheck {

    private final PushService push;

    PushHealthCheck(PushService push) {
        this.push = push;
    }

    @Override
    public HealthCheckResponse call() {
        String problem = push.authProblem();
        return HealthCheckResponse.named("push")
                .status(problem == null)
                .withData("reason", problem == null ? "pushing allowed" : problem)
                .build();
    }
}
