package dev.keel.features.training;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Closes the engines a test made (each holds a DuckDB database) after the test. */
final class Engines implements AfterEachCallback {
  private final List<TrainingSetEngine> opened = new ArrayList<>();

  /** Returns {@code e}, to be closed after the test. */
  TrainingSetEngine track(TrainingSetEngine e) {
    opened.add(e);
    return e;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    opened.forEach(TrainingSetEngine::close);
    opened.clear();
  }
}
