package dev.keel.tracking;

import java.util.List;

/** A dataset logged as a run input, with input tags such as {@code mlflow.data.context}. */
public record DatasetInput(List<Tag> tags, Dataset dataset) {
  public DatasetInput {
    tags = List.copyOf(tags);
  }
}
