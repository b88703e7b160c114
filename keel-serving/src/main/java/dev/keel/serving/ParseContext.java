package dev.keel.serving;

import dev.keel.core.KeelException;
import dev.keel.mlmodel.ModelSignature;

/** One parse against one signature, with the limits to enforce; one per request. */
final class ParseContext {
  final ModelSignature signature;
  final ScoringLimits limits;
  final boolean tensors;

  ParseContext(ModelSignature signature, ScoringLimits limits) {
    this.signature = signature;
    this.limits = limits;
    this.tensors = signature.tensorInputs();
  }

  int checkRows(int rows, String where) {
    if (rows > limits.maxRows()) {
      throw KeelException.invalid(
          "'"
              + where
              + "' has "
              + rows
              + " rows; at most "
              + limits.maxRows()
              + " are accepted per request");
    }
    return rows;
  }

  void checkValues(long values, String where) {
    if (values > limits.maxValues()) {
      throw KeelException.invalid(
          "'" + where + "' has more than " + limits.maxValues() + " values; send smaller batches");
    }
  }
}
