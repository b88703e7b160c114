package dev.keel.mlmodel;

import java.util.Optional;

/**
 * One entry of a signature schema: a {@link ColumnSpec} or a {@link TensorSpec}. A schema holds
 * only one kind, and names all its entries or none.
 */
public sealed interface SchemaSpec permits ColumnSpec, TensorSpec {

  /** The entry's name; empty when the schema's entries are unnamed. */
  Optional<String> name();
}
