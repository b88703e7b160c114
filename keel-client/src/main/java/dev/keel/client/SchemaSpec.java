package dev.keel.client;

import java.util.Optional;

/** One entry of a signature's inputs or outputs: a {@link ColumnSpec} or a {@link TensorSpec}. */
public sealed interface SchemaSpec permits ColumnSpec, TensorSpec {
  /** The entry's name; empty for an unnamed tensor. */
  Optional<String> name();
}
