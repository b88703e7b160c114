package dev.keel.client;

import java.util.List;
import java.util.Objects;

/**
 * A dataset logged as a run input, with input tags such as {@code mlflow.data.context=training}.
 *
 * @param tags input tags
 * @param dataset the dataset
 */
public record DatasetInput(List<Tag> tags, Dataset dataset) {
  /** The input tag MLflow uses for the role of a dataset ({@code training}, {@code eval}...). */
  public static final String CONTEXT_TAG = "mlflow.data.context";

  public DatasetInput {
    tags = List.copyOf(tags);
    Objects.requireNonNull(dataset, "dataset");
  }

  /** An input whose {@value #CONTEXT_TAG} tag is {@code context}. */
  public static DatasetInput of(Dataset dataset, String context) {
    return new DatasetInput(List.of(new Tag(CONTEXT_TAG, context)), dataset);
  }
}
