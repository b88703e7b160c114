package dev.keel.server;

import dev.keel.features.Feature;
import dev.keel.features.FeatureSpecInfo;
import dev.keel.features.FeatureStore;
import dev.keel.features.online.EntityRows;
import dev.keel.features.online.FeatureResult;
import dev.keel.features.online.FeatureStatus;
import dev.keel.features.online.OnlineFeatures;
import dev.keel.features.training.FeatureLookup;
import dev.keel.serving.endpoints.FeatureSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link FeatureSource} over the feature store's online store. Each lookup of the spec is read with
 * the request's lookup-key columns as its table's entity keys; a feature with no row (or an expired
 * one) takes the lookup's default value, else null. Specs and table keys are cached for 10 s.
 */
public final class StoreFeatureSource implements FeatureSource {
  private static final Duration TTL = Duration.ofSeconds(10);

  private record Plan(List<String> keys, List<Step> steps) {}

  private record Step(
      FeatureLookup lookup, List<String> tableKeys, List<String> features, List<String> refs) {}

  private record Cached(Plan plan, long at) {}

  private final FeatureStore store;
  private final Map<String, Cached> plans = new ConcurrentHashMap<>();

  /** A source over this feature store. */
  public StoreFeatureSource(FeatureStore store) {
    this.store = store;
  }

  private Plan plan(String spec) {
    long now = System.nanoTime();
    Cached c = plans.get(spec);
    if (c != null && now - c.at() < TTL.toNanos()) {
      return c.plan();
    }
    FeatureSpecInfo info = store.getFeatureSpec(spec);
    List<String> keys = new ArrayList<>();
    List<Step> steps = new ArrayList<>();
    for (FeatureLookup l : info.lookups()) {
      for (String k : l.lookupKeys()) {
        if (!keys.contains(k)) {
          keys.add(k);
        }
      }
      var table = store.getFeatureTable(l.table());
      List<String> features =
          l.featureNames().isEmpty()
              ? table.features().stream().map(Feature::name).toList()
              : l.featureNames();
      steps.add(
          new Step(
              l,
              table.entityKeys(),
              features,
              features.stream().map(f -> l.table() + ":" + f).toList()));
    }
    Plan p = new Plan(List.copyOf(keys), List.copyOf(steps));
    plans.put(spec, new Cached(p, now));
    return p;
  }

  @Override
  public List<String> lookupKeys(String spec) {
    return plan(spec).keys();
  }

  @Override
  public Map<String, List<Object>> features(
      String spec, List<String> keys, List<List<Object>> rows) {
    Plan p = plan(spec);
    Map<String, List<Object>> out = new LinkedHashMap<>();
    for (Step s : p.steps()) {
      List<List<Object>> entityRows = new ArrayList<>(rows.size());
      for (List<Object> row : rows) {
        List<Object> e = new ArrayList<>(s.lookup().lookupKeys().size());
        for (String k : s.lookup().lookupKeys()) {
          e.add(row.get(keys.indexOf(k)));
        }
        entityRows.add(e);
      }
      OnlineFeatures f = store.onlineFeatures(s.refs(), new EntityRows(s.tableKeys(), entityRows));
      for (int i = 0; i < s.features().size(); i++) {
        String feature = s.features().get(i);
        FeatureResult r = f.results().get(i);
        Object def = s.lookup().defaultValues().get(feature);
        List<Object> values = new ArrayList<>(rows.size());
        for (int j = 0; j < rows.size(); j++) {
          values.add(r.statuses().get(j) == FeatureStatus.PRESENT ? r.values().get(j) : def);
        }
        out.put(s.lookup().outputName(feature), values);
      }
    }
    return out;
  }
}
