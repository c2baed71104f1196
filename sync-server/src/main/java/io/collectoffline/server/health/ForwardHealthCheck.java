package io.collectoffline.server.health;

import io.collectoffline.server.forward.ForwardService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN when the upstream refused this server's token: ingest from laptops still works, but nothing goes upstream
 * until someone fixes {@code sync.server.upstream.token}. An unreachable upstream is normal for a site server on a
 * poor link and never makes it DOWN.
 */
@Readiness
@ApplicationScoped
public class ForwardHealthCheck implements HealthCheck {

    private final ForwardService forward;

    ForwardHealthCheck(ForwardService forward) {
        this.forward = forward;
    }

    @Override
    public HealthCheckResponse call() {
        String problem = forward.authProblem();
        return HealthCheckResponse.named("forward")
                .status(problem == null)
                .withData(
                        "reason",
                        problem == null
                                ? "forwarding allowed"
                                : "the upstream refused this server's credentials: " + problem)
                .build();
    }
}
