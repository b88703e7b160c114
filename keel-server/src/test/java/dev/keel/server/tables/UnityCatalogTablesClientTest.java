package dev.keel.server.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.server.TestServer;
import io.unitycatalog.client.ApiClient;
import io.unitycatalog.client.ApiException;
import io.unitycatalog.client.api.TablesApi;
import io.unitycatalog.client.model.ColumnInfo;
import io.unitycatalog.client.model.ColumnTypeName;
import io.unitycatalog.client.model.CreateTable;
import io.unitycatalog.client.model.DataSourceFormat;
import io.unitycatalog.client.model.ListTablesResponse;
import io.unitycatalog.client.model.TableInfo;
import io.unitycatalog.client.model.TableType;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The official Unity Catalog Java client (0.6.0), unchanged, on Keel's tables API. */
class UnityCatalogTablesClientTest {
  @TempDir static Path dir;
  static TestServer s;
  static TablesApi tables;

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    URI uri = URI.create(s.url());
    ApiClient client =
        new ApiClient()
            .setScheme(uri.getScheme())
            .setHost(uri.getHost())
            .setPort(uri.getPort())
            .setBasePath("/api/2.1/unity-catalog");
    tables = new TablesApi(client);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  @Test
  void create_list_get_and_delete_a_table() throws ApiException {
    TableInfo t =
        tables.createTable(
            new CreateTable()
                .name("Trips")
                .catalogName("main")
                .schemaName("default")
                .tableType(TableType.MANAGED)
                .dataSourceFormat(DataSourceFormat.DELTA)
                .comment("taxi trips")
                .properties(Map.of("owner_team", "ml"))
                .columns(
                    List.of(
                        new ColumnInfo()
                            .name("trip_id")
                            .typeName(ColumnTypeName.LONG)
                            .typeText("bigint")
                            .position(0)
                            .nullable(false),
                        new ColumnInfo()
                            .name("fare")
                            .typeName(ColumnTypeName.DECIMAL)
                            .typePrecision(10)
                            .typeScale(2)
                            .position(1),
                        new ColumnInfo()
                            .name("pickup")
                            .typeName(ColumnTypeName.TIMESTAMP)
                            .typeText("timestamp")
                            .position(2))));
    assertThat(t.getName()).isEqualTo("trips");
    assertThat(t.getTableId()).isNotBlank();
    assertThat(t.getComment()).isEqualTo("taxi trips");
    assertThat(t.getColumns())
        .extracting(ColumnInfo::getName)
        .containsExactly("trip_id", "fare", "pickup");
    assertThat(t.getColumns().get(1).getTypeName()).isEqualTo(ColumnTypeName.DECIMAL);
    assertThat(t.getColumns().get(1).getTypeScale()).isEqualTo(2);
    assertThat(t.getColumns().get(2).getTypeName()).isEqualTo(ColumnTypeName.TIMESTAMP);
    assertThat(t.getStorageLocation()).startsWith("file:");

    ListTablesResponse list = tables.listTables("main", "default", 10, null);
    assertThat(list.getTables()).extracting(TableInfo::getName).contains("trips");
    TableInfo got = tables.getTable("main.default.trips", null, null);
    assertThat(got.getTableId()).isEqualTo(t.getTableId());
    assertThat(got.getProperties()).containsEntry("owner_team", "ml");

    tables.deleteTable("main.default.trips");
    assertThatThrownBy(() -> tables.getTable("main.default.trips", null, null))
        .isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).getCode()).isEqualTo(404));
  }
}
