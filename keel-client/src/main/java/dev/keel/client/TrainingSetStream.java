package dev.keel.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A training set read row by row as the server streams it (NDJSON: a header with the columns, then
 * one JSON array per row, in spine order). Rows are parsed one at a time; the set is never held in
 * memory. Close it (try-with-resources) to release the connection; closing before the end stops the
 * transfer.
 *
 * <pre>{@code
 * try (TrainingSetStream set = keel.features().stream(spec)) {
 *   List<String> names = set.columnNames();
 *   while (set.hasNext()) {
 *     List<Object> row = set.next(); // Long, Double, String (timestamps ISO-8601), Boolean, null
 *   }
 * }
 * }</pre>
 */
public final class TrainingSetStream implements Iterator<List<Object>>, AutoCloseable {
  private final InputStream in;
  private final JsonParser parser;
  private final List<TrainingSetColumn> columns;
  private List<Object> next;
  private boolean done;
  private long rows;

  TrainingSetStream(InputStream in) {
    this.in = in;
    try {
      this.parser = KeelJson.MAPPER.createParser(in);
      JsonNode header = parser.readValueAsTree();
      if (header == null || !header.path("columns").isArray()) {
        throw KeelClientException.local(
            KeelClientException.INVALID_RESPONSE,
            "the training-set stream does not start with a columns header");
      }
      List<TrainingSetColumn> cols = new ArrayList<>();
      header
          .path("columns")
          .forEach(
              c ->
                  cols.add(
                      new TrainingSetColumn(KeelJson.text(c, "name"), KeelJson.text(c, "type"))));
      this.columns = List.copyOf(cols);
    } catch (IOException e) {
      closeQuietly();
      throw KeelClientException.local(
          KeelClientException.CONNECTION_FAILED,
          "reading the training set failed: " + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
  }

  /** The columns of every row. */
  public List<TrainingSetColumn> columns() {
    return columns;
  }

  /** The column names, in order. */
  public List<String> columnNames() {
    return columns.stream().map(TrainingSetColumn::name).toList();
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    if (done) {
      return false;
    }
    try {
      JsonToken t = parser.nextToken();
      if (t == null) {
        done = true;
        close();
        return false;
      }
      if (t != JsonToken.START_ARRAY) {
        throw KeelClientException.local(
            KeelClientException.INVALID_RESPONSE,
            "training-set row " + (rows + 1) + " is not a JSON array (got " + t + ")");
      }
      JsonNode row = parser.readValueAsTree();
      next = Values.row(row);
      rows++;
      return true;
    } catch (IOException e) {
      done = true;
      closeQuietly();
      throw KeelClientException.local(
          KeelClientException.CONNECTION_FAILED,
          "reading the training set failed: " + e.getMessage(),
          e);
    }
  }

  /** The next row: one value per column (null allowed). */
  @Override
  public List<Object> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    List<Object> r = next;
    next = null;
    return r;
  }

  /** The remaining rows as a sequential stream; closing the stream closes this. */
  public Stream<List<Object>> stream() {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(this::close);
  }

  @Override
  public void close() {
    done = true;
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      in.close();
    } catch (IOException e) {
      // nothing more to read either way
    }
  }
}
