package io.collectoffline.client.people;

import io.collectoffline.client.config.ClientConfig;
import io.collectoffline.protocol.LaptopAccount;
import io.collectoffline.security.PasswordHash;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logins on this laptop, with no network: a name and password checked against the hash the server sent
 * ({@link LaptopAccounts}); a login holds while it is used and ends after {@code sync.client.users.idle-lock}
 * without a request (the laptop locks) or at logout. Logins live in memory only: a restart locks the laptop. After
 * {@code lock-after} wrong passwords in a row a name cannot log in for {@code lock-for}. The answer to an unknown name
 * and to a wrong password is the same.
 */
@ApplicationScoped
public class LaptopSessions {

    /** A logged-in person. */
    public record Login(String username, String displayName, long lastUsedNanos) {}

    /** Why a login failed. */
    public static class LoginFailedException extends RuntimeException {
        public LoginFailedException(String message) {
            super(message);
        }
    }

    /** Wrong passwords in a row; the lock's end on the monotonic clock (a wall clock set back must not lengthen it). */
    private record Failures(int count, Long lockedUntilNanos) {}

    private final LaptopAccounts accounts;
    private final ClientConfig.Users config;
    private final Map<String, Login> sessions = new ConcurrentHashMap<>();
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    /** Made with the bean at run time: a static one would be frozen into a native image. */
    private final SecureRandom random = new SecureRandom();
    /** Verified for an unknown name, so that it takes as long as a wrong password. */
    private final String noOne = PasswordHash.hash("no one has this password");

    LaptopSessions(LaptopAccounts accounts, ClientConfig config) {
        this.accounts = accounts;
        this.config = config.users();
    }

    /** A new login's token, if {@code password} is {@code username}'s. */
    public String login(String username, String password) {
        Failures failed = username == null ? null : failures.get(username);
        long left =
                failed == null || failed.lockedUntilNanos() == null ? 0 : failed.lockedUntilNanos() - System.nanoTime();
        if (left > 0) {
            throw new LoginFailedException("Too many wrong passwords for this name: try again after "
                    + Instant.now().plusNanos(left).truncatedTo(ChronoUnit.SECONDS) + " (UTC)");
        }
        Optional<LaptopAccount> account = accounts.find(username);
        boolean matches = PasswordHash.matches(
                        password, account.map(LaptopAccount::passwordHash).orElse(noOne))
                && account.isPresent();
        if (!matches) {
            if (account.isPresent()) {
                failures.compute(username, (name, f) -> {
                    int count = (f == null ? 0 : f.count()) + 1;
                    return count >= config.lockAfter()
                            ? new Failures(
                                    0, System.nanoTime() + config.lockFor().toNanos())
                            : new Failures(count, null);
                });
            }
            Log.infof("Laptop login refused for %s", username);
            throw new LoginFailedException("Wrong name or password (accounts come from the server: a new one, or a "
                    + "new password, reaches this laptop with its next contact)");
        }
        failures.remove(username);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        sessions.put(token, new Login(username, account.get().displayName(), System.nanoTime()));
        Log.infof("%s logged in on this laptop", username);
        return token;
    }

    /**
     * The person logged in with {@code token}, still an account here and not idle for longer than the lock; the
     * login counts as used now.
     */
    public Optional<Login> current(String token) {
        if (token == null) {
            return Optional.empty();
        }
        Login login = sessions.get(token);
        if (login == null) {
            return Optional.empty();
        }
        // on the monotonic clock: a wall clock set back must not keep an unattended login open longer
        Duration idle = Duration.ofNanos(System.nanoTime() - login.lastUsedNanos());
        if (idle.compareTo(config.idleLock()) >= 0
                || accounts.find(login.username()).isEmpty()) {
            sessions.remove(token);
            return Optional.empty();
        }
        Login used = new Login(login.username(), login.displayName(), System.nanoTime());
        sessions.put(token, used);
        return Optional.of(used);
    }

    /** Ends the login of {@code token}. */
    public void logout(String token) {
        if (token != null) {
            sessions.remove(token);
        }
    }
}
