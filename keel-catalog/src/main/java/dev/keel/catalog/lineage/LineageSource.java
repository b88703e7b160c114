package dev.keel.catalog.lineage;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The lineage links one capability records, implemented by that capability and plugged in by the
 * composition root. A source answers only for what it knows and returns nothing for the rest.
 */
public interface LineageSource {
  /**
   * The object {@code securable} names, when this source knows it: a table's or model's full name,
   * {@code catalog.schema.model@alias}, {@code catalog.schema.model/3} (a model pinned to a
   * version), a run id, an endpoint name.
   */
  Optional<Root> resolve(String securable);

  /**
   * The edges into {@code node}: what it was built from.
   *
   * @param version the version {@code node} (a model or alias) is pinned to, when it is: only the
   *     edges of that version are needed
   */
  List<LineageEdge> upstream(LineageNode node, OptionalLong version);

  /** The edges out of {@code node}: what was built from it (see {@link #upstream}). */
  List<LineageEdge> downstream(LineageNode node, OptionalLong version);

  /**
   * A securable resolved to a node.
   *
   * @param node the node
   * @param version the model version the name pins, when it names one ({@code model/3})
   */
  record Root(LineageNode node, OptionalLong version) {
    public Root {
      java.util.Objects.requireNonNull(node, "node");
      java.util.Objects.requireNonNull(version, "version");
    }
  }
}
