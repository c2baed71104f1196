package io.collectoffline.server;

import io.collectoffline.server.config.ActiveDatabase;
import io.collectoffline.testing.ServerAdmin;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The admin the tests act as ({@link Fixtures#admin()}): written into the freshly migrated test database at start,
 * as {@link ServerAdmin#seed} does for the end-to-end harness (there is no default account or shared token).
 */
@ApplicationScoped
public class HarnessAdmin {

    private final ActiveDatabase database;

    HarnessAdmin(ActiveDatabase database) {
        this.database = database;
    }

    void atStart(@Observes StartupEvent event) throws SQLException {
        seed();
    }

    /** Writes the admin and its token again (a test that disabled every other admin ended its token). */
    public void seed() throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            ServerAdmin.seed(c);
        }
    }
}
