package dev.keel.mlmodel;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code saved_input_example_info} entry of an MLmodel file: where the input example is and how
 * it is encoded.
 *
 * @param artifactPath the example file, relative to the package directory (usually {@code
 *     input_example.json}); empty if the entry names none
 * @param type how the example is encoded: {@code dataframe}, {@code ndarray}, {@code json_object},
 *     ...; empty if not written
 * @param servingInputPath the ready {@code /invocations} body, relative to the package directory
 *     (usually {@code serving_input_example.json}); empty if none
 */
public record InputExampleInfo(
    Optional<String> artifactPath, Optional<String> type, Optional<String> servingInputPath) {

  /** Checks for nulls. */
  public InputExampleInfo {
    Objects.requireNonNull(artifactPath, "artifactPath");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(servingInputPath, "servingInputPath");
  }
}
