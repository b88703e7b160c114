package dev.keel.jobs.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.keel.jobs.spi.TaskResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keel_jobs.py against a local HTTP server standing in for Keel's task-values routes. */
class KeelJobsHelperTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  TestTaskContext ctx;
  HttpServer server;
  final List<String> seen = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/2.0/keel/jobs/task-values", this::handle);
    server.start();
    ctx = new TestTaskContext(dir);
    ctx.host = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    ctx.taskRunId = 4242;
  }

  @AfterEach
  void tearDown() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    String line = ex.getRequestMethod() + " auth=" + auth;
    int status = 200;
    String answer = "{}";
    if (ex.getRequestMethod().equals("POST")) {
      Map<?, ?> body = JSON.readValue(ex.getRequestBody(), Map.class);
      line += " type=" + ex.getRequestHeaders().getFirst("Content-Type") + " body=" + body;
    } else {
      Map<String, String> q =
          Arrays.stream(ex.getRequestURI().getRawQuery().split("&"))
              .map(p -> p.split("=", 2))
              .collect(
                  Collectors.toMap(
                      p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
      line += " query=" + new java.util.TreeMap<>(q);
      if (q.get("key").equals("model_uri")) {
        answer = "{\"value\": {\"uri\": \"models:/m/3\", \"n\": [1, 2]}}";
      } else if (q.get("key").equals("forbidden")) {
        status = 403;
        answer = "{\"error_code\": \"PERMISSION_DENIED\", \"message\": \"no\"}";
      } else {
        status = 404;
        answer = "{\"error_code\": \"RESOURCE_DOES_NOT_EXIST\", \"message\": \"no value\"}";
      }
    }
    seen.add(line);
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private TaskResult runScript(String... lines) throws Exception {
    Files.writeString(dir.resolve("values.py"), String.join("\n", lines) + "\n");
    ctx.payload.put("python_file", "values.py");
    return new SparkPythonTaskType(SparkPythonTaskTypeTest.config(dir, Optional.empty())).run(ctx);
  }

  @Test
  void set_and_get_call_keels_task_value_routes_with_the_token() throws Exception {
    ctx.token = Optional.of("tok-7");

    TaskResult result =
        runScript(
            "import keel_jobs",
            "keel_jobs.set_task_value('model_uri', {'uri': 'models:/m/3', 'ok': True})",
            "print('got', keel_jobs.get_task_value('train', 'model_uri'))",
            "print('missing', keel_jobs.get_task_value('train', 'nope', default='dflt'))",
            "try:",
            "    keel_jobs.get_task_value('train', 'forbidden')",
            "except keel_jobs.KeelTaskValueError as e:",
            "    print('error', e)");

    String log = Files.readString(ctx.logFile);
    assertThat(result.succeeded()).as(log).isTrue();
    assertThat(seen)
        .containsExactly(
            "POST auth=Bearer tok-7 type=application/json"
                + " body={run_id=4242, key=model_uri, value={uri=models:/m/3, ok=true}}",
            "GET auth=Bearer tok-7 query={key=model_uri, run_id=4242, task_key=train}",
            "GET auth=Bearer tok-7 query={key=nope, run_id=4242, task_key=train}",
            "GET auth=Bearer tok-7 query={key=forbidden, run_id=4242, task_key=train}");
    assertThat(log)
        .contains("got {'uri': 'models:/m/3', 'n': [1, 2]}")
        .contains("missing dflt")
        .contains("error HTTP 403 from Keel: {\"error_code\": \"PERMISSION_DENIED\"");
  }

  @Test
  void without_a_token_no_authorization_header_is_sent() throws Exception {
    TaskResult result = runScript("import keel_jobs", "keel_jobs.set_task_value('n', 3)");

    assertThat(result.succeeded()).as(Files.readString(ctx.logFile)).isTrue();
    assertThat(seen)
        .containsExactly("POST auth=null type=application/json body={run_id=4242, key=n, value=3}");
  }
}
