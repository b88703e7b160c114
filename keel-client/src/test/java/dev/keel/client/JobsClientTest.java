package dev.keel.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wire shape of {@link JobsClient#setTaskValue}, against a tiny HTTP endpoint that records what
 * it receives ({@link JobsClientServerTest} drives the jobs calls against a real server).
 */
class JobsClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpServer fake;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile int status = 200;

  @BeforeEach
  void start() throws IOException {
    fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    fake.createContext(
        "/",
        ex -> {
          String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requests.add(
              ex.getRequestMethod()
                  + " "
                  + ex.getRequestURI().getPath()
                  + " "
                  + ex.getRequestHeaders().getFirst("Authorization")
                  + " "
                  + body);
          byte[] answer =
              (status == 200
                      ? "{}"
                      : "{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"value: too big\"}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status, answer.length);
          ex.getResponseBody().write(answer);
          ex.close();
        });
    fake.start();
  }

  @AfterEach
  void stop() {
    fake.stop(0);
  }

  @Test
  void set_task_value_posts_run_id_key_and_json_value_with_the_token() throws IOException {
    try (KeelClient c =
        new KeelClient("http://127.0.0.1:" + fake.getAddress().getPort(), "tok-1")) {
      c.jobs().setTaskValue(42, "model_uri", TextNode.valueOf("models:/a.b.c/3"));
      c.jobs().setTaskValue(42, "metrics", JSON.readTree("{\"auc\":0.91}"));
    }
    assertThat(requests).hasSize(2);
    String[] first = requests.get(0).split(" ", 4);
    assertThat(first[0]).isEqualTo("POST");
    assertThat(first[1]).isEqualTo("/api/2.0/keel/jobs/task-values");
    assertThat(first[2] + " " + first[3].split(" ")[0]).isEqualTo("Bearer tok-1");
    JsonNode body = JSON.readTree(requests.get(0).substring(requests.get(0).indexOf('{')));
    assertThat(body.get("run_id").isIntegralNumber()).isTrue();
    assertThat(body.get("run_id").asLong()).isEqualTo(42);
    assertThat(body.get("key").asText()).isEqualTo("model_uri");
    assertThat(body.get("value").asText()).isEqualTo("models:/a.b.c/3");
    JsonNode second = JSON.readTree(requests.get(1).substring(requests.get(1).indexOf('{')));
    assertThat(second.get("value").get("auc").asDouble()).isEqualTo(0.91);
  }

  @Test
  void a_refused_value_is_the_servers_error_and_bad_arguments_send_nothing() {
    status = 400;
    try (KeelClient c = new KeelClient("http://127.0.0.1:" + fake.getAddress().getPort())) {
      assertThatThrownBy(() -> c.jobs().setTaskValue(1, "k", TextNode.valueOf("v")))
          .isInstanceOf(KeelClientException.class)
          .hasMessageContaining("value: too big");
      int sent = requests.size();
      assertThatThrownBy(() -> c.jobs().setTaskValue(0, "k", TextNode.valueOf("v")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("taskRunId");
      assertThatThrownBy(() -> c.jobs().setTaskValue(1, " ", TextNode.valueOf("v")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("key");
      assertThat(requests).hasSize(sent);
    }
  }
}
