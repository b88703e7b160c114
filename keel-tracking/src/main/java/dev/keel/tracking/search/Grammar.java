package dev.keel.tracking.search;

import static dev.keel.tracking.search.Operator.EQ;
import static dev.keel.tracking.search.Operator.GE;
import static dev.keel.tracking.search.Operator.GT;
import static dev.keel.tracking.search.Operator.ILIKE;
import static dev.keel.tracking.search.Operator.IN;
import static dev.keel.tracking.search.Operator.LE;
import static dev.keel.tracking.search.Operator.LIKE;
import static dev.keel.tracking.search.Operator.LT;
import static dev.keel.tracking.search.Operator.NE;
import static dev.keel.tracking.search.Operator.NOT_IN;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What each search target (runs, experiments) accepts: entity prefixes, attribute keys and their
 * aliases, and operators per entity. Mirrors MLflow's {@code SearchUtils} and {@code
 * SearchExperimentsUtils}.
 */
enum Grammar {
  RUNS(
      prefixes(
          "metric", Entity.METRIC,
          "metrics", Entity.METRIC,
          "parameter", Entity.PARAM,
          "parameters", Entity.PARAM,
          "param", Entity.PARAM,
          "params", Entity.PARAM,
          "tag", Entity.TAG,
          "tags", Entity.TAG,
          "attribute", Entity.ATTRIBUTE,
          "attributes", Entity.ATTRIBUTE,
          "attr", Entity.ATTRIBUTE,
          "run", Entity.ATTRIBUTE,
          "dataset", Entity.DATASET,
          "datasets", Entity.DATASET),
      Set.of("run_id", "run_name", "status", "user_id", "artifact_uri"),
      Set.of("start_time", "end_time"),
      Set.of("experiment_id"),
      Map.of(
          "created", "start_time",
          "Created", "start_time",
          "run name", "run_name",
          "Run name", "run_name",
          "Run Name", "run_name")),
  EXPERIMENTS(
      prefixes("attribute", Entity.ATTRIBUTE, "tag", Entity.TAG, "tags", Entity.TAG),
      Set.of("name"),
      Set.of("creation_time", "last_update_time"),
      Set.of("experiment_id"),
      Map.of());

  static final Set<String> DATASET_KEYS = Set.of("name", "digest", "context");

  private static final Set<Operator> NUMERIC_OPS = EnumSet.of(EQ, NE, GT, GE, LT, LE);
  private static final Set<Operator> STRING_OPS = EnumSet.of(EQ, NE, LIKE, ILIKE);
  private static final Set<Operator> LIST_OPS = EnumSet.of(EQ, NE, LIKE, ILIKE, IN, NOT_IN);

  private final Map<String, Entity> prefixes;
  private final Set<String> stringAttributes;
  private final Set<String> numericAttributes;
  private final Set<String> orderOnlyAttributes;
  private final Map<String, String> aliases;

  Grammar(
      Map<String, Entity> prefixes,
      Set<String> stringAttributes,
      Set<String> numericAttributes,
      Set<String> orderOnlyAttributes,
      Map<String, String> aliases) {
    this.prefixes = prefixes;
    this.stringAttributes = stringAttributes;
    this.numericAttributes = numericAttributes;
    this.orderOnlyAttributes = orderOnlyAttributes;
    this.aliases = aliases;
  }

  private static Map<String, Entity> prefixes(Object... pairs) {
    Map<String, Entity> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], (Entity) pairs[i + 1]);
    }
    return m;
  }

  /** The entity an identifier prefix names (case-sensitive, as in MLflow). */
  Optional<Entity> entity(String prefix) {
    return Optional.ofNullable(prefixes.get(prefix));
  }

  /** The prefixes, for messages. */
  String prefixList() {
    return String.join(", ", prefixes.keySet());
  }

  /** The canonical attribute for {@code key} (aliases resolved), if it may be filtered on. */
  Optional<String> filterAttribute(String key) {
    String k = aliases.getOrDefault(key, key);
    return stringAttributes.contains(k) || numericAttributes.contains(k)
        ? Optional.of(k)
        : Optional.empty();
  }

  /** The canonical attribute for {@code key} (aliases resolved), if it may be ordered by. */
  Optional<String> orderAttribute(String key) {
    String k = aliases.getOrDefault(key, key);
    return filterAttribute(k).isPresent() || orderOnlyAttributes.contains(k)
        ? Optional.of(k)
        : Optional.empty();
  }

  /** The attribute keys a filter may use, for messages. */
  String filterAttributeList() {
    Set<String> all = new TreeSet<>(stringAttributes);
    all.addAll(numericAttributes);
    all.addAll(aliases.keySet());
    return String.join(", ", all);
  }

  /** The attribute keys an order_by may use, for messages. */
  String orderAttributeList() {
    Set<String> all = new TreeSet<>(stringAttributes);
    all.addAll(numericAttributes);
    all.addAll(orderOnlyAttributes);
    all.addAll(aliases.keySet());
    return String.join(", ", all);
  }

  /** Whether values of this (canonical) key are numbers. */
  boolean isNumeric(Entity entity, String key) {
    return entity == Entity.METRIC
        || (entity == Entity.ATTRIBUTE && numericAttributes.contains(key));
  }

  /** The operators a filter may apply to this (canonical) key. */
  Set<Operator> operators(Entity entity, String key) {
    return switch (entity) {
      case METRIC -> NUMERIC_OPS;
      case PARAM, TAG -> STRING_OPS;
      case DATASET -> LIST_OPS;
      case ATTRIBUTE -> {
        if (numericAttributes.contains(key)) {
          yield NUMERIC_OPS;
        }
        yield this == RUNS && key.equals("run_id") ? LIST_OPS : STRING_OPS;
      }
    };
  }

  /** Operators in grammar order, for messages. */
  static String operatorList(Set<Operator> ops) {
    List<String> names = ops.stream().sorted().map(Operator::symbol).toList();
    return String.join(", ", names);
  }
}
