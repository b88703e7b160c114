package dev.keel.serving.endpoints;

import dev.keel.catalog.lineage.LineageEdge;
import dev.keel.catalog.lineage.LineageNode;
import dev.keel.catalog.lineage.LineageSource;
import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Serving endpoints in lineage: the model versions (or aliases) an endpoint's config serves, and
 * the inference table it logs to. An entity that follows an alias links from the alias, with the
 * version loaded now; one pinned to a version links from the model with that version.
 */
public final class EndpointLineageSource implements LineageSource {
  private final EndpointService endpoints;

  public EndpointLineageSource(EndpointService endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public Optional<Root> resolve(String securable) {
    if (!EndpointConfig.isName(securable)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Root(
              LineageNode.endpoint(endpoints.get(securable).endpoint().name()),
              OptionalLong.empty()));
    } catch (KeelException e) {
      return Optional.empty(); // no such endpoint
    }
  }

  @Override
  public List<LineageEdge> upstream(LineageNode node, OptionalLong version) {
    List<LineageEdge> out = new ArrayList<>();
    switch (node.type()) {
      case SERVING_ENDPOINT -> status(node.name()).ifPresent(s -> out.addAll(served(s)));
      case TABLE -> {
        for (EndpointService.EndpointStatus s : endpoints.list()) {
          inferenceEdge(s.endpoint()).filter(e -> e.to().equals(node)).ifPresent(out::add);
        }
      }
      default -> {}
    }
    return out;
  }

  @Override
  public List<LineageEdge> downstream(LineageNode node, OptionalLong version) {
    List<LineageEdge> out = new ArrayList<>();
    switch (node.type()) {
      case SERVING_ENDPOINT ->
          status(node.name()).flatMap(s -> inferenceEdge(s.endpoint())).ifPresent(out::add);
      case REGISTERED_MODEL, MODEL_ALIAS -> {
        for (EndpointService.EndpointStatus s : endpoints.list()) {
          served(s).stream().filter(e -> e.from().equals(node)).forEach(out::add);
        }
      }
      default -> {}
    }
    return out;
  }

  private Optional<EndpointService.EndpointStatus> status(String name) {
    try {
      return Optional.of(endpoints.get(name));
    } catch (KeelException e) {
      return Optional.empty();
    }
  }

  /** The edges from what an endpoint serves (its active config, else the one being loaded). */
  private static List<LineageEdge> served(EndpointService.EndpointStatus s) {
    ServingEndpoint ep = s.endpoint();
    boolean active = ep.config().isPresent();
    Optional<EndpointConfig> config = active ? ep.config() : ep.pendingConfig();
    List<LineageEdge> out = new ArrayList<>();
    if (config.isEmpty()) {
      return out;
    }
    LineageNode to = LineageNode.endpoint(ep.name());
    OptionalLong at = OptionalLong.of(ep.updatedAt());
    for (EndpointConfig.ServedEntity e : config.get().servedEntities()) {
      Optional<String> alias = e.alias();
      if (alias.isPresent()) {
        OptionalLong loaded =
            (active ? s.active() : s.pending())
                .stream()
                    .filter(x -> x.name().equals(e.name()))
                    .map(EndpointService.EntityStatus::version)
                    .filter(OptionalLong::isPresent)
                    .findFirst()
                    .orElse(OptionalLong.empty());
        out.add(
            new LineageEdge(
                LineageNode.alias(e.entityName(), alias.get()),
                to,
                LineageEdge.Kind.SERVES,
                OptionalLong.empty(),
                loaded,
                at));
      } else {
        out.add(
            LineageEdge.version(
                LineageNode.model(e.entityName()),
                to,
                LineageEdge.Kind.SERVES,
                Long.parseLong(e.entityVersion()),
                at));
      }
    }
    return out;
  }

  private static Optional<LineageEdge> inferenceEdge(ServingEndpoint ep) {
    return ep.inferenceTable()
        .filter(InferenceTableConfig::enabled)
        .map(
            t ->
                LineageEdge.of(
                    LineageNode.endpoint(ep.name()),
                    LineageNode.table(t.tableFullName()),
                    LineageEdge.Kind.INFERENCE_LOG,
                    OptionalLong.of(ep.updatedAt())));
  }
}
