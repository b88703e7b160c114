package dev.keel.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.catalog.lineage.LineageEdge;
import dev.keel.catalog.lineage.LineageNode;
import dev.keel.catalog.lineage.LineageService;
import dev.keel.catalog.lineage.LineageSource;
import dev.keel.core.KeelException;
import dev.keel.features.FeatureStore;
import dev.keel.features.TrainingSetLineageSource;
import dev.keel.registry.RegistryLineageSource;
import dev.keel.serving.endpoints.EndpointLineageSource;
import dev.keel.tables.TableLineageSource;
import dev.keel.tracking.Dataset;
import dev.keel.tracking.DatasetInput;
import dev.keel.tracking.Run;
import dev.keel.tracking.RunInput;
import dev.keel.tracking.TrackingService;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Runs in lineage (an adapter: keel-tracking sits below the lineage interface): resolves a run id,
 * and links the datasets a run logged as inputs ({@code runs/log-inputs}) to it. A dataset whose
 * source names a table ({@code table}, {@code table_name} or {@code delta_table_name}, as Keel,
 * MLflow and Databricks write them; or a {@code keel_table} dataset) is that table, with the
 * snapshot or version the source gives; any other is a dataset node {@code name@digest}. Inputs
 * logged by a training set are the training set's ({@link TrainingSetLineageSource}). A table that
 * runs logged as an input resolves even when Keel does not hold it.
 */
final class RunLineageSource implements LineageSource {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TrackingService tracking;

  RunLineageSource(TrackingService tracking) {
    this.tracking = tracking;
  }

  /** The lineage graph over every capability's links. */
  static LineageService lineage(Services s) {
    return new LineageService(
        List.of(
            new TableLineageSource(s.tables),
            new RunLineageSource(s.tracking),
            new TrainingSetLineageSource(s.tracking),
            new RegistryLineageSource(s.registry),
            new EndpointLineageSource(s.endpoints)));
  }

  @Override
  public Optional<Root> resolve(String securable) {
    if (securable.matches("[^./@\\s]+\\.[^./@\\s]+\\.[^./@\\s]+")) {
      // a table runs read, also one Keel does not hold (e.g. a Databricks delta table)
      LineageNode table = LineageNode.table(securable);
      for (RunInput ri : tracking.inputsMentioning(securable)) {
        if (edge(ri.input(), LineageNode.run(ri.runId()), 0)
            .filter(e -> e.from().equals(table))
            .isPresent()) {
          return Optional.of(new Root(table, OptionalLong.empty()));
        }
      }
      return Optional.empty();
    }
    if (!securable.matches("[A-Za-z0-9_-]{1,64}")) {
      return Optional.empty();
    }
    return run(securable)
        .map(r -> new Root(LineageNode.run(r.info().runId()), OptionalLong.empty()));
  }

  @Override
  public List<LineageEdge> upstream(LineageNode node, OptionalLong version) {
    List<LineageEdge> out = new ArrayList<>();
    if (node.type() == LineageNode.Type.RUN) {
      run(node.name())
          .ifPresent(
              r -> {
                for (DatasetInput i : r.inputs()) {
                  edge(i, node, r.info().startTime()).ifPresent(out::add);
                }
              });
    }
    return out;
  }

  @Override
  public List<LineageEdge> downstream(LineageNode node, OptionalLong version) {
    List<LineageEdge> out = new ArrayList<>();
    if (node.type() == LineageNode.Type.TABLE) {
      for (RunInput ri : tracking.inputsMentioning(node.name())) {
        edge(ri.input(), LineageNode.run(ri.runId()), ri.runStartTime())
            .filter(e -> e.from().equals(node))
            .ifPresent(out::add);
      }
    }
    return out;
  }

  private static Optional<LineageEdge> edge(DatasetInput i, LineageNode run, long at) {
    if (i.tags().stream().anyMatch(t -> t.key().equals(TrainingSetLineageSource.ROLE_TAG))) {
      return Optional.empty(); // a training set's input: table → training set → run
    }
    Dataset d = i.dataset();
    JsonNode source = null;
    try {
      source = JSON.readTree(d.source());
    } catch (IOException e) {
      // a source that is not JSON names no table
    }
    Optional<String> table = Optional.empty();
    OptionalLong snapshot = OptionalLong.empty();
    if (source != null && source.isObject()) {
      for (String key : List.of("table", "table_name", "delta_table_name")) {
        if (source.path(key).isTextual() && !source.path(key).asText().isBlank()) {
          table = Optional.of(source.path(key).asText());
          break;
        }
      }
      for (String key : List.of("snapshot_id", "delta_table_version", "version")) {
        if (source.path(key).canConvertToLong()) {
          snapshot = OptionalLong.of(source.path(key).asLong());
          break;
        }
      }
    }
    if (table.isEmpty() && d.sourceType().equals(FeatureStore.SOURCE_TYPE)) {
      table = Optional.of(d.name());
    }
    LineageNode from =
        table.isPresent()
            ? LineageNode.table(table.get())
            : new LineageNode(LineageNode.Type.DATASET, d.name() + "@" + d.digest());
    return Optional.of(
        LineageEdge.snapshot(
            from,
            run,
            LineageEdge.Kind.DATASET_INPUT,
            table.isPresent() ? snapshot : OptionalLong.empty(),
            OptionalLong.of(at)));
  }

  private Optional<Run> run(String runId) {
    try {
      return Optional.of(tracking.getRun(runId));
    } catch (KeelException e) {
      return Optional.empty();
    }
  }
}
