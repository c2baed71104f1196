package io.collectoffline.server.users;

import io.collectoffline.protocol.InvalidInputException;
import io.collectoffline.protocol.Problem.FieldError;
import io.collectoffline.security.PasswordHash;
import io.collectoffline.security.TokenHash;
import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.server.config.ServerConfig;
import io.collectoffline.server.keys.ServerKeys;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * People's accounts on this server (ADR 16), the one writer of {@code server_user}, {@code user_token} and
 * {@code user_audit}. A password is kept only as a {@link PasswordHash}; API tokens and page sessions are 32 random
 * bytes shown once, kept as their SHA-256 (like devices' tokens). Every change to an account, every login and every
 * failed one is written to {@code user_audit} with who did it. An account is locked for a while after
 * {@code sync.server.users.lock-after} wrong passwords in a row; disabling an account or resetting its password ends
 * its sessions and tokens at once. There is always at least one enabled admin once the first one exists: the last
 * one can be neither disabled nor given another role.
 */
@ApplicationScoped
public class UserService {

    /** A session token's prefix; an API token's is {@value #API_PREFIX}, a device's {@code co_}. */
    public static final String SESSION_PREFIX = "cos_";

    public static final String API_PREFIX = "cou_";

    private static final String COLUMNS =
            "username, display_name, role, created_at, created_by, disabled_at, disabled_by, locked_until";
    /** {@link #COLUMNS} of the account {@code u} in a join. */
    private static final String ACCOUNT_COLUMNS = COLUMNS.replaceAll("(\\w+)", "u.$1");

    private final ActiveDatabase database;
    private final ServerConfig.Users config;
    private final ServerKeys keys;
    /** Made with the bean at run time: a static one would be frozen into a native image (README, Native). */
    private final SecureRandom random = new SecureRandom();
    /** Verified when the name is unknown, so that a wrong name takes as long as a wrong password. */
    private final String noOne = PasswordHash.hash("no one has this password");

    UserService(ActiveDatabase database, ServerConfig config, ServerKeys keys) {
        this.database = database;
        this.config = config.users();
        this.keys = keys;
    }

    /** The account a valid token belongs to, and which kind of token it is. */
    public record Authenticated(User user, String kind) {}

    /** What a new account is made of. */
    public record NewUser(String username, String displayName, String role, String password) {}

    // --- accounts ---

    /** Creates an account; refused when the name is taken or anything is not as required (each field named). */
    public User create(NewUser user, String by) {
        List<FieldError> errors = new ArrayList<>();
        if (user.username() == null || !user.username().matches("[a-z0-9][a-z0-9._-]{1,49}")) {
            errors.add(new FieldError(
                    "username", "required, 2 to 50 of a-z 0-9 . _ - (lower case), not starting " + "with . _ -"));
        }
        if (user.displayName() == null
                || user.displayName().isBlank()
                || user.displayName().length() > 100
                || user.displayName().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            errors.add(new FieldError("displayName", "required, 1 to 100 characters, no control characters"));
        }
        if (UserRole.of(user.role()).isEmpty()) {
            errors.add(new FieldError("role", "required, one of " + String.join(", ", UserRole.ids())));
        }
        String passwordProblem = PasswordHash.problem(user.password());
        if (passwordProblem != null) {
            errors.add(new FieldError("password", passwordProblem));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("The account cannot be created as given", errors);
        }
        database.inTransaction("creating account " + user.username(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO server_user (username, display_name, role, "
                    + "password_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, user.username());
                ps.setString(2, user.displayName().strip());
                ps.setString(3, user.role());
                ps.setString(4, PasswordHash.hash(user.password()));
                ps.setObject(5, now());
                ps.setString(6, by);
                if (ps.executeUpdate() == 0) {
                    throw new UserConflictException("An account '" + user.username() + "' exists already");
                }
            }
            audit(c, by, "create", user.username(), "role " + user.role());
            return null;
        });
        Log.infof("Account %s (%s) created by %s", user.username(), user.role(), by);
        return get(user.username());
    }

    public List<User> list() {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT " + COLUMNS + " FROM server_user ORDER BY username")) {
            return users(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("listing accounts failed", e);
        }
    }

    public User get(String username) {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT " + COLUMNS + " FROM server_user WHERE username = ?")) {
            ps.setString(1, username);
            return users(ps).stream().findFirst().orElseThrow(() -> new UserNotFoundException(username));
        } catch (SQLException e) {
            throw new IllegalStateException("reading account " + username + " failed", e);
        }
    }

    /** Whether any account exists (the first admin is made with the CLI, never through the API). */
    public boolean anyAccount() {
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM server_user");
                ResultSet rs = ps.executeQuery()) {
            return rs.next();
        } catch (SQLException e) {
            throw new IllegalStateException("reading accounts failed", e);
        }
    }

    /** Gives {@code username} another role; refused for the last enabled admin. Its tokens keep working. */
    public User changeRole(String username, String role, String by) {
        if (UserRole.of(role).isEmpty()) {
            throw new InvalidInputException(
                    "The role cannot be changed as given",
                    List.of(new FieldError("role", "required, one of " + String.join(", ", UserRole.ids()))));
        }
        User before = get(username);
        database.inTransaction("changing the role of " + username, c -> {
            updateUnlessLastAdmin(
                    c,
                    username,
                    "given another role",
                    "UPDATE server_user SET role = ? WHERE username = ?",
                    role,
                    username);
            audit(c, by, "role", username, before.role() + " -> " + role);
            return null;
        });
        Log.infof("Account %s given role %s (was %s) by %s", username, role, before.role(), by);
        return get(username);
    }

    /** Disables an account: no login, its sessions and tokens are refused from now on; refused for the last admin. */
    public User disable(String username, String by) {
        get(username);
        database.inTransaction("disabling " + username, c -> {
            updateUnlessLastAdmin(
                    c,
                    username,
                    "disabled",
                    "UPDATE server_user SET disabled_at = ?, disabled_by = ? WHERE username = ? "
                            + "AND disabled_at IS NULL",
                    now(),
                    by,
                    username);
            endTokens(c, username, null);
            audit(c, by, "disable", username, null);
            return null;
        });
        Log.infof("Account %s disabled by %s", username, by);
        return get(username);
    }

    public User enable(String username, String by) {
        get(username);
        database.inTransaction("enabling " + username, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE server_user SET disabled_at = NULL, "
                    + "disabled_by = NULL, failed_logins = 0, locked_until = NULL WHERE username = ?")) {
                ps.setString(1, username);
                ps.executeUpdate();
            }
            audit(c, by, "enable", username, null);
            return null;
        });
        Log.infof("Account %s enabled by %s", username, by);
        return get(username);
    }

    /** An admin sets a new password (a forgotten one): the account's sessions and tokens end, its lock too. */
    public void resetPassword(String username, String password, String by) {
        get(username);
        String hash = newPasswordHash(password);
        database.inTransaction("resetting the password of " + username, c -> {
            setPassword(c, username, hash);
            endTokens(c, username, null);
            audit(c, by, "password-reset", username, null);
            return null;
        });
        Log.infof("Password of %s reset by %s", username, by);
    }

    /** A person changes their own password, giving the current one; their other sessions and tokens end. */
    public void changeOwnPassword(String username, String current, String password, String keepToken) {
        if (!PasswordHash.matches(
                current, credentials(username).map(Credentials::passwordHash).orElse(noOne))) {
            throw new InvalidInputException(
                    "The password was not changed",
                    List.of(new FieldError("currentPassword", "is not this account's password")));
        }
        String hash = newPasswordHash(password);
        database.inTransaction("changing the password of " + username, c -> {
            setPassword(c, username, hash);
            endTokens(c, username, keepToken == null ? "" : TokenHash.of(keepToken));
            audit(c, username, "password-change", username, null);
            return null;
        });
    }

    /** The hash of a new password, once it is checked to be one (refused with the reason otherwise). */
    private static String newPasswordHash(String password) {
        String problem = PasswordHash.problem(password);
        if (problem != null) {
            throw new InvalidInputException(
                    "The password cannot be set as given", List.of(new FieldError("password", problem)));
        }
        return PasswordHash.hash(password);
    }

    private static void setPassword(Connection c, String username, String hash) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE server_user SET password_hash = ?, failed_logins = 0, locked_until = NULL "
                        + "WHERE username = ?")) {
            ps.setString(1, hash);
            ps.setString(2, username);
            ps.executeUpdate();
        }
    }

    /**
     * Runs {@code sql} with {@code parameters} unless it would leave no enabled admin: the check and the change are
     * one statement.
     */
    private void updateUnlessLastAdmin(Connection c, String username, String what, String sql, Object... parameters)
            throws SQLException {
        String guarded = sql + " AND (role <> '" + UserRole.ADMIN.id() + "' OR EXISTS (SELECT 1 FROM server_user o "
                + "WHERE o.role = '" + UserRole.ADMIN.id() + "' AND o.disabled_at IS NULL AND o.username <> ?))";
        try (PreparedStatement ps = c.prepareStatement(guarded)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            ps.setString(parameters.length + 1, username);
            if (ps.executeUpdate() == 0) {
                User user = get(username);
                if (user.role().equals(UserRole.ADMIN.id()) && user.enabled()) {
                    throw new UserConflictException("'" + username + "' is the last enabled admin and cannot be " + what
                            + ": make another admin first");
                }
            }
        }
    }

    // --- logins, sessions and tokens ---

    /**
     * A page session for {@code username} if {@code password} is theirs and the account is enabled and not locked.
     * The answer to a wrong name, a wrong password and a disabled account is the same, and takes as long.
     */
    public IssuedToken login(String username, String password) {
        Optional<Credentials> stored = credentials(username);
        boolean matches = PasswordHash.matches(
                        password, stored.map(Credentials::passwordHash).orElse(noOne))
                && stored.isPresent();
        Credentials account = stored.orElse(null);
        if (account != null
                && account.lockedUntil() != null
                && account.lockedUntil().isAfter(now())) {
            audit("-", "login-locked", username, null);
            throw new LoginFailedException("This account is locked after too many wrong passwords until "
                    + account.lockedUntil() + " (UTC); an admin can unlock it by resetting its password");
        }
        if (account == null || !matches || !account.enabled()) {
            database.inTransaction("recording a failed login", c -> {
                if (account != null && !matches) {
                    wrongPassword(c, username);
                }
                audit(c, "-", "login-failed", account == null ? null : username, null);
                return null;
            });
            throw new LoginFailedException("Wrong name or password, or the account is disabled");
        }
        return database.inTransaction("recording the login of " + username, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE server_user SET failed_logins = 0, locked_until = NULL WHERE username = ?")) {
                ps.setString(1, username);
                ps.executeUpdate();
            }
            IssuedToken session = issue(c, username, "session", "page session", now().plus(config.sessionMax()));
            audit(c, username, "login", username, null);
            return session;
        });
    }

    /** What a login checks of an account: its password's hash, whether it is enabled, until when it is locked. */
    private record Credentials(String passwordHash, boolean enabled, OffsetDateTime lockedUntil) {}

    private Optional<Credentials> credentials(String username) {
        if (username == null || username.length() > 50) {
            return Optional.empty();
        }
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT password_hash, disabled_at, locked_until FROM server_user WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Credentials(
                                rs.getString(1), rs.getObject(2) == null, rs.getObject(3, OffsetDateTime.class)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading account " + username + " failed", e);
        }
    }

    private void wrongPassword(Connection c, String username) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE server_user SET "
                + "locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END, "
                + "failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END "
                + "WHERE username = ?")) {
            ps.setInt(1, config.lockAfter());
            ps.setObject(2, now().plus(config.lockFor()));
            ps.setInt(3, config.lockAfter());
            ps.setString(4, username);
            ps.executeUpdate();
        }
    }

    /** An API token (CLI, scripts) for {@code username}, valid {@code days} (at most the configured number). */
    public IssuedToken issueApiToken(String username, String label, Integer days, String by) {
        List<FieldError> errors = new ArrayList<>();
        if (label == null
                || label.isBlank()
                || label.length() > 100
                || label.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            errors.add(new FieldError(
                    "label",
                    "required, 1 to 100 characters, no control characters: what it is "
                            + "for (\"laptop CLI\", \"R export script\")"));
        }
        int valid = days == null ? config.apiTokenDays() : days;
        if (valid < 1 || valid > config.apiTokenDays()) {
            errors.add(new FieldError("days", "1 to " + config.apiTokenDays()));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException("The token cannot be issued as given", errors);
        }
        if (!get(username).enabled()) {
            throw new UserConflictException("'" + username + "' is disabled");
        }
        return database.inTransaction("issuing a token for " + username, c -> {
            IssuedToken token = issue(c, username, "api", label.strip(), now().plus(Duration.ofDays(valid)));
            audit(c, by, "token", username, label.strip());
            return token;
        });
    }

    private IssuedToken issue(Connection c, String username, String kind, String label, OffsetDateTime expires)
            throws SQLException {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = (kind.equals("session") ? SESSION_PREFIX : API_PREFIX)
                + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO user_token (token_hash, username, kind, "
                + "label, created_at, expires_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, TokenHash.of(token));
            ps.setString(2, username);
            ps.setString(3, kind);
            ps.setString(4, label);
            ps.setObject(5, now());
            ps.setObject(6, expires);
            ps.setObject(7, now());
            ps.executeUpdate();
        }
        return new IssuedToken(username, kind, label, token, expires);
    }

    /**
     * The enabled account holding {@code token} (an unexpired API token, or a session neither expired nor idle longer
     * than {@code sync.server.users.session-idle}); records that it was used (at most once a minute).
     */
    public Optional<Authenticated> authenticate(String token) {
        if (token == null || !(token.startsWith(SESSION_PREFIX) || token.startsWith(API_PREFIX))) {
            return Optional.empty();
        }
        String tokenHash = TokenHash.of(token);
        try (Connection c = database.dataSource().getConnection()) {
            String kind;
            OffsetDateTime lastUsed;
            User user;
            try (PreparedStatement ps = c.prepareStatement("SELECT t.kind, t.expires_at, t.last_used_at, "
                    + ACCOUNT_COLUMNS + " FROM user_token t JOIN server_user u ON u.username = "
                    + "t.username WHERE t.token_hash = ? AND u.disabled_at IS NULL")) {
                ps.setString(1, tokenHash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    kind = rs.getString(1);
                    OffsetDateTime expires = rs.getObject(2, OffsetDateTime.class);
                    lastUsed = rs.getObject(3, OffsetDateTime.class);
                    user = user(rs, 4);
                    OffsetDateTime now = now();
                    if (!expires.isAfter(now)
                            || (kind.equals("session")
                                    && !lastUsed.plus(config.sessionIdle()).isAfter(now))) {
                        return Optional.empty();
                    }
                }
            }
            if (lastUsed.isBefore(now().minusMinutes(1))) {
                try (PreparedStatement ps =
                        c.prepareStatement("UPDATE user_token SET last_used_at = ? WHERE token_hash = ?")) {
                    ps.setObject(1, now());
                    ps.setString(2, tokenHash);
                    ps.executeUpdate();
                }
            }
            return Optional.of(new Authenticated(user, kind));
        } catch (SQLException e) {
            throw new IllegalStateException("authenticating a person failed", e);
        }
    }

    /** Ends the session or token {@code token} (logging out). */
    public void end(String token, String username) {
        database.inTransaction("ending a session", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM user_token WHERE token_hash = ?")) {
                ps.setString(1, TokenHash.of(token));
                if (ps.executeUpdate() > 0) {
                    audit(c, username, "logout", username, null);
                }
            }
            return null;
        });
    }

    /** Ends every session and token of {@code username}, but the one whose hash is {@code keep} (if any). */
    private static void endTokens(Connection c, String username, String keep) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("DELETE FROM user_token WHERE username = ? AND token_hash <> ?")) {
            ps.setString(1, username);
            ps.setString(2, keep == null ? "" : keep);
            ps.executeUpdate();
        }
    }

    // --- laptops ---

    /**
     * What a field laptop receives to log people in with no network: every enabled research assistant, issued at the
     * database's time of the same statement (so a list issued later was read later), signed with the server's signing
     * key (the down-sync's) so that a middleman or a file can carry it unaltered.
     */
    public io.collectoffline.protocol.AccountList laptopAccounts() {
        List<io.collectoffline.protocol.LaptopAccount> accounts = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT CURRENT_TIMESTAMP, u.username, u.display_name, "
                        + "u.password_hash FROM (SELECT 1 AS one) t LEFT JOIN server_user u ON u.role = ? AND "
                        + "u.disabled_at IS NULL ORDER BY u.username")) {
            ps.setString(1, UserRole.RESEARCH_ASSISTANT.id());
            OffsetDateTime issued = null;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    issued = rs.getObject(1, OffsetDateTime.class);
                    if (rs.getString(2) != null) {
                        accounts.add(new io.collectoffline.protocol.LaptopAccount(
                                rs.getString(2), rs.getString(3), rs.getString(4)));
                    }
                }
            }
            var list = new io.collectoffline.protocol.AccountList(issued.toInstant(), accounts, null, null);
            return list.signed(
                    keys.signingKey().publicKey(),
                    keys.signingKey().sign(io.collectoffline.protocol.AccountList.signedBytes(list)));
        } catch (SQLException e) {
            throw new IllegalStateException("reading the laptop accounts failed", e);
        }
    }

    // --- audit ---

    /** One entry of what people did to accounts and their logins. */
    public record AuditEntry(OffsetDateTime at, String actor, String action, String target, String detail) {}

    /** The newest {@code limit} entries, newest first. */
    public List<AuditEntry> audit(int limit) {
        List<AuditEntry> entries = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT at, actor, action, target, detail FROM user_audit ORDER BY id DESC LIMIT ?")) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new AuditEntry(
                            rs.getObject(1, OffsetDateTime.class),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the account audit failed", e);
        }
        return entries;
    }

    /**
     * Records that {@code actor} did {@code action} to {@code target} (what an admin viewed or decided that is not an
     * account change, such as reading a held transaction's content), in the same audit.
     */
    public void recordAction(String actor, String action, String target, String detail) {
        audit(actor, action, target, detail == null || detail.length() <= 200 ? detail : detail.substring(0, 200));
    }

    private void audit(String actor, String action, String target, String detail) {
        database.inTransaction("writing the account audit", c -> {
            audit(c, actor, action, target, detail);
            return null;
        });
    }

    private static void audit(Connection c, String actor, String action, String target, String detail)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO user_audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)")) {
            ps.setObject(1, now());
            ps.setString(2, actor);
            ps.setString(3, action);
            ps.setString(4, target);
            ps.setString(5, detail);
            ps.executeUpdate();
        }
    }

    private static List<User> users(PreparedStatement ps) throws SQLException {
        List<User> users = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                users.add(user(rs, 1));
            }
        }
        return users;
    }

    /** The account in the columns {@link #COLUMNS} of {@code rs}, from column {@code first} on. */
    private static User user(ResultSet rs, int first) throws SQLException {
        return new User(
                rs.getString(first),
                rs.getString(first + 1),
                rs.getString(first + 2),
                rs.getObject(first + 3, OffsetDateTime.class),
                rs.getString(first + 4),
                rs.getObject(first + 5, OffsetDateTime.class),
                rs.getString(first + 6),
                rs.getObject(first + 7, OffsetDateTime.class));
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
