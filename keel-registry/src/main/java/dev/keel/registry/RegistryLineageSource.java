package dev.keel.registry;

import dev.keel.catalog.lineage.LineageEdge;
import dev.keel.catalog.lineage.LineageNode;
import dev.keel.catalog.lineage.LineageSource;
import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry's lineage links: the run each model version was created from ({@code run_id}), and
 * the version each alias points at. Names {@code catalog.schema.model}, {@code
 * catalog.schema.model/3} (one version), {@code catalog.schema.model@alias} and the same with
 * {@code models:/} in front.
 */
public final class RegistryLineageSource implements LineageSource {
  /** Most versions of one model followed upstream. */
  public static final int MAX_VERSIONS = 1000;

  private static final Pattern PINNED =
      Pattern.compile("(?:models:/)?([^/@]+\\.[^/@]+\\.[^/@]+)(?:/([1-9][0-9]{0,17})|@(.+))?");

  private final RegistryService registry;

  public RegistryLineageSource(RegistryService registry) {
    this.registry = registry;
  }

  @Override
  public Optional<Root> resolve(String securable) {
    Matcher m = PINNED.matcher(securable.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    String model = m.group(1);
    try {
      if (m.group(2) != null) {
        ModelVersion v = registry.getVersion(model, Long.parseLong(m.group(2)));
        return Optional.of(
            new Root(LineageNode.model(v.modelFullName()), OptionalLong.of(v.version())));
      }
      if (m.group(3) != null) {
        ModelVersion v = registry.versionByAlias(model, m.group(3));
        return Optional.of(
            new Root(
                LineageNode.alias(v.modelFullName(), m.group(3)), OptionalLong.of(v.version())));
      }
      RegisteredModel r = registry.getModel(model);
      return Optional.of(new Root(LineageNode.model(fullName(r)), OptionalLong.empty()));
    } catch (KeelException e) {
      return Optional.empty(); // not a model, version or alias this registry knows
    }
  }

  @Override
  public List<LineageEdge> upstream(LineageNode node, OptionalLong version) {
    List<LineageEdge> out = new ArrayList<>();
    switch (node.type()) {
      case REGISTERED_MODEL -> {
        for (ModelVersion v : versions(node.name(), version)) {
          v.runId()
              .ifPresent(
                  run ->
                      out.add(
                          LineageEdge.version(
                              LineageNode.run(run),
                              node,
                              LineageEdge.Kind.MODEL_VERSION,
                              v.version(),
                              OptionalLong.of(v.createdAt()))));
        }
      }
      case MODEL_ALIAS -> {
        int at = node.name().lastIndexOf('@');
        String model = node.name().substring(0, at);
        String alias = node.name().substring(at + 1);
        aliases(model).entrySet().stream()
            .filter(a -> a.getKey().equals(alias))
            .forEach(a -> out.add(aliasEdge(model, a.getKey(), a.getValue())));
      }
      default -> {}
    }
    return out;
  }

  @Override
  public List<LineageEdge> downstream(LineageNode node, OptionalLong version) {
    List<LineageEdge> out = new ArrayList<>();
    switch (node.type()) {
      case RUN -> {
        List<ModelVersion> versions;
        try {
          versions = registry.versionsFromRun(node.name());
        } catch (KeelException e) {
          return out; // an unknown run, or a run id the registry refuses
        }
        for (ModelVersion v : versions) {
          out.add(
              LineageEdge.version(
                  node,
                  LineageNode.model(v.modelFullName()),
                  LineageEdge.Kind.MODEL_VERSION,
                  v.version(),
                  OptionalLong.of(v.createdAt())));
        }
      }
      case REGISTERED_MODEL ->
          aliases(node.name())
              .forEach(
                  (alias, v) -> {
                    if (version.isEmpty() || version.getAsLong() == v) {
                      out.add(aliasEdge(node.name(), alias, v));
                    }
                  });
      default -> {}
    }
    return out;
  }

  private LineageEdge aliasEdge(String model, String alias, long version) {
    List<AliasMove> moves = registry.aliasHistory(model, alias);
    OptionalLong at =
        moves.isEmpty() ? OptionalLong.empty() : OptionalLong.of(moves.getLast().movedAt());
    return LineageEdge.version(
        LineageNode.model(model),
        LineageNode.alias(model, alias),
        LineageEdge.Kind.ALIAS,
        version,
        at);
  }

  private Map<String, Long> aliases(String model) {
    try {
      return registry.getModel(model).aliases();
    } catch (KeelException e) {
      return Map.of(); // deleted since it was linked
    }
  }

  private List<ModelVersion> versions(String model, OptionalLong version) {
    try {
      if (version.isPresent()) {
        return List.of(registry.getVersion(model, version.getAsLong()));
      }
      List<ModelVersion> out = new ArrayList<>();
      Optional<String> token = Optional.empty();
      do {
        var page =
            registry.listVersions(model, OptionalLong.of(RegistryService.UC_MAX_PAGE), token);
        out.addAll(page.items());
        token = page.nextPageToken();
      } while (token.isPresent() && out.size() < MAX_VERSIONS);
      return out;
    } catch (KeelException e) {
      return List.of(); // deleted since it was linked
    }
  }

  private static String fullName(RegisteredModel m) {
    return m.catalogName() + "." + m.schemaName() + "." + m.name();
  }
}
