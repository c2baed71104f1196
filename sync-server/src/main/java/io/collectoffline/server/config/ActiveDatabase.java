package io.collectoffline.server.config;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.InjectableInstance;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;

/**
 * The one datasource this server runs on, chosen at run time by {@code sync.server.db}. Everything that needs the
 * database takes it from here, so no code depends on which one it is except where SQL dialects differ.
 */
@ApplicationScoped
public class ActiveDatabase {

    private final ServerConfig.Database kind;
    private final AgroalDataSource dataSource;

    ActiveDatabase(ServerConfig config, @Any InjectableInstance<AgroalDataSource> dataSources) {
        this.kind = config.db();
        this.dataSource = dataSources.select(new DataSource.DataSourceLiteral(kind.name())).get();
    }

    public AgroalDataSource dataSource() {
        return dataSource;
    }

    public ServerConfig.Database kind() {
        return kind;
    }

    public boolean isPostgresql() {
        return kind == ServerConfig.Database.postgresql;
    }
}
