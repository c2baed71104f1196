package io.collectoffline.client.people;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.collectoffline.client.records.InvalidRecordException;
import io.collectoffline.codec.DeviceSigningKey;
import io.collectoffline.protocol.AccountList;
import io.collectoffline.protocol.CarriedAccounts;
import io.collectoffline.protocol.LaptopAccount;
import io.collectoffline.protocol.Problem.FieldError;
import io.collectoffline.security.PasswordHash;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * The people who may log in on this laptop: exactly the list the server last issued ({@code GET /api/v1/accounts}),
 * password hashes only, taken from the server itself or from a middleman that carried it (issue 19). Kept in
 * {@code laptop_account} and, as signed, in {@code laptop_account_list} (their one writer), which a middleman hands
 * on. A person disabled on the server, or given a new password there, is so here from the laptop's next contact with
 * the server or with a middleman that met it since.
 */
@ApplicationScoped
public class LaptopAccounts {

    private final AgroalDataSource dataSource;
    private final ObjectMapper json;

    LaptopAccounts(AgroalDataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /**
     * Takes {@code list} as the accounts of this laptop, if it is signed by {@code signer} (the server's signing key
     * this laptop trusts) and, when carried, newer than the one held. From the server itself ({@code direct}) a list
     * is taken whatever its time (the server's clock may have been put right), and before the laptop knows its
     * server's key (the link to the server is authenticated); a carried one never then.
     *
     * @throws InvalidRecordException when the list is incomplete, not signed by {@code signer}, or altered
     */
    @Transactional
    public CarriedAccounts take(AccountList list, String signer, boolean direct) {
        if (list == null
                || list.issued() == null
                || list.accounts() == null
                || list.accounts().stream().anyMatch(a -> a.username() == null)) { // no null account: AccountList
            throw new InvalidRecordException(
                    "An account list needs the time the server issued it and its accounts, each with a name",
                    List.of(new FieldError(
                            "accounts",
                            "required: issued, accounts (username, displayName, "
                                    + "passwordHash), signer, signature")));
        }
        if (signer == null && !direct) {
            throw new InvalidRecordException(
                    "This laptop does not know its server's signing key yet (it learns it from its first down-sync "
                            + "from the server itself, or with the server's key at setup): carried accounts wait",
                    List.of(new FieldError("signer", "not known to this laptop yet")));
        }
        if (signer != null
                && (!signer.equals(list.signer())
                        || !new DeviceSigningKey(null, signer, null)
                                .verifies(AccountList.signedBytes(list), list.signature()))) {
            throw new InvalidRecordException(
                    "The account list is not signed by this laptop's server, or was altered on the way: not taken",
                    List.of(new FieldError("signature", "must be this laptop's server's signature of the list")));
        }
        try (Connection c = dataSource.getConnection()) {
            Optional<Instant> held = issued(c);
            if (!direct && held.isPresent() && !list.issued().isAfter(held.get())) {
                return new CarriedAccounts(
                        false,
                        held.get(),
                        count(c),
                        "this laptop holds a list issued at " + held.get() + ", as new or newer");
            }
            int kept = replace(c, list.accounts());
            try (PreparedStatement ps = c.prepareStatement(
                    "MERGE INTO laptop_account_list (singleton, issued, signed) KEY (singleton) VALUES (1, ?, ?)")) {
                ps.setObject(1, list.issued().atOffset(ZoneOffset.UTC));
                ps.setString(2, json.writeValueAsString(list));
                ps.executeUpdate();
            }
            return new CarriedAccounts(true, list.issued(), kept, null);
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("keeping the accounts the server sent failed", e);
        }
    }

    /**
     * How many people may log in here, and when the server issued the list they come from (null: none yet) — what a
     * supervisor checks on a laptop that only meets middlemen or files: a list long unrenewed may still hold someone
     * disabled since.
     *
     * @param count  people who may log in
     * @param issued when the server issued the list held
     */
    public record Summary(int count, Instant issued) {}

    public Summary summary() {
        try (Connection c = dataSource.getConnection()) {
            return new Summary(count(c), issued(c).orElse(null));
        } catch (SQLException e) {
            throw new IllegalStateException("reading the accounts held failed", e);
        }
    }

    /** The list this laptop holds as the server signed it (a middleman hands it on), if it holds one. */
    public Optional<AccountList> held() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT signed FROM laptop_account_list");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(json.readValue(rs.getString(1), AccountList.class)) : Optional.empty();
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("reading the account list held failed", e);
        }
    }

    /** Replaces the accounts (those whose hash this app cannot read are left out, said why); returns how many. */
    private static int replace(Connection c, List<LaptopAccount> accounts) throws SQLException {
        int kept = 0;
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM laptop_account");
                PreparedStatement insert = c.prepareStatement("INSERT INTO laptop_account (username, display_name, "
                        + "password_hash, received_at) VALUES (?, ?, ?, ?)")) {
            delete.executeUpdate();
            for (LaptopAccount account : accounts) {
                if (account.username().length() > 50 || !PasswordHash.wellFormed(account.passwordHash())) {
                    Log.warnf(
                            "Account %s from the server left out: not a name and password hash this app reads",
                            account.username());
                    continue;
                }
                String name = account.displayName() == null ? account.username() : account.displayName();
                insert.setString(1, account.username());
                insert.setString(2, name.length() <= 100 ? name : name.substring(0, 100));
                insert.setString(3, account.passwordHash());
                insert.setObject(4, OffsetDateTime.now(ZoneOffset.UTC));
                insert.addBatch();
                kept++;
            }
            insert.executeBatch();
        }
        return kept;
    }

    private static Optional<Instant> issued(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT issued FROM laptop_account_list");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getObject(1, OffsetDateTime.class).toInstant()) : Optional.empty();
        }
    }

    /** The account of {@code username}, if the server sent one. */
    public Optional<LaptopAccount> find(String username) {
        if (username == null || username.length() > 50) {
            return Optional.empty();
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT username, display_name, password_hash FROM laptop_account WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new LaptopAccount(rs.getString(1), rs.getString(2), rs.getString(3)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading an account failed", e);
        }
    }

    /** How many people may log in here. */
    public int count() {
        try (Connection c = dataSource.getConnection()) {
            return count(c);
        } catch (SQLException e) {
            throw new IllegalStateException("counting the accounts failed", e);
        }
    }

    private static int count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM laptop_account");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
