package dev.keel.monitoring.quality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Accuracy, per-class and averaged precision/recall/F1 and the confusion matrix of one group, from
 * its (label, prediction) counts. Division by zero gives 0 (scikit-learn's {@code
 * zero_division=0}); F1 = 2PR/(P+R), 0 when P+R = 0.
 *
 * @param n labelled rows
 * @param correct rows whose prediction equals the label
 * @param classes the classes seen as label or prediction, sorted
 * @param precision per class
 * @param recall per class
 * @param f1 per class
 * @param support per class: its count among the labels
 * @param confusion (label, prediction) → count, non-zero cells
 */
record ClassificationScores(
    long n,
    long correct,
    List<String> classes,
    Map<String, Double> precision,
    Map<String, Double> recall,
    Map<String, Double> f1,
    Map<String, Long> support,
    Map<List<String>, Long> confusion) {

  /** The scores from (label, prediction) → count. */
  static ClassificationScores of(Map<List<String>, Long> cells) {
    TreeSet<String> classes = new TreeSet<>();
    Map<String, Long> tp = new TreeMap<>();
    Map<String, Long> predicted = new TreeMap<>();
    Map<String, Long> support = new TreeMap<>();
    long n = 0;
    long correct = 0;
    for (Map.Entry<List<String>, Long> e : cells.entrySet()) {
      String label = e.getKey().get(0);
      String pred = e.getKey().get(1);
      long c = e.getValue();
      classes.add(label);
      classes.add(pred);
      n += c;
      support.merge(label, c, Long::sum);
      predicted.merge(pred, c, Long::sum);
      if (label.equals(pred)) {
        correct += c;
        tp.merge(label, c, Long::sum);
      }
    }
    Map<String, Double> precision = new LinkedHashMap<>();
    Map<String, Double> recall = new LinkedHashMap<>();
    Map<String, Double> f1 = new LinkedHashMap<>();
    Map<String, Long> sup = new LinkedHashMap<>();
    for (String c : classes) {
      long t = tp.getOrDefault(c, 0L);
      long pc = predicted.getOrDefault(c, 0L);
      long s = support.getOrDefault(c, 0L);
      double pr = pc == 0 ? 0.0 : (double) t / pc;
      double rc = s == 0 ? 0.0 : (double) t / s;
      precision.put(c, pr);
      recall.put(c, rc);
      f1.put(c, pr + rc == 0 ? 0.0 : 2 * pr * rc / (pr + rc));
      sup.put(c, s);
    }
    Map<List<String>, Long> confusion = new TreeMap<>(ClassificationScores::compareCells);
    confusion.putAll(cells);
    return new ClassificationScores(
        n, correct, List.copyOf(classes), precision, recall, f1, sup, confusion);
  }

  private static int compareCells(List<String> a, List<String> b) {
    int c = a.get(0).compareTo(b.get(0));
    return c != 0 ? c : a.get(1).compareTo(b.get(1));
  }

  /** The quality columns (log loss and ROC-AUC NULL: they need probabilities). */
  Map<String, Object> toRow() {
    Map<String, Object> row = new LinkedHashMap<>();
    boolean any = n > 0;
    row.put("accuracy_score", any ? (double) correct / n : null);
    row.put("precision", any ? averaged(precision) : null);
    row.put("recall", any ? averaged(recall) : null);
    row.put("f1_score", any ? averaged(f1) : null);
    row.put("confusion_matrix", any ? confusionCells() : null);
    row.put("log_loss", null);
    row.put("roc_auc_score", null);
    row.put("num_labeled", n);
    return row;
  }

  /** {@code {one_vs_all: {class: value}, macro, weighted}}. */
  private Map<String, Object> averaged(Map<String, Double> perClass) {
    double sum = 0;
    double weighted = 0;
    long totalSupport = 0;
    for (String c : classes) {
      double v = perClass.get(c);
      long s = support.get(c);
      sum += v;
      weighted += v * s;
      totalSupport += s;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("one_vs_all", new LinkedHashMap<String, Object>(perClass));
    out.put("macro", sum / classes.size());
    out.put("weighted", totalSupport == 0 ? 0.0 : weighted / totalSupport);
    return out;
  }

  private List<Object> confusionCells() {
    List<Object> out = new ArrayList<>();
    for (Map.Entry<List<String>, Long> e : confusion.entrySet()) {
      Map<String, Object> cell = new LinkedHashMap<>();
      cell.put("prediction", e.getKey().get(1));
      cell.put("label", e.getKey().get(0));
      cell.put("count", e.getValue());
      out.add(cell);
    }
    return out;
  }
}
