package dev.keel.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.catalog.lineage.LineageEdge;
import dev.keel.catalog.lineage.LineageNode;
import dev.keel.catalog.lineage.LineageSource;
import dev.keel.core.KeelException;
import dev.keel.tracking.DatasetInput;
import dev.keel.tracking.Run;
import dev.keel.tracking.RunInput;
import dev.keel.tracking.Tag;
import dev.keel.tracking.TrackingService;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Training sets in lineage: a training set logged to a run (by {@code training-sets} with a {@code
 * run_id}, or {@code log-training-set}) read a spine table snapshot and feature table snapshots, as
 * the run's dataset inputs tagged {@value #ROLE_TAG} record. Its node is named by the run's id:
 * table snapshot → training set → run.
 */
public final class TrainingSetLineageSource implements LineageSource {
  /**
   * The input tag saying which part of a training set a table was: {@code spine}, {@code features}.
   */
  public static final String ROLE_TAG = "keel.role";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final TrackingService tracking;

  public TrainingSetLineageSource(TrackingService tracking) {
    this.tracking = tracking;
  }

  @Override
  public Optional<Root> resolve(String securable) {
    return Optional.empty(); // a training set is reached from its tables or its run
  }

  @Override
  public List<LineageEdge> upstream(LineageNode node, OptionalLong version) {
    List<LineageEdge> out = new ArrayList<>();
    switch (node.type()) {
      case RUN ->
          run(node.name())
              .filter(r -> r.inputs().stream().anyMatch(i -> role(i).isPresent()))
              .ifPresent(
                  r ->
                      out.add(
                          LineageEdge.of(
                              trainingSet(r.info().runId()),
                              node,
                              LineageEdge.Kind.TRAINING_SET,
                              OptionalLong.of(r.info().startTime()))));
      case TRAINING_SET ->
          run(node.name())
              .ifPresent(
                  r -> {
                    for (DatasetInput i : r.inputs()) {
                      edge(i, node, r.info().startTime()).ifPresent(out::add);
                    }
                  });
      default -> {}
    }
    return out;
  }

  @Override
  public List<LineageEdge> downstream(LineageNode node, OptionalLong version) {
    List<LineageEdge> out = new ArrayList<>();
    switch (node.type()) {
      case TABLE -> {
        for (RunInput ri : tracking.inputsMentioning(node.name())) {
          edge(ri.input(), trainingSet(ri.runId()), ri.runStartTime())
              .filter(e -> e.from().equals(node))
              .ifPresent(out::add);
        }
      }
      case TRAINING_SET ->
          run(node.name())
              .ifPresent(
                  r ->
                      out.add(
                          LineageEdge.of(
                              node,
                              LineageNode.run(r.info().runId()),
                              LineageEdge.Kind.TRAINING_SET,
                              OptionalLong.of(r.info().startTime()))));
      default -> {}
    }
    return out;
  }

  private static LineageNode trainingSet(String runId) {
    return new LineageNode(LineageNode.Type.TRAINING_SET, runId);
  }

  /** The edge from the table a training-set input names to the training set, if it is one. */
  private static Optional<LineageEdge> edge(DatasetInput i, LineageNode set, long at) {
    Optional<String> role = role(i);
    if (role.isEmpty() || !i.dataset().sourceType().equals(FeatureStore.SOURCE_TYPE)) {
      return Optional.empty();
    }
    JsonNode source;
    try {
      source = JSON.readTree(i.dataset().source());
    } catch (IOException e) {
      return Optional.empty(); // not a source Keel wrote
    }
    String table = source.path("table").asText(i.dataset().name());
    OptionalLong snapshot =
        source.path("snapshot_id").canConvertToLong()
            ? OptionalLong.of(source.path("snapshot_id").asLong())
            : OptionalLong.empty();
    return Optional.of(
        LineageEdge.snapshot(
            LineageNode.table(table),
            set,
            role.get().equals("spine") ? LineageEdge.Kind.SPINE : LineageEdge.Kind.FEATURES,
            snapshot,
            OptionalLong.of(at)));
  }

  private static Optional<String> role(DatasetInput i) {
    return i.tags().stream().filter(t -> t.key().equals(ROLE_TAG)).map(Tag::value).findFirst();
  }

  private Optional<Run> run(String runId) {
    try {
      return Optional.of(tracking.getRun(runId));
    } catch (KeelException e) {
      return Optional.empty();
    }
  }
}
