package dev.keel.tables;

import dev.keel.catalog.lineage.LineageEdge;
import dev.keel.catalog.lineage.LineageNode;
import dev.keel.catalog.lineage.LineageSource;
import dev.keel.core.KeelException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Tables in lineage: resolves a table's full name to its node. Tables record no links of their own
 * (Keel does not yet record which tables a write read); the capabilities that read or write them
 * (training sets, runs, endpoints) give the edges.
 */
public final class TableLineageSource implements LineageSource {
  private final TableService tables;

  public TableLineageSource(TableService tables) {
    this.tables = tables;
  }

  @Override
  public Optional<Root> resolve(String securable) {
    if (securable.chars().filter(c -> c == '.').count() != 2
        || securable.contains("/")
        || securable.contains("@")) {
      return Optional.empty();
    }
    try {
      TableInfo t = tables.get(securable.trim());
      return Optional.of(new Root(LineageNode.table(t.fullName()), OptionalLong.empty()));
    } catch (KeelException e) {
      return Optional.empty(); // not a table
    }
  }

  @Override
  public List<LineageEdge> upstream(LineageNode node, OptionalLong version) {
    return List.of();
  }

  @Override
  public List<LineageEdge> downstream(LineageNode node, OptionalLong version) {
    return List.of();
  }
}
