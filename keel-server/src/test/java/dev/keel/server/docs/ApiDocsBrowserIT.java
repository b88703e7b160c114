package dev.keel.server.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keel.server.TestServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Swagger UI at {@code /api/docs} renders the server's document in headless Chromium. Needs
 * Debian's {@code chromium} and {@code chromium-driver} (CI installs them); skipped without them.
 */
class ApiDocsBrowserIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  @TempDir Path dir;

  @Test
  void swagger_ui_lists_an_operation_by_its_path() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
        "chromium and chromedriver are not installed");
    try (TestServer server = TestServer.start(dir)) {
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
      ChromeDriver browser = new ChromeDriver(service, options);
      Path shot = Path.of("target", "api-docs.png");
      Files.createDirectories(shot.getParent());
      try {
        browser.get(server.url() + "/api/docs");
        List<WebElement> found;
        try {
          found =
              new WebDriverWait(browser, Duration.ofSeconds(60))
                  .until(
                      b -> {
                        List<WebElement> ops =
                            b.findElements(
                                By.cssSelector("[data-path='/api/2.0/mlflow/experiments/create']"));
                        if (ops.isEmpty()) {
                          // Swagger UI renders operations as they scroll into view, as a reader
                          // scrolling down the page would see them
                          browser.executeScript("window.scrollBy(0, 1500)");
                          return null;
                        }
                        return ops;
                      });
        } catch (RuntimeException e) {
          Files.writeString(Path.of("target", "api-docs.html"), browser.getPageSource());
          Files.write(shot, browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
          throw e;
        }
        assertThat(found).isNotEmpty();
        assertThat(browser.findElement(By.cssSelector(".info .title")).getText())
            .contains("Keel API");
        Files.write(shot, browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
      } finally {
        browser.quit();
      }
    }
  }
}
