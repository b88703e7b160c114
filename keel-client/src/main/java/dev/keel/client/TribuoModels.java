package dev.keel.client;

import dev.keel.mlmodel.InputExample;
import dev.keel.mlmodel.ModelPackage;
import dev.keel.mlmodel.ModelSignature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.Output;

/**
 * Builds an ONNX {@link ModelPackage} from a Tribuo model that can export itself to ONNX ({@link
 * ONNXExportable}: linear SGD models, factorization machines, ...). Needs {@code org.tribuo} (e.g.
 * {@code tribuo-classification-sgd}, an optional dependency of keel-client) on the class path.
 *
 * <p>Tribuo's ONNX graph takes one tensor {@code input} (float32, {@code [-1, F]}) whose columns
 * are the model's features in Tribuo's feature-id order, which is the lexicographic order of the
 * feature names, and answers one tensor {@code output} (float32, {@code [-1, O]}) in output-id
 * order (for classification, the label probabilities). The package's signature says so, and its
 * metadata lists the feature names ({@code tribuo_features}) and outputs ({@code tribuo_outputs}),
 * comma-separated, so a caller can put values in the right columns.
 *
 * <pre>{@code
 * Model<Label> lr = new LogisticRegressionTrainer().train(dataset);
 * ModelPackage pkg = TribuoModels.onnx(lr, "com.example.churn", 1)
 *     .withInputExample(TribuoModels.inputExample(lr, dataset.getData().subList(0, 3)));
 * }</pre>
 */
public final class TribuoModels {
  private TribuoModels() {}

  /**
   * The model exported to ONNX with its signature and feature/output metadata.
   *
   * @param domain the ONNX model's domain, a reverse-DNS name such as {@code com.example.churn}
   * @param modelVersion the ONNX model's version
   * @throws IllegalArgumentException if the model cannot export itself to ONNX
   */
  public static <T extends Output<T>> ModelPackage onnx(
      Model<T> model, String domain, long modelVersion) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(domain, "domain");
    if (!(model instanceof ONNXExportable exportable)) {
      throw new IllegalArgumentException(
          "tribuo model: " + model.getClass().getName() + " cannot be exported to ONNX");
    }
    byte[] bytes = exportable.exportONNXModel(domain, modelVersion).toByteArray();
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("tribuo_features", String.join(",", featureNames(model)));
    meta.put("tribuo_outputs", String.join(",", outputNames(model)));
    meta.put("tribuo_model_class", model.getClass().getName());
    return ModelPackage.onnx(bytes).withSignature(signature(model)).withMetadata(meta);
  }

  /**
   * The signature of the model's ONNX export: input tensor {@code input} float32 {@code [-1, F]},
   * output tensor {@code output} float32 {@code [-1, O]}.
   */
  public static <T extends Output<T>> ModelSignature signature(Model<T> model) {
    return ModelSignature.builder()
        .inputTensor("input", "float32", -1, model.getFeatureIDMap().size())
        .outputTensor("output", "float32", -1, model.getOutputIDInfo().size())
        .build();
  }

  /** The model's feature names in feature-id order (the ONNX input's column order). */
  public static <T extends Output<T>> List<String> featureNames(Model<T> model) {
    ImmutableFeatureMap map = model.getFeatureIDMap();
    List<String> names = new ArrayList<>(map.size());
    for (int i = 0; i < map.size(); i++) {
      names.add(map.get(i).getName());
    }
    return names;
  }

  /** The model's outputs (e.g. labels) in output-id order (the ONNX output's column order). */
  public static <T extends Output<T>> List<String> outputNames(Model<T> model) {
    ImmutableOutputInfo<T> info = model.getOutputIDInfo();
    List<String> names = new ArrayList<>(info.size());
    for (int i = 0; i < info.size(); i++) {
      names.add(info.getOutput(i).getSerializableForm(false));
    }
    return names;
  }

  /**
   * A data-frame input example from Tribuo examples: one column per model feature (feature-id
   * order), a feature an example lacks is 0 (Tribuo's sparse default), features the model does not
   * know are dropped.
   *
   * @throws IllegalArgumentException if {@code examples} is empty
   */
  public static <T extends Output<T>> InputExample inputExample(
      Model<T> model, List<? extends Example<T>> examples) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("input example: no Tribuo examples given");
    }
    ImmutableFeatureMap map = model.getFeatureIDMap();
    List<List<Object>> rows = new ArrayList<>();
    for (Example<T> ex : examples) {
      List<Object> row = new ArrayList<>();
      for (int i = 0; i < map.size(); i++) {
        row.add(0.0f);
      }
      for (Feature f : ex) {
        int id = map.getID(f.getName());
        if (id >= 0) {
          row.set(id, (float) f.getValue());
        }
      }
      rows.add(row);
    }
    return InputExample.of(featureNames(model), rows);
  }
}
