package dev.keel.registry.modelpackage;

import java.util.Optional;

/**
 * One entry of a signature schema: a named (or unnamed) column, or a tensor. A schema holds only
 * one kind.
 */
public sealed interface SchemaSpec permits ColumnSpec, TensorSpec {

  /** The entry's name, if the schema names its entries (all entries do, or none). */
  Optional<String> name();
}
