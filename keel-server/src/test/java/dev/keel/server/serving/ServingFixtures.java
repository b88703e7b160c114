package dev.keel.server.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.registry.ModelFixtures;
import dev.keel.server.TestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Registers the committed model fixtures as versions and waits on endpoints, over REST. */
public final class ServingFixtures {
  static final String UC = "/api/2.1/unity-catalog";
  static final String API = "/api/2.0/serving-endpoints";

  /** Rows that fit both fixtures (f0..f3). */
  static final String ONE_ROW =
      "{\"dataframe_split\":{\"columns\":[\"f0\",\"f1\",\"f2\",\"f3\"],"
          + "\"data\":[[0.0342,1.3597,1.2247,-0.5103]]}}";

  /** XGBoost fixture's prediction for {@link #ONE_ROW}. */
  static final double XGB_ONE_ROW = 0.31175675988197327;

  private ServingFixtures() {}

  /** Creates {@code main.default.<model>} if needed. */
  public static void model(TestServer s, String model) {
    TestServer.Response r =
        s.post(
            UC + "/models",
            "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"name\":\"" + model + "\"}");
    assertThat(r.status()).as(r.body()).isIn(200, 409, 400);
  }

  /** Registers a READY version from the XGBoost ({@code xgboost}) or ONNX fixture. */
  /**
   * Lets {@code principal} run {@code main.default.<model>} (USE CATALOG, USE SCHEMA, EXECUTE), as
   * creating an endpoint that serves it needs; {@code admin} grants.
   */
  static void allowServing(TestServer admin, String principal, String model) {
    String[][] grants = {
      {"catalog/main", "USE CATALOG"},
      {"schema/main.default", "USE SCHEMA"},
      {"registered_model/main.default." + model, "EXECUTE"}
    };
    for (String[] g : grants) {
      TestServer.Response r =
          admin.send(
              "PATCH",
              UC + "/permissions/" + g[0],
              "{\"changes\":[{\"principal\":\"" + principal + "\",\"add\":[\"" + g[1] + "\"]}]}");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
  }

  public static long version(TestServer s, String model, boolean xgboost) {
    return version(s, model, xgboost ? ModelFixtures.xgboostModel() : ModelFixtures.onnxModel());
  }

  /** Registers a READY version with these files. */
  static long version(TestServer s, String model, Map<String, byte[]> files) {
    return version(s, model, files, Map.of());
  }

  /**
   * Registers a READY version with these files and version tags, the tags set before it is
   * finalized (while it is PENDING_REGISTRATION).
   */
  static long version(
      TestServer s, String model, Map<String, byte[]> files, Map<String, String> tags) {
    model(s, model);
    TestServer.Response v =
        s.post(
            UC + "/models/versions",
            "{\"catalog_name\":\"main\",\"schema_name\":\"default\",\"model_name\":\""
                + model
                + "\",\"source\":\"mlflow-artifacts:/upload\"}");
    assertThat(v.status()).as(v.body()).isEqualTo(200);
    long version = v.json().path("version").asLong();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      TestServer.Response u =
          s.put(
              "/api/2.0/mlflow-artifacts/artifacts/models/main/default/"
                  + model
                  + "/"
                  + version
                  + "/"
                  + f.getKey(),
              f.getValue());
      assertThat(u.status()).as(u.body()).isEqualTo(200);
    }
    for (Map.Entry<String, String> t : tags.entrySet()) {
      TestServer.Response r = setTag(s, model, version, t.getKey(), t.getValue());
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
    TestServer.Response fin =
        s.send(
            "PATCH",
            UC + "/models/main.default." + model + "/versions/" + version + "/finalize",
            "{\"full_name\":\"main.default." + model + "\",\"version\":" + version + "}");
    assertThat(fin.status()).as(fin.body()).isEqualTo(200);
    assertThat(fin.json().path("status").asText()).as(fin.body()).isEqualTo("READY");
    return version;
  }

  /** Sets a version tag through MLflow's {@code model-versions/set-tag}. */
  static TestServer.Response setTag(
      TestServer s, String model, long version, String key, String value) {
    return s.post(
        "/api/2.0/mlflow/model-versions/set-tag",
        "{\"name\":\"main.default."
            + model
            + "\",\"version\":\""
            + version
            + "\",\"key\":\""
            + key
            + "\",\"value\":\""
            + value
            + "\"}");
  }

  /**
   * The XGBoost fixture with a model file the registry accepts (a JSON object with {@code learner}
   * and {@code version}) but XGBoost cannot load: a version that is READY and fails to load.
   */
  static Map<String, byte[]> brokenXgboostModel() {
    Map<String, byte[]> files = new LinkedHashMap<>(ModelFixtures.xgboostModel());
    files.put(
        "model.json",
        "{\"learner\":{\"broken\":true},\"version\":[1,7,4]}".getBytes(StandardCharsets.UTF_8));
    return files;
  }

  /** Points {@code alias} at {@code version}. */
  /**
   * The ONNX fixture with an IR version ONNX Runtime does not know: the registry's structural check
   * accepts it, ONNX Runtime refuses to load it (with a message naming the file's absolute path).
   */
  static Map<String, byte[]> onnxModelOfUnknownIrVersion() {
    Map<String, byte[]> files = new LinkedHashMap<>(ModelFixtures.onnxModel());
    byte[] model = files.get("model.onnx").clone();
    model[1] = 99; // field 1 (ir_version), a one-byte varint: 8 -> 99
    files.put("model.onnx", model);
    return files;
  }

  static void alias(TestServer s, String model, String alias, long version) {
    TestServer.Response r =
        s.send(
            "PUT",
            UC + "/models/main.default." + model + "/aliases/" + alias,
            "{\"version_num\":" + version + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  /** Polls until the endpoint is NOT_UPDATING (or failed); returns its last state. */
  public static JsonNode awaitSettled(TestServer s, String name) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      TestServer.Response r = s.get(API + "/" + name);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      String update = r.json().at("/state/config_update").asText();
      if (!update.equals("IN_PROGRESS")) {
        return r.json();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("endpoint " + name + " still updating: " + r.body());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** A create request for one entity with 100% traffic. */
  public static String createBody(String name, String model, String version) {
    return "{\"name\":\""
        + name
        + "\",\"config\":{\"served_entities\":[{\"entity_name\":\"main.default."
        + model
        + "\",\"entity_version\":\""
        + version
        + "\"}]}}";
  }
}
