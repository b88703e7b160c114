package dev.keel.serving.endpoints;

import java.util.List;
import java.util.Map;

/**
 * Online features for models served from lookup keys: a model version tagged {@value
 * #FEATURE_SPEC_TAG} {@code = catalog.schema.spec} is scored from the spec's lookup keys alone.
 * Implemented over the feature store by the server.
 */
public interface FeatureSource {

  /** The model version tag naming the feature spec a version is served with. */
  String FEATURE_SPEC_TAG = "keel.feature_spec";

  /**
   * The request columns the spec looks features up by, in order.
   *
   * @throws dev.keel.core.KeelException NOT_FOUND if there is no such spec
   */
  List<String> lookupKeys(String spec);

  /**
   * Reads the spec's features for each key row: output column name (after renames) to one value per
   * row, with the spec's default where no row matched, else null.
   *
   * @param spec the feature spec, {@code catalog.schema.name}
   * @param keys the request's lookup-key columns, in {@link #lookupKeys} order
   * @param rows one list of key values per request row
   */
  Map<String, List<Object>> features(String spec, List<String> keys, List<List<Object>> rows);

  /** No feature store: versions tagged with a spec are refused at request time. */
  FeatureSource NONE =
      new FeatureSource() {
        @Override
        public List<String> lookupKeys(String spec) {
          throw dev.keel.core.KeelException.invalid(
              "This server has no feature store, so feature spec '" + spec + "' cannot be used.");
        }

        @Override
        public Map<String, List<Object>> features(
            String spec, List<String> keys, List<List<Object>> rows) {
          lookupKeys(spec);
          return Map.of();
        }
      };
}
