package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.keel.core.KeelConfig;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The browser-origin attacks in a real browser (headless Chromium): a page on another origin posts
 * a {@code text/plain} delete to Keel, as any web site can; the same page succeeds only when its
 * origin is in {@code http.cors-allowed-origins} (so the browser did send it, and Keel's answer is
 * what stops it). Swagger UI's own page, same-origin, still changes state. Needs Debian's {@code
 * chromium} and {@code chromium-driver}; skipped without them.
 */
class BrowserOriginIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir Path dir;
  private HttpServer evil;
  private ChromeDriver browser;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
        "chromium and chromedriver are not installed");
    // "another web site": a page served from another origin (another port on localhost)
    evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    evil.createContext(
        "/",
        ex -> {
          byte[] page =
              "<!doctype html><html><head><title>cats</title></head><body>cats</body></html>"
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
          ex.sendResponseHeaders(200, page.length);
          ex.getResponseBody().write(page);
          ex.close();
        });
    evil.start();
    ChromeOptions options =
        new ChromeOptions()
            .setBinary(CHROMIUM.toString())
            .addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER.toString()))
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (evil != null) {
      evil.stop(0);
    }
  }

  private String evilOrigin() {
    return "http://localhost:" + evil.getAddress().getPort();
  }

  /** From a page of the other site, what any site can send: a no-cors text/plain POST. */
  private void attack(TestServer s, String experimentId) {
    browser.get(evilOrigin() + "/");
    Object sent =
        browser.executeAsyncScript(
            """
            const done = arguments[arguments.length - 1];
            fetch(arguments[0] + '/api/2.0/mlflow/experiments/delete', {
              method: 'POST', mode: 'no-cors',
              headers: {'Content-Type': 'text/plain'},
              body: JSON.stringify({experiment_id: arguments[1]})
            }).then(() => done('sent'), e => done('error ' + e));
            """,
            s.url(),
            experimentId);
    assertThat(sent).isEqualTo("sent");
  }

  private static String stage(TestServer s, String id) {
    return s.get("/api/2.0/mlflow/experiments/get?experiment_id=" + id)
        .json()
        .path("experiment")
        .path("lifecycle_stage")
        .asText();
  }

  private static String experiment(TestServer s, String name) {
    return s.post("/api/2.0/mlflow/experiments/create", "{\"name\":\"" + name + "\"}")
        .json()
        .path("experiment_id")
        .asText();
  }

  @Test
  void a_page_on_another_site_cannot_delete_an_experiment() {
    try (TestServer s = TestServer.start(dir)) {
      String id = experiment(s, "victim");
      attack(s, id);
      assertThat(stage(s, id)).isEqualTo("active");
      // the browser did send it, and Keel refused it
      assertThat(s.get("/metrics").body())
          .containsPattern(
              "keel_http_server_requests_seconds_count\\{[^}]*route=\"/api/2.0/mlflow/experiments/delete\""
                  + "[^}]*status=\"403\"");
    }
  }

  @Test
  void the_same_page_reaches_keel_when_its_origin_is_allowed_so_keel_is_what_refuses_it() {
    // text/plain is still refused (415) for an allowed origin; to show the browser sends the
    // request, the allowed origin's delete is accepted only when it is JSON: so a JSON fetch
    // with CORS (preflighted) from the allowed origin deletes, and from another origin does not
    KeelConfig config =
        new KeelConfig("127.0.0.1", 0, dir, "", Map.of("http.cors-allowed-origins", evilOrigin()));
    try (TestServer s = TestServer.start(config)) {
      String plain = experiment(s, "plain");
      attack(s, plain);
      assertThat(stage(s, plain)).isEqualTo("active"); // 415: a text/plain body is never taken
      String json = experiment(s, "json");
      browser.get(evilOrigin() + "/");
      Object status =
          browser.executeAsyncScript(
              """
              const done = arguments[arguments.length - 1];
              fetch(arguments[0] + '/api/2.0/mlflow/experiments/delete', {
                method: 'POST',
                headers: {'Content-Type': 'application/json'},
                body: JSON.stringify({experiment_id: arguments[1]})
              }).then(r => done(r.status), e => done('error ' + e));
              """,
              s.url(),
              json);
      assertThat(status).isEqualTo(200L);
      assertThat(stage(s, json)).isEqualTo("deleted");
    }
    try (TestServer s = TestServer.start(dir.resolve("off"))) {
      String json = experiment(s, "json-off");
      browser.get(evilOrigin() + "/");
      Object status =
          browser.executeAsyncScript(
              """
              const done = arguments[arguments.length - 1];
              fetch(arguments[0] + '/api/2.0/mlflow/experiments/delete', {
                method: 'POST',
                headers: {'Content-Type': 'application/json'},
                body: JSON.stringify({experiment_id: arguments[1]})
              }).then(r => done(r.status), e => done('error ' + e));
              """,
              s.url(),
              json);
      assertThat(String.valueOf(status)).startsWith("error"); // the preflight was refused
      assertThat(stage(s, json)).isEqualTo("active");
    }
  }

  @Test
  void swagger_ui_served_by_keel_changes_state_from_its_own_origin() {
    try (TestServer s = TestServer.start(dir)) {
      browser.get(s.url() + "/api/docs");
      new WebDriverWait(browser, Duration.ofSeconds(60))
          .until(
              b -> !b.findElements(org.openqa.selenium.By.cssSelector(".info .title")).isEmpty());
      Object body =
          browser.executeAsyncScript(
              """
              const done = arguments[arguments.length - 1];
              fetch('/api/2.0/mlflow/experiments/create', {
                method: 'POST',
                headers: {'Content-Type': 'application/json'},
                body: JSON.stringify({name: 'from-swagger-ui'})
              }).then(r => r.text().then(t => done(r.status + ' ' + t)), e => done('error ' + e));
              """);
      assertThat(String.valueOf(body)).startsWith("200 ");
      assertThat(
              s.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=from-swagger-ui")
                  .status())
          .isEqualTo(200);
    }
  }
}
