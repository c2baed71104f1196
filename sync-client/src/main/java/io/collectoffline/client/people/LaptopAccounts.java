package io.collectoffline.client.people;

import io.agroal.api.AgroalDataSource;
import io.collectoffline.protocol.LaptopAccount;
import io.collectoffline.security.PasswordHash;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * The people who may log in on this laptop: exactly the list the server last sent ({@code GET /api/v1/accounts}),
 * kept in {@code laptop_account} (its one writer), password hashes only. A person disabled on the server, or given a
 * new password there, is so here from the laptop's next contact with the server.
 */
@ApplicationScoped
public class LaptopAccounts {

    private final AgroalDataSource dataSource;

    LaptopAccounts(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Replaces the accounts with {@code accounts} (those whose hash this app cannot read are left out, said why). */
    @Transactional
    public void replace(List<LaptopAccount> accounts) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete = c.prepareStatement("DELETE FROM laptop_account");
                PreparedStatement insert = c.prepareStatement("INSERT INTO laptop_account (username, display_name, "
                        + "password_hash, received_at) VALUES (?, ?, ?, ?)")) {
            delete.executeUpdate();
            for (LaptopAccount account : accounts) {
                if (account.username() == null
                        || account.username().length() > 50
                        || !PasswordHash.wellFormed(account.passwordHash())) {
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
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("keeping the accounts the server sent failed", e);
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
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM laptop_account");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException("counting the accounts failed", e);
        }
    }
}
