package dev.keel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A {@code page_token} the server did not hand out is a 400 naming it on every API that pages, in
 * that API's dialect, never a 200 with an empty (or wrong) page; tokens the server hands out page
 * through every item exactly once.
 */
class PageTokenApiTest {
  @TempDir static Path dir;
  static TestServer s;

  private static final String UC = "/api/2.1/unity-catalog";

  @BeforeAll
  static void start() {
    s = TestServer.start(dir);
    for (String c : List.of("pa", "pb", "pc")) {
      assertThat(s.post(UC + "/catalogs", "{\"name\":\"" + c + "\"}").status()).isEqualTo(200);
    }
    for (String n : List.of("s1", "s2", "s3")) {
      assertThat(
              s.post(UC + "/schemas", "{\"name\":\"" + n + "\",\"catalog_name\":\"pa\"}").status())
          .isEqualTo(200);
    }
    assertThat(
            s.post(
                    UC + "/models",
                    "{\"catalog_name\":\"pa\",\"schema_name\":\"s1\",\"name\":\"m\"}")
                .status())
        .isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    s.close();
  }

  /** Every list route that pages, with its other required parameters, and its dialect's code. */
  static Stream<Arguments> pagingRoutes() {
    String mlflow = "INVALID_PARAMETER_VALUE";
    String uc = "INVALID_ARGUMENT";
    return Stream.of(
        Arguments.of(UC + "/catalogs?", uc),
        Arguments.of(UC + "/schemas?catalog_name=pa&", uc),
        Arguments.of(UC + "/tables?catalog_name=pa&schema_name=s1&", uc),
        Arguments.of(UC + "/models?", uc),
        Arguments.of(UC + "/models/pa.s1.m/versions?", uc),
        Arguments.of(UC + "/models/pa.s1.m/lineage?", uc),
        Arguments.of(
            "/api/2.0/feature-store/feature-tables?catalog_name=pa&schema_name=s1&",
            "INVALID_PARAMETER_VALUE"),
        Arguments.of("/api/2.0/mlflow/experiments/search?", mlflow),
        Arguments.of("/api/2.0/mlflow/registered-models/search?", mlflow),
        Arguments.of("/api/2.0/mlflow/model-versions/search?", mlflow),
        Arguments.of("/api/2.0/mlflow/metrics/get-history?run_id=x&metric_key=m&", mlflow));
  }

  static List<String> garbage() {
    return List.of(
        "garbage",
        "zzz",
        "%%%",
        Base64.getUrlEncoder().encodeToString("{\"offset\": 1}x".getBytes(StandardCharsets.UTF_8)),
        Base64.getUrlEncoder()
            .encodeToString("{\"after\": \"\"}".getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest
  @MethodSource("pagingRoutes")
  void garbage_page_token_is_400_naming_it(String route, String code) {
    for (String token : garbage()) {
      TestServer.Response r =
          s.get(route + "page_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
      assertThat(r.status()).as(route + " " + token + ": " + r.body()).isEqualTo(400);
      assertThat(r.errorCode()).as(r.body()).isEqualTo(code);
      assertThat(r.json().path("message").asText()).contains("page_token");
    }
  }

  @Test
  void runs_search_refuses_a_garbage_page_token_too() {
    TestServer.Response r =
        s.post(
            "/api/2.0/mlflow/runs/search", "{\"experiment_ids\":[\"0\"],\"page_token\":\"zzz\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().path("message").asText()).contains("page_token");
  }

  @Test
  void handed_out_tokens_page_through_catalogs_and_schemas_once() {
    assertThat(names(UC + "/catalogs?max_results=1", "catalogs"))
        .containsSubsequence("pa", "pb", "pc")
        .doesNotHaveDuplicates();
    assertThat(names(UC + "/schemas?catalog_name=pa&max_results=1", "schemas"))
        .containsSubsequence("s1", "s2", "s3")
        .doesNotHaveDuplicates();
  }

  private static List<String> names(String route, String field) {
    List<String> out = new ArrayList<>();
    String token = "";
    for (int i = 0; i < 100; i++) {
      TestServer.Response r =
          s.get(route + "&page_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      r.json().path(field).forEach(n -> out.add(n.path("name").asText()));
      token = r.json().path("next_page_token").asText("");
      if (token.isEmpty()) {
        return out;
      }
    }
    throw new AssertionError("paging did not end: " + out);
  }
}
