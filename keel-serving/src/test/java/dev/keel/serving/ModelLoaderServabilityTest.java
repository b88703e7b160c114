package dev.keel.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.mlmodel.Flavor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The servability rule endpoints are refused by is the one the loader loads by: the first of its
 * runtimes' flavors ({@code onnx}, then {@code xgboost}) the package has.
 */
class ModelLoaderServabilityTest {

  private static Map<String, Flavor> flavors(String... names) {
    Map<String, Flavor> m = new LinkedHashMap<>();
    for (String n : names) {
      m.put(n, new Flavor(n, Map.of("data", "model")));
    }
    return m;
  }

  @Test
  void the_first_served_flavor_the_package_has_is_the_one_loaded() {
    ModelLoader loader = new ModelLoader();
    assertThat(loader.servedFlavors()).containsExactly("onnx", "xgboost");
    assertThat(loader.servedFlavor(flavors("python_function", "xgboost", "onnx")))
        .hasValueSatisfying(f -> assertThat(f.name()).isEqualTo("onnx"));
    assertThat(loader.servedFlavor(flavors("xgboost"))).isPresent();
  }

  @Test
  void a_package_without_a_served_flavor_is_unservable_with_the_served_flavors_named() {
    ModelLoader loader = new ModelLoader();
    Map<String, Flavor> sklearn = flavors("python_function", "sklearn");
    assertThat(loader.servedFlavor(sklearn)).isEmpty();
    assertThat(loader.unservable(sklearn))
        .contains("Keel serves onnx and xgboost")
        .contains("sklearn")
        .contains("Pickle-based");
    assertThat(loader.servedFlavor(flavors("h2o"))).isEmpty();
    assertThat(loader.unservable(flavors("h2o"))).contains("[h2o]").doesNotContain("Pickle");
  }

  @Test
  void a_loader_without_a_runtime_does_not_serve_its_flavor() {
    ModelLoader xgboostOnly =
        new ModelLoader(List.of(new XGBoostModelRuntime()), ScoringLimits.DEFAULT);
    assertThat(xgboostOnly.servedFlavors()).containsExactly("xgboost");
    assertThat(xgboostOnly.servedFlavor(flavors("onnx"))).isEmpty();
    assertThat(xgboostOnly.unservable(flavors("onnx"))).contains("Keel serves xgboost");
  }
}
