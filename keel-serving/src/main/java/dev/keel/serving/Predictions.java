package dev.keel.serving;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outputs of one prediction and how MLflow's scoring server lays them out in its {@code
 * {"predictions": ...}} response.
 *
 * @param layout how {@link #writeJson} lays the outputs out
 * @param outputs the output tensors, each with the batch's number of rows
 */
public record Predictions(Layout layout, List<OutputTensor> outputs) {

  /** How MLflow's scoring server writes a model's output. */
  public enum Layout {
    /**
     * A numpy array (XGBoost, or an ONNX model with one output fed a tensor): nested lists by the
     * shape, so {@code [0.1, 0.9]} for shape {@code [2]} and {@code [[0.1], [0.9]]} for {@code [2,
     * 1]}. Needs exactly one output.
     */
    ARRAY,
    /**
     * A pandas DataFrame with one column per output (ONNX models fed a DataFrame): a list of
     * records {@code [{"out": 0.1}, ...]}; an output with one value per row gives a number, wider
     * outputs a list.
     */
    RECORDS,
    /**
     * A dict of output name to tensor (ONNX models fed a tensor or dict of tensors): {@code {"out":
     * [[0.1], [0.9]]}}.
     */
    DICT
  }

  private static final JsonFactory JSON = new JsonFactory();

  /** Checks the outputs: at least one, one for {@link Layout#ARRAY}, same row counts. */
  public Predictions {
    Objects.requireNonNull(layout, "layout");
    outputs = List.copyOf(outputs);
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("predictions need at least one output");
    }
    if (layout == Layout.ARRAY && outputs.size() != 1) {
      throw new IllegalArgumentException("ARRAY layout needs exactly one output");
    }
    int rows = outputs.get(0).rows();
    for (OutputTensor t : outputs) {
      if (t.rows() != rows) {
        throw new IllegalArgumentException(
            "output '" + t.name() + "' has " + t.rows() + " rows, expected " + rows);
      }
    }
  }

  /** The number of rows predicted. */
  public int rows() {
    return outputs.get(0).rows();
  }

  /** The output with this name, if any. */
  public Optional<OutputTensor> output(String name) {
    return outputs.stream().filter(o -> o.name().equals(name)).findFirst();
  }

  /** Writes {@code {"predictions": ...}} as MLflow's scoring server does. */
  public void writeJson(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeFieldName("predictions");
    writeValue(g);
    g.writeEndObject();
  }

  /** Writes only the value of {@code predictions}. */
  public void writeValue(JsonGenerator g) throws IOException {
    switch (layout) {
      case ARRAY -> outputs.get(0).writeAll(g);
      case DICT -> {
        g.writeStartObject();
        for (OutputTensor t : outputs) {
          g.writeFieldName(t.name());
          t.writeAll(g);
        }
        g.writeEndObject();
      }
      case RECORDS -> {
        g.writeStartArray();
        int rows = rows();
        for (int r = 0; r < rows; r++) {
          g.writeStartObject();
          for (OutputTensor t : outputs) {
            g.writeFieldName(t.name());
            if (t.width() == 1) {
              t.writeValue(g, r);
            } else {
              t.writeRow(g, r);
            }
          }
          g.writeEndObject();
        }
        g.writeEndArray();
      }
    }
  }

  /** The {@code {"predictions": ...}} document as a string. */
  public String toJson() {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      writeJson(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }
}
