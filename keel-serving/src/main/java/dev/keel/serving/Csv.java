package dev.keel.serving;

import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.List;

/**
 * A small RFC 4180 reader: comma-separated fields, double-quoted fields may hold commas, line
 * breaks and doubled quotes; lines end with LF or CRLF; a final line break is optional and blank
 * lines are skipped (as pandas does).
 */
final class Csv {
  private Csv() {}

  /** The records of {@code text}; more than {@code maxRecords} records is refused. */
  static List<List<String>> parse(String text, int maxRecords) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    int n = text.length();
    int i = text.startsWith("\uFEFF") ? 1 : 0;
    while (i < n) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < n && text.charAt(i + 1) == '"') {
            field.append('"');
            i += 2;
            continue;
          }
          quoted = false;
          i++;
          continue;
        }
        field.append(c);
        i++;
        continue;
      }
      switch (c) {
        case '"' -> {
          if (field.length() > 0 || wasQuoted) {
            throw KeelException.invalid(
                "CSV line " + (records.size() + 1) + ": a quote inside an unquoted field");
          }
          quoted = true;
          wasQuoted = true;
          i++;
        }
        case ',' -> {
          record.add(field.toString());
          field.setLength(0);
          wasQuoted = false;
          i++;
        }
        case '\r', '\n' -> {
          if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
            i++;
          }
          i++;
          if (record.isEmpty() && field.length() == 0 && !wasQuoted) {
            continue; // blank line
          }
          record.add(field.toString());
          field.setLength(0);
          wasQuoted = false;
          records.add(record);
          record = new ArrayList<>();
          if (records.size() > maxRecords) {
            throw KeelException.invalid(
                "The CSV body has more than " + (maxRecords - 1) + " rows; send smaller batches");
          }
        }
        default -> {
          if (wasQuoted) {
            throw KeelException.invalid(
                "CSV line " + (records.size() + 1) + ": text after a closing quote");
          }
          field.append(c);
          i++;
        }
      }
    }
    if (quoted) {
      throw KeelException.invalid("The CSV body ends inside a quoted field");
    }
    if (!record.isEmpty() || field.length() > 0 || wasQuoted) {
      record.add(field.toString());
      records.add(record);
    }
    if (records.size() > maxRecords) {
      throw KeelException.invalid(
          "The CSV body has more than " + (maxRecords - 1) + " rows; send smaller batches");
    }
    return records;
  }
}
