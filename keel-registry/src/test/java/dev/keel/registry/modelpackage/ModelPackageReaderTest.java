package dev.keel.registry.modelpackage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.mlmodel.ColumnSpec;
import dev.keel.mlmodel.ColumnType;
import dev.keel.mlmodel.Flavor;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.mlmodel.SchemaSpec;
import dev.keel.mlmodel.TensorSpec;
import dev.keel.tracking.artifacts.ArtifactPath;
import dev.keel.tracking.artifacts.LocalArtifactStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPackageReaderTest {

  @TempDir Path base;
  LocalArtifactStore store;
  final ArtifactPath onnxDir = ArtifactPath.parse("path", "1/run/artifacts/onnx-model", false);
  final ArtifactPath xgbDir = ArtifactPath.parse("path", "1/run/artifacts/xgboost-model", false);

  @BeforeEach
  void copyFixtures() throws IOException, URISyntaxException {
    store = new LocalArtifactStore(base.resolve("artifacts"));
    copy("onnx-model", onnxDir);
    copy("xgboost-model", xgbDir);
  }

  // --- the committed fixtures -------------------------------------------------------------------

  @Test
  void onnx_fixture_reads_with_its_flavors_signature_data_file_and_input_example()
      throws IOException {
    CheckedModelPackage pkg = ModelPackageReader.read(store, onnxDir);

    assertThat(pkg.formatVersion()).isEqualTo(1);
    assertThat(pkg.dir()).isEqualTo(onnxDir);
    assertThat(pkg.flavors()).containsOnlyKeys("onnx", "python_function");
    Flavor onnx = pkg.flavors().get("onnx");
    assertThat(pkg.dataPath(onnx)).contains(onnxDir.resolve("model.onnx"));
    assertThat(onnx.string("onnx_version")).isPresent();
    assertThat(onnx.config()).doesNotContainKey("code"); // YAML null dropped
    assertThat(pkg.flavors().get("python_function").string("loader_module"))
        .contains("mlflow.onnx");
    assertThat(pkg.flavors().get("python_function").pickleBased()).isFalse();
    assertThat(pkg.servableFlavor()).contains(onnx);

    ModelSignature sig = pkg.signature().orElseThrow();
    assertThat(sig.inputs())
        .containsExactly(
            new ColumnSpec(Optional.of("f0"), ColumnType.FLOAT, true),
            new ColumnSpec(Optional.of("f1"), ColumnType.FLOAT, true),
            new ColumnSpec(Optional.of("f2"), ColumnType.FLOAT, true),
            new ColumnSpec(Optional.of("f3"), ColumnType.FLOAT, true));
    assertThat(sig.tensorInputs()).isFalse();
    assertThat(sig.outputs())
        .containsExactly(new TensorSpec(Optional.of("probability"), "float32", List.of(-1L, 1L)));
    assertThat(sig.paramsJson()).isEmpty();

    assertThat(pkg.inputExample()).contains(onnxDir.resolve("input_example.json"));
    assertThat(pkg.mlflowVersion()).contains("2.17.2");
    assertThat(pkg.modelUuid()).contains("0b7c3f4e9a8d4c1e8f2a6b5d4c3b2a10");
    assertThat(pkg.runId()).contains("5f1e2d3c4b5a69788796a5b4c3d2e1f0");
    assertThat(pkg.utcTimeCreated()).contains("2026-11-26 04:55:00.123456");
  }

  @Test
  void xgboost_fixture_reads_with_its_flavors_signature_data_file_and_input_example()
      throws IOException {
    CheckedModelPackage pkg = ModelPackageReader.read(store, xgbDir);

    assertThat(pkg.flavors()).containsOnlyKeys("python_function", "xgboost");
    Flavor xgb = pkg.flavors().get("xgboost");
    assertThat(pkg.dataPath(xgb)).contains(xgbDir.resolve("model.json"));
    assertThat(xgb.string("model_format")).contains("json");
    assertThat(xgb.string("model_class")).contains("xgboost.core.Booster");
    assertThat(xgb.string("xgb_version")).isPresent();
    assertThat(pkg.servableFlavor()).contains(xgb);

    ModelSignature sig = pkg.signature().orElseThrow();
    assertThat(sig.inputs()).hasSize(4);
    assertThat(sig.inputs())
        .allSatisfy(s -> assertThat(((ColumnSpec) s).type()).isEqualTo(ColumnType.DOUBLE));
    assertThat(sig.inputs())
        .extracting(SchemaSpec::name)
        .containsExactly(
            Optional.of("f0"), Optional.of("f1"), Optional.of("f2"), Optional.of("f3"));
    assertThat(sig.outputs())
        .containsExactly(new ColumnSpec(Optional.empty(), ColumnType.FLOAT, true));
    assertThat(pkg.inputExample()).contains(xgbDir.resolve("input_example.json"));
    assertThat(pkg.runId()).contains("0a1b2c3d4e5f60718293a4b5c6d7e8f9");
  }

  @Test
  void a_package_at_the_store_root_reads() throws IOException, URISyntaxException {
    LocalArtifactStore rootStore = new LocalArtifactStore(base.resolve("root"));
    copy(rootStore, "xgboost-model", ArtifactPath.root());

    assertThat(ModelPackageReader.read(rootStore, ArtifactPath.root()).servableFlavor())
        .isPresent();
  }

  // --- MLmodel ----------------------------------------------------------------------------------

  @Test
  void a_directory_without_mlmodel_is_refused() throws IOException {
    store.delete(onnxDir.resolve("MLmodel"));

    assertInvalid(onnxDir).hasMessageContaining("there is no MLmodel file in the model directory");
  }

  @Test
  void a_directory_that_does_not_exist_is_refused_as_having_no_mlmodel() {
    assertInvalid(ArtifactPath.parse("path", "nowhere", false))
        .hasMessage(
            "Invalid model package 'nowhere': there is no MLmodel file in the model directory");
  }

  @Test
  void mlmodel_that_is_not_yaml_is_refused() throws IOException {
    put(onnxDir, "MLmodel", "flavors: {onnx: [unclosed\n  : : :\n\t- x");

    assertInvalid(onnxDir).hasMessageContaining("MLmodel is not valid YAML");
  }

  @Test
  void mlmodel_of_random_bytes_is_refused() throws IOException {
    byte[] garbage = new byte[512];
    new Random(7).nextBytes(garbage);
    store.put(onnxDir.resolve("MLmodel"), new ByteArrayInputStream(garbage));

    assertInvalid(onnxDir).hasMessageContaining("MLmodel is not");
  }

  @Test
  void mlmodel_that_is_a_yaml_list_or_scalar_is_refused_as_not_a_mapping() throws IOException {
    put(onnxDir, "MLmodel", "- onnx\n- xgboost\n");
    assertInvalid(onnxDir).hasMessageContaining("MLmodel is not a YAML mapping");

    put(onnxDir, "MLmodel", "just some text");
    assertInvalid(onnxDir).hasMessageContaining("MLmodel is not a YAML mapping");
  }

  @Test
  void mlmodel_without_flavors_is_refused() throws IOException {
    put(onnxDir, "MLmodel", "mlflow_version: 2.17.2\nrun_id: abc\n");
    assertInvalid(onnxDir).hasMessageContaining("MLmodel has no flavors");

    put(onnxDir, "MLmodel", "flavors: {}\n");
    assertInvalid(onnxDir).hasMessageContaining("MLmodel has no flavors");
  }

  @Test
  void mlmodel_with_duplicate_keys_is_refused() throws IOException {
    put(onnxDir, "MLmodel", "flavors:\n  onnx:\n    data: model.onnx\nflavors: {}\n");

    assertInvalid(onnxDir).hasMessageContaining("MLmodel is not valid YAML");
  }

  @Test
  void mlmodel_larger_than_one_mebibyte_is_refused() throws IOException {
    put(onnxDir, "MLmodel", "flavors: {}\n#" + "x".repeat(1 << 20));

    assertInvalid(onnxDir).hasMessageContaining("more than 1048576");
  }

  @Test
  void yaml_aliases_are_not_expanded_so_an_alias_bomb_stays_small() throws IOException {
    StringBuilder y = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'k'; c++) {
      char p = (char) (c - 1);
      y.append(c).append(": &").append(c).append(" [*").append(p);
      y.append(", *").append(p).append(", *").append(p).append(", *").append(p).append("]\n");
    }
    String mlmodel =
        read(onnxDir, "MLmodel")
            .replace("    data: model.onnx\n", "    data: model.onnx\n    k: *k\n");
    put(onnxDir, "MLmodel", y + mlmodel);

    CheckedModelPackage pkg = ModelPackageReader.read(store, onnxDir);

    assertThat(pkg.flavors().get("onnx").config().get("k")).isInstanceOf(String.class);
  }

  // --- paths ------------------------------------------------------------------------------------

  @Test
  void a_missing_data_file_is_refused_naming_the_flavor_and_file() throws IOException {
    store.delete(onnxDir.resolve("model.onnx"));

    assertInvalid(onnxDir)
        .hasMessage(
            "Invalid model package '1/run/artifacts/onnx-model': flavor 'onnx' data file"
                + " 'model.onnx' is not in the model directory");
  }

  @Test
  void a_data_path_that_climbs_out_of_the_package_is_refused() throws IOException {
    replaceInMlmodel(onnxDir, "data: model.onnx", "data: ../../etc/passwd");

    assertInvalid(onnxDir)
        .hasMessage(
            "Invalid model package '1/run/artifacts/onnx-model': MLmodel flavor 'onnx' data"
                + " '../../etc/passwd' must be a relative path inside the model directory: it must"
                + " not contain '..' segments");
  }

  @Test
  void absolute_uri_and_backslash_data_paths_are_refused() throws IOException {
    for (String bad :
        List.of(
            "/etc/passwd",
            "file:///etc/passwd",
            "s3://bucket/model.onnx",
            "'..\\\\..\\\\model.onnx'",
            "'%2e%2e/model.onnx'",
            "C:/model.onnx")) {
      copyFixture("onnx-model", onnxDir);
      replaceInMlmodel(onnxDir, "data: model.onnx", "data: " + bad);
      assertInvalid(onnxDir).hasMessageContaining("must be a relative path inside the model");
    }
  }

  @Test
  void an_input_example_path_outside_the_package_is_refused() throws IOException {
    replaceInMlmodel(
        xgbDir, "artifact_path: input_example.json", "artifact_path: ../other/input_example.json");

    assertInvalid(xgbDir)
        .hasMessageContaining("saved_input_example_info artifact_path")
        .hasMessageContaining("must be a relative path");
  }

  @Test
  void a_declared_input_example_that_is_missing_is_refused() throws IOException {
    store.delete(xgbDir.resolve("input_example.json"));

    assertInvalid(xgbDir)
        .hasMessageContaining("input example file 'input_example.json' is not in the model");
  }

  // --- pickles ----------------------------------------------------------------------------------

  @Test
  void a_package_with_only_pickle_based_flavors_is_read_but_not_servable() throws IOException {
    ArtifactPath dir = ArtifactPath.parse("path", "sk", false);
    put(
        dir,
        "MLmodel",
        """
        flavors:
          python_function:
            env: {conda: conda.yaml}
            loader_module: mlflow.sklearn
            model_path: model.pkl
            predict_fn: predict
          sklearn:
            code: null
            pickled_model: model.pkl
            serialization_format: cloudpickle
            sklearn_version: 1.5.2
        mlflow_version: 2.17.2
        """);
    put(dir, "model.pkl", "\u0080\u0004cos\nsystem\n(S'echo pwned'\ntR.");

    // Registrable (MLflow registers any model) but never opened: not servable by Keel.
    CheckedModelPackage pkg = ModelPackageReader.read(store, dir);
    assertThat(pkg.flavors().keySet()).containsExactly("python_function", "sklearn");
    assertThat(pkg.servableFlavor()).isEmpty();
  }

  @Test
  void a_custom_pyfunc_without_loader_module_is_read_but_not_servable() throws IOException {
    ArtifactPath dir = ArtifactPath.parse("path", "custom", false);
    put(
        dir,
        "MLmodel",
        "flavors:\n  python_function:\n    cloudpickle_version: 3.0.0\n"
            + "    python_model: python_model.pkl\n");

    assertThat(ModelPackageReader.read(store, dir).servableFlavor()).isEmpty();
  }

  @Test
  void a_package_with_an_extra_pickle_flavor_is_readable_and_serves_the_onnx_flavor()
      throws IOException {
    String mlmodel = read(onnxDir, "MLmodel");
    put(
        onnxDir,
        "MLmodel",
        mlmodel.replace("flavors:\n", "flavors:\n  sklearn:\n    pickled_model: model.pkl\n"));
    put(onnxDir, "model.pkl", "not loaded");

    CheckedModelPackage pkg = ModelPackageReader.read(store, onnxDir);

    assertThat(pkg.flavors().get("sklearn").pickleBased()).isTrue();
    assertThat(pkg.servableFlavor().map(Flavor::name)).contains("onnx");
  }

  @Test
  void a_package_with_a_non_pickle_flavor_keel_cannot_serve_is_readable_without_servable_flavor()
      throws IOException {
    ArtifactPath dir = ArtifactPath.parse("path", "tf", false);
    put(dir, "MLmodel", "flavors:\n  tensorflow:\n    saved_model_dir: tfmodel\n");

    CheckedModelPackage pkg = ModelPackageReader.read(store, dir);

    assertThat(pkg.servableFlavor()).isEmpty();
    assertThat(pkg.signature()).isEmpty();
    assertThat(pkg.mlflowVersion()).isEmpty();
  }

  // --- ONNX -------------------------------------------------------------------------------------

  @Test
  void a_truncated_onnx_file_is_refused_as_not_a_model_proto() throws IOException {
    byte[] model = bytes(onnxDir, "model.onnx");
    store.put(onnxDir.resolve("model.onnx"), new ByteArrayInputStream(Arrays.copyOf(model, 20)));

    assertInvalid(onnxDir)
        .hasMessageContaining(
            "flavor 'onnx' data file 'model.onnx' is not a parseable ONNX ModelProto")
        .hasMessageContaining("truncated");
  }

  @Test
  void an_onnx_file_cut_anywhere_is_refused() throws IOException {
    byte[] model = bytes(onnxDir, "model.onnx");
    for (int len = 0; len < model.length; len++) {
      store.put(onnxDir.resolve("model.onnx"), new ByteArrayInputStream(Arrays.copyOf(model, len)));
      assertInvalid(onnxDir).hasMessageContaining("is not a parseable ONNX ModelProto");
    }
  }

  @Test
  void an_onnx_file_of_random_bytes_is_refused() throws IOException {
    Random random = new Random(42);
    for (int i = 0; i < 50; i++) {
      byte[] garbage = new byte[1 + random.nextInt(2048)];
      random.nextBytes(garbage);
      store.put(onnxDir.resolve("model.onnx"), new ByteArrayInputStream(garbage));
      assertInvalid(onnxDir).hasMessageContaining("is not a parseable ONNX ModelProto");
    }
  }

  @Test
  void an_onnx_file_with_a_huge_claimed_length_is_refused_without_reading_it() throws IOException {
    // ir_version 8, then field 7 claiming 2^62 bytes.
    byte[] crafted = {
      0x08,
      0x08,
      0x3a,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      0x3f
    };
    store.put(onnxDir.resolve("model.onnx"), new ByteArrayInputStream(crafted));

    assertInvalid(onnxDir).hasMessageContaining("field 7 at byte 2 claims");
  }

  @Test
  void an_onnx_file_without_a_graph_is_refused() throws IOException {
    store.put(onnxDir.resolve("model.onnx"), new ByteArrayInputStream(new byte[] {0x08, 0x08}));

    assertInvalid(onnxDir).hasMessageContaining("there is no graph (field 7)");
  }

  @Test
  void an_onnx_file_without_ir_version_is_refused() throws IOException {
    store.put(
        onnxDir.resolve("model.onnx"),
        new ByteArrayInputStream(new byte[] {0x3a, 0x02, 0x0a, 0x00}));

    assertInvalid(onnxDir).hasMessageContaining("there is no ir_version (field 1)");
  }

  @Test
  void an_empty_onnx_file_is_refused() throws IOException {
    store.put(onnxDir.resolve("model.onnx"), InputStream.nullInputStream());

    assertInvalid(onnxDir).hasMessageContaining("the file is empty");
  }

  @Test
  void an_onnx_flavor_without_data_is_refused() throws IOException {
    replaceInMlmodel(onnxDir, "    data: model.onnx\n    onnx_version", "    onnx_version");

    assertInvalid(onnxDir).hasMessageContaining("MLmodel flavor 'onnx' names no data file");
  }

  // --- XGBoost ----------------------------------------------------------------------------------

  @Test
  void an_xgboost_json_without_learner_is_refused() throws IOException {
    put(xgbDir, "model.json", "{\"version\": [2, 0, 3], \"trees\": []}");

    assertInvalid(xgbDir)
        .hasMessage(
            "Invalid model package '1/run/artifacts/xgboost-model': flavor 'xgboost' data file"
                + " 'model.json' is not an XGBoost JSON model: it has no 'learner' object");
  }

  @Test
  void an_xgboost_json_without_version_is_refused() throws IOException {
    put(xgbDir, "model.json", "{\"learner\": {}}");

    assertInvalid(xgbDir).hasMessageContaining("it has no 'version' array");
  }

  @Test
  void an_xgboost_json_file_that_is_not_json_is_refused() throws IOException {
    String model = read(xgbDir, "model.json");
    put(xgbDir, "model.json", model.substring(0, model.length() / 2));
    assertInvalid(xgbDir)
        .hasMessageContaining("is not an XGBoost JSON model: it is not valid JSON");

    put(xgbDir, "model.json", "[1, 2, 3]");
    assertInvalid(xgbDir).hasMessageContaining("it is not a JSON object");

    put(xgbDir, "model.json", model + " {}");
    assertInvalid(xgbDir).hasMessageContaining("there is more content after the JSON object");
  }

  @Test
  void an_xgboost_ubj_file_must_start_with_the_object_marker() throws IOException {
    replaceInMlmodel(xgbDir, "model_format: json", "model_format: ubj");
    put(xgbDir, "model.json", "[not ubjson");
    assertInvalid(xgbDir).hasMessageContaining("is not UBJSON");

    put(xgbDir, "model.json", "{U\u0007learner{}}");
    assertThat(ModelPackageReader.read(store, xgbDir).servableFlavor()).isPresent();
  }

  @Test
  void an_empty_xgboost_file_is_refused() throws IOException {
    replaceInMlmodel(xgbDir, "model_format: json", "model_format: xgb");
    put(xgbDir, "model.json", "");

    assertInvalid(xgbDir).hasMessageContaining("data file 'model.json' is empty");
  }

  @Test
  void an_unknown_xgboost_model_format_is_refused() throws IOException {
    replaceInMlmodel(xgbDir, "model_format: json", "model_format: pickle");

    assertInvalid(xgbDir)
        .hasMessageContaining("model_format 'pickle'; Keel reads json, ubj and xgb");
  }

  // --- signature --------------------------------------------------------------------------------

  @Test
  void a_signature_mixing_column_and_tensor_specs_is_refused() throws IOException {
    replaceSignatureInputs(
        "[{\"type\": \"double\", \"name\": \"a\"}, {\"type\": \"tensor\", \"name\": \"b\","
            + " \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [-1]}}]");

    assertInvalid(xgbDir)
        .hasMessageContaining("signature inputs mixes column specs and tensor specs");
  }

  @Test
  void a_signature_that_is_not_json_is_refused() throws IOException {
    replaceSignatureInputs("[{\"type\": \"double\"");

    assertInvalid(xgbDir).hasMessageContaining("signature inputs is not valid JSON");
  }

  @Test
  void a_signature_with_a_column_type_keel_does_not_read_is_refused() throws IOException {
    replaceSignatureInputs("[{\"type\": \"array\", \"items\": {\"type\": \"double\"}}]");

    assertInvalid(xgbDir).hasMessageContaining("has type 'array', which Keel format version 1");
  }

  @Test
  void a_signature_naming_only_some_columns_is_refused() throws IOException {
    replaceSignatureInputs("[{\"type\": \"double\", \"name\": \"a\"}, {\"type\": \"double\"}]");

    assertInvalid(xgbDir).hasMessageContaining("names some entries but not all");
  }

  @Test
  void a_tensor_signature_reads_dtype_and_shape() throws IOException {
    replaceSignatureInputs(
        "[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float64\", \"shape\": [-1, 4]}}]");

    ModelSignature sig = ModelPackageReader.read(store, xgbDir).signature().orElseThrow();

    assertThat(sig.tensorInputs()).isTrue();
    assertThat(sig.inputs())
        .containsExactly(new TensorSpec(Optional.empty(), "float64", List.of(-1L, 4L)));
  }

  @Test
  void a_tensor_with_an_unknown_dtype_or_bad_shape_is_refused() throws IOException {
    replaceSignatureInputs(
        "[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"complex1024\", \"shape\": [4]}}]");
    assertInvalid(xgbDir).hasMessageContaining("has no numpy dtype Keel knows");

    copyFixture("xgboost-model", xgbDir);
    replaceSignatureInputs(
        "[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [-2]}}]");
    assertInvalid(xgbDir).hasMessageContaining("not an integer >= -1");
  }

  // --- helpers ----------------------------------------------------------------------------------

  private AbstractThrowableAssert<?, ? extends Throwable> assertInvalid(ArtifactPath dir) {
    return assertThatThrownBy(() -> ModelPackageReader.read(store, dir))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageStartingWith("Invalid model package '" + dir.value() + "': ");
  }

  private void replaceSignatureInputs(String json) throws IOException {
    String mlmodel = read(xgbDir, "MLmodel");
    String replaced =
        mlmodel.replaceFirst("(?m)^  inputs: .*$", "  inputs: '" + json.replace("'", "''") + "'");
    assertThat(replaced).isNotEqualTo(mlmodel);
    put(xgbDir, "MLmodel", replaced);
  }

  private void replaceInMlmodel(ArtifactPath dir, String from, String to) throws IOException {
    String mlmodel = read(dir, "MLmodel");
    assertThat(mlmodel).contains(from);
    put(dir, "MLmodel", mlmodel.replace(from, to));
  }

  private String read(ArtifactPath dir, String name) throws IOException {
    return new String(bytes(dir, name), UTF_8);
  }

  private byte[] bytes(ArtifactPath dir, String name) throws IOException {
    try (InputStream in = store.open(dir.resolve(name))) {
      return in.readAllBytes();
    }
  }

  private void put(ArtifactPath dir, String name, String content) throws IOException {
    store.put(dir.resolve(name), new ByteArrayInputStream(content.getBytes(UTF_8)));
  }

  private void copyFixture(String fixture, ArtifactPath dir) throws IOException {
    try {
      copy(store, fixture, dir);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private void copy(String fixture, ArtifactPath dir) throws IOException, URISyntaxException {
    copy(store, fixture, dir);
  }

  private static void copy(LocalArtifactStore target, String fixture, ArtifactPath dir)
      throws IOException, URISyntaxException {
    Path src = Path.of(ModelPackageReaderTest.class.getResource("/fixtures/" + fixture).toURI());
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : files.toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          target.put(dir.resolve(f.getFileName().toString()), in);
        }
      }
    }
  }
}
