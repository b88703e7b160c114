package dev.keel.client.ml;

import dev.keel.client.TribuoModels;
import dev.keel.mlmodel.ModelPackage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Logistic regression with Tribuo (linear SGD, log loss, AdaGrad), exported to ONNX (the {@code
 * onnx} flavor Keel serves). Labels are 0/1; the ONNX output {@code output} holds both classes'
 * probabilities in the order the package's {@code tribuo_outputs} metadata lists.
 *
 * <p>Hyperparameters: {@code epochs} (default {@value #DEFAULT_EPOCHS}), {@code learning_rate}
 * (AdaGrad's, default {@value #DEFAULT_LEARNING_RATE}), {@code minibatch_size} (default 1). Any
 * other name is refused. A missing feature value counts as 0 (Tribuo's sparse default).
 */
public final class TribuoLogisticTrainer implements Trainer {
  /** The trainer's name. */
  public static final String NAME = "tribuo-logistic";

  static final int DEFAULT_EPOCHS = 10;

  static final double DEFAULT_LEARNING_RATE = 1.0;

  private static final Set<String> KNOWN = Set.of("epochs", "learning_rate", "minibatch_size");

  TribuoLogisticTrainer() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Trained train(
      LabeledData train,
      LabeledData validation,
      Map<String, String> params,
      long seed,
      RoundListener listener) {
    Map<String, String> used = resolve(params, seed);
    int epochs = positiveInt(used, "epochs");
    int minibatch = positiveInt(used, "minibatch_size");
    double rate = learningRate(used);
    LinearSGDTrainer trainer =
        new LinearSGDTrainer(
            new LogMulticlass(), new AdaGrad(rate, 0.1), epochs, 1_000_000, minibatch, seed);
    Model<Label> model = trainer.train(dataset(train));
    ModelPackage pkg = TribuoModels.onnx(model, "dev.keel.ml", 1);
    return new Trained(pkg, used);
  }

  @Override
  public Map<String, String> resolve(Map<String, String> params, long seed) {
    for (String k : params.keySet()) {
      if (!KNOWN.contains(k)) {
        throw new IllegalArgumentException(
            "param." + k + ": " + NAME + " does not know it (it takes " + KNOWN + ")");
      }
    }
    Map<String, String> used = new TreeMap<>();
    used.put("epochs", Integer.toString(DEFAULT_EPOCHS));
    used.put("learning_rate", Double.toString(DEFAULT_LEARNING_RATE));
    used.put("minibatch_size", "1");
    used.putAll(params);
    used.put("seed", Long.toString(seed));
    positiveInt(used, "epochs");
    positiveInt(used, "minibatch_size");
    learningRate(used);
    return used;
  }

  private static double learningRate(Map<String, String> used) {
    double rate;
    try {
      rate = Double.parseDouble(used.get("learning_rate"));
    } catch (NumberFormatException e) {
      rate = -1;
    }
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new IllegalArgumentException(
          "param.learning_rate: must be a positive number, got '"
              + used.get("learning_rate")
              + "'");
    }
    return rate;
  }

  private static int positiveInt(Map<String, String> params, String key) {
    String v = params.get(key);
    try {
      int n = Integer.parseInt(v.strip());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException(
        "param." + key + ": must be a positive integer, got '" + v + "'");
  }

  private static MutableDataset<Label> dataset(LabeledData data) {
    LabelFactory labels = new LabelFactory();
    MutableDataset<Label> set =
        new MutableDataset<>(new SimpleDataSourceProvenance("keel-ml", labels), labels);
    List<String> names = data.featureNames();
    for (int r = 0; r < data.rows(); r++) {
      List<String> n = new ArrayList<>(names.size());
      List<Double> v = new ArrayList<>(names.size());
      for (int c = 0; c < names.size(); c++) {
        double x = data.x()[r][c];
        if (!Double.isNaN(x)) {
          n.add(names.get(c));
          v.add(x);
        }
      }
      double[] values = v.stream().mapToDouble(Double::doubleValue).toArray();
      set.add(new ArrayExample<>(label(data.y()[r]), n.toArray(String[]::new), values));
    }
    return set;
  }

  /** A 0/1 label as Tribuo's {@code "0"} / {@code "1"}. */
  static Label label(double y) {
    if (y != 0 && y != 1) {
      throw new IllegalArgumentException("label: " + NAME + " needs labels 0 or 1, got " + y);
    }
    return new Label(y == 1 ? "1" : "0");
  }
}
