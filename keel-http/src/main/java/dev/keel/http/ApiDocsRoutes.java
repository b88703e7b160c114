package dev.keel.http;

import static io.javalin.http.HandlerType.GET;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Live API documentation: the OpenAPI 3.1 document of every route the server registered ({@code GET
 * /api/openapi.json}, see {@link OpenApiDocument}) and Swagger UI rendering it ({@code GET
 * /api/docs}), its assets served from the Swagger UI WebJar on the classpath (no CDN). Register it
 * last, so the document sees every other module's routes.
 */
public final class ApiDocsRoutes implements ApiModule {
  /** The document's path. */
  public static final String DOCUMENT = "/api/openapi.json";

  /** Swagger UI's path. */
  public static final String DOCS = "/api/docs";

  /** The Swagger UI files served under {@code /api/docs/}, with their content types. */
  private static final Map<String, String> ASSETS =
      Map.of(
          "swagger-ui.css", "text/css",
          "swagger-ui-bundle.js", "text/javascript",
          "swagger-ui-standalone-preset.js", "text/javascript",
          "favicon-32x32.png", "image/png",
          "favicon-16x16.png", "image/png");

  private static final String PAGE =
      """
      <!doctype html>
      <html lang="en">
      <head>
        <meta charset="utf-8">
        <title>Keel API</title>
        <link rel="icon" type="image/png" href="docs/favicon-32x32.png">
        <link rel="stylesheet" href="docs/swagger-ui.css">
      </head>
      <body>
        <div id="swagger-ui"></div>
        <script src="docs/swagger-ui-bundle.js"></script>
        <script>
          window.ui = SwaggerUIBundle({
            url: "openapi.json",
            dom_id: "#swagger-ui",
            deepLinking: true,
            docExpansion: "list",
            filter: true
          });
        </script>
      </body>
      </html>
      """;

  private final String version;
  private final List<ApiModule> modules;
  private final String webjar;
  private volatile byte[] document;
  private Routes routes;

  /**
   * Documents {@code modules} (this module's own part is added to them).
   *
   * @param version Keel's version, for {@code info.version}
   */
  public ApiDocsRoutes(String version, List<ApiModule> modules) {
    this.version = version;
    List<ApiModule> all = new ArrayList<>(modules);
    all.add(this);
    this.modules = List.copyOf(all);
    this.webjar = "/META-INF/resources/webjars/swagger-ui/" + swaggerUiVersion() + "/";
  }

  @Override
  public void routes(Routes r) {
    this.routes = r;
    r.dialect("/api/docs", Dialect.KEEL);
    Access open = Access.open();
    r.add(GET, DOCUMENT, open, this::document);
    r.add(GET, DOCS, open, ctx -> ctx.contentType("text/html; charset=utf-8").result(PAGE));
    r.add(GET, DOCS + "/{file}", open, this::asset);
  }

  /** The document, built on first use (every route is registered by then). */
  public byte[] documentBytes() {
    byte[] d = document;
    if (d == null) {
      try {
        d = Json.MAPPER.writeValueAsBytes(OpenApiDocument.build(version, modules, routes.table()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      document = d;
    }
    return d;
  }

  private void document(Context ctx) {
    ctx.contentType("application/json").result(documentBytes());
  }

  private void asset(Context ctx) throws IOException {
    String file = ctx.pathParam("file");
    String type = ASSETS.get(file);
    if (type == null) {
      throw new KeelException(ErrorCode.NOT_FOUND, "No file " + file + " in the API docs.");
    }
    try (InputStream in = ApiDocsRoutes.class.getResourceAsStream(webjar + file)) {
      if (in == null) {
        throw new KeelException(ErrorCode.INTERNAL_ERROR, "Swagger UI is missing from the build.");
      }
      ctx.header("Cache-Control", "public, max-age=86400")
          .contentType(type)
          .result(in.readAllBytes());
    }
  }

  private static String swaggerUiVersion() {
    Properties p = new Properties();
    try (InputStream in =
        ApiDocsRoutes.class.getResourceAsStream(
            "/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the Swagger UI WebJar is not on the classpath");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version");
  }
}
