package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.client.KeelJson;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Prints a command's answer as an aligned table (for people) or as the server's JSON (for scripts).
 * Hints that are not part of the answer (e.g. how to fetch the next page) go to stderr, so stdout
 * stays parseable.
 */
final class Output {
  /** {@code --output} values. */
  enum Format {
    table,
    json
  }

  private static final int MAX_CELL = 80;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

  private final Format format;
  private final PrintWriter out;
  private final PrintWriter err;

  Output(Format format, PrintWriter out, PrintWriter err) {
    this.format = format;
    this.out = out;
    this.err = err;
  }

  boolean json() {
    return format == Format.json;
  }

  /** Prints {@code json} in JSON mode, else runs {@code table}. */
  void print(JsonNode json, Runnable table) {
    if (json()) {
      out.println(KeelJson.write(json, true));
    } else {
      table.run();
    }
    out.flush();
  }

  /** For calls with an empty answer: {@code {}} in JSON mode, else {@code message}. */
  void done(String message) {
    print(KeelJson.object(), () -> out.println(message));
  }

  /** A line on stdout (table mode helpers). */
  void line(String text) {
    out.println(text);
  }

  /** A hint on stderr, in both modes. */
  void hint(String text) {
    err.println(text);
    err.flush();
  }

  /** Prints rows under a header, columns aligned; {@code empty} if there are no rows. */
  void table(List<String> header, List<List<String>> rows, String empty) {
    if (rows.isEmpty()) {
      out.println(empty);
      return;
    }
    int[] widths = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    for (List<String> r : rows) {
      all.add(r.stream().map(Output::cell).toList());
    }
    for (List<String> r : all) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    }
    for (List<String> r : all) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        String v = r.get(i);
        sb.append(v);
        if (i < widths.length - 1) {
          sb.append(" ".repeat(widths[i] - v.length() + 2));
        }
      }
      out.println(sb.toString().stripTrailing());
    }
  }

  /** A line of a tree and the lines under it. */
  record Node(String text, List<Node> children) {
    Node {
      children = List.copyOf(children);
    }

    /** A line without children. */
    static Node leaf(String text) {
      return new Node(text, List.of());
    }
  }

  /**
   * Prints {@code root} and its descendants as a tree drawn in ASCII ({@code |--}, {@code `--}),
   * which every terminal encoding shows.
   */
  void tree(Node root) {
    out.println(cellLong(root.text()));
    for (int i = 0; i < root.children().size(); i++) {
      branch(root.children().get(i), "", i == root.children().size() - 1);
    }
  }

  private void branch(Node n, String prefix, boolean last) {
    out.println((prefix + (last ? "`-- " : "|-- ") + cellLong(n.text())).stripTrailing());
    String next = prefix + (last ? "    " : "|   ");
    for (int i = 0; i < n.children().size(); i++) {
      branch(n.children().get(i), next, i == n.children().size() - 1);
    }
  }

  /** A tree line: control characters replaced, not cut (sources and URIs must stay whole). */
  private static String cellLong(String v) {
    return v.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
  }

  /** Prints {@code label: value} pairs with the values aligned. */
  void fields(List<String[]> pairs) {
    int width = pairs.stream().mapToInt(p -> p[0].length()).max().orElse(0) + 1;
    for (String[] p : pairs) {
      out.println((p[0] + ":" + " ".repeat(width - p[0].length() + 1) + p[1]).stripTrailing());
    }
  }

  private static String cell(String v) {
    String s = v.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
    return s.length() <= MAX_CELL ? s : s.substring(0, MAX_CELL - 3) + "...";
  }

  /** A timestamp in ms as local {@code yyyy-MM-dd HH:mm:ss}; "" for 0. */
  static String time(long millis) {
    return millis <= 0 ? "" : TIME.format(Instant.ofEpochMilli(millis));
  }

  /** An optional timestamp; "" when absent. */
  static String time(OptionalLong millis) {
    return millis.isPresent() ? time(millis.getAsLong()) : "";
  }

  /** A metric value without a trailing {@code .0} for whole numbers. */
  static String number(double v) {
    if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
