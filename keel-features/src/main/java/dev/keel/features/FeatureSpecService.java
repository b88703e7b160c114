package dev.keel.features;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.catalog.Names;
import dev.keel.core.ErrorCode;
import dev.keel.core.FormatVersion;
import dev.keel.core.KeelException;
import dev.keel.features.training.FeatureLookup;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Feature specs: named, checked lists of feature lookups that training and serving share. Stored as
 * a JSON document {@code {"format_version": 1, "lookups": [...]}} (format version {@value
 * #FORMAT_VERSION}; specs stored before versions were recorded are a bare array of lookups, read as
 * version 1). Part of {@link FeatureStore}. Thread-safe.
 */
final class FeatureSpecService {
  /** The format version of stored feature specs. */
  static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FeatureMetadataStore meta;
  private final FeatureTableService featureTables;
  private final OnlineMetadataCache cache;
  private final Clock clock;

  FeatureSpecService(
      FeatureMetadataStore meta,
      FeatureTableService featureTables,
      OnlineMetadataCache cache,
      Clock clock) {
    this.meta = meta;
    this.featureTables = featureTables;
    this.cache = cache;
    this.clock = clock;
  }

  /** See {@link FeatureStore#createFeatureSpec}. */
  FeatureSpecInfo create(String fullName, List<FeatureLookup> lookups, Optional<String> comment) {
    String[] n = Names.checkFullName("name", fullName, 3);
    if (lookups.isEmpty()) {
      throw KeelException.invalid("lookups: a feature spec needs at least one lookup");
    }
    for (int i = 0; i < lookups.size(); i++) {
      FeatureLookup l = lookups.get(i);
      FeatureTable t = featureTables.get(l.table());
      for (String f : l.featureNames()) {
        if (t.feature(f).isEmpty()) {
          throw KeelException.invalid(
              "lookups[" + i + "].feature_names: '" + f + "' is not a feature of " + t.fullName());
        }
      }
      if (l.lookupKeys().size() != t.entityKeys().size()) {
        throw KeelException.invalid(
            "lookups["
                + i
                + "].lookup_keys: "
                + t.fullName()
                + " is keyed by "
                + t.entityKeys()
                + ", got "
                + l.lookupKeys());
      }
    }
    long now = clock.millis();
    meta.createSpec(
        new FeatureMetadataStore.StoredSpec(
            n[0],
            n[1],
            n[2],
            toJson(lookups),
            comment,
            FeatureTableService.PRINCIPAL,
            now,
            FeatureTableService.PRINCIPAL));
    return get(fullName);
  }

  /** See {@link FeatureStore#getFeatureSpec}. */
  FeatureSpecInfo get(String fullName) {
    String[] n = Names.checkFullName("name", fullName, 3);
    String name = String.join(".", n);
    return meta.getSpec(name)
        .map(FeatureSpecService::specInfo)
        .orElseThrow(() -> KeelException.notFound("Feature spec '" + name + "' does not exist."));
  }

  /** See {@link FeatureStore#listFeatureSpecs}. */
  List<FeatureSpecInfo> list(String catalogName, String schemaName) {
    return meta
        .listSpecs(Names.check("catalog_name", catalogName), Names.check("schema_name", schemaName))
        .stream()
        .map(FeatureSpecService::specInfo)
        .toList();
  }

  /** See {@link FeatureStore#deleteFeatureSpec}. */
  void delete(String fullName) {
    String name = String.join(".", Names.checkFullName("name", fullName, 3));
    if (!meta.deleteSpec(name)) {
      throw KeelException.notFound("Feature spec '" + name + "' does not exist.");
    }
    cache.forgetRequests();
  }

  /** The stored document of a spec's lookups, with its format version. */
  static String toJson(List<FeatureLookup> lookups) {
    ObjectNode doc = JSON.createObjectNode();
    FormatVersion.write(doc, FORMAT_VERSION);
    ArrayNode a = doc.putArray("lookups");
    lookups.forEach(l -> a.add(l.toJson()));
    return doc.toString();
  }

  /**
   * The lookups of a stored document: {@link #toJson}'s output, or a bare array of lookups (specs
   * stored before format versions were recorded).
   *
   * @param what the spec, as errors name it
   */
  static List<FeatureLookup> fromJson(String json, String what) {
    JsonNode doc;
    try {
      doc = JSON.readTree(json);
    } catch (IOException e) {
      throw new KeelException(
          ErrorCode.INTERNAL_ERROR, what + " is not valid JSON: " + e.getMessage());
    }
    JsonNode a = doc;
    if (doc.isObject()) {
      FormatVersion.read(doc, FORMAT_VERSION, what, ErrorCode.FAILED_PRECONDITION);
      a = doc.path("lookups");
    }
    if (!a.isArray()) {
      throw new KeelException(ErrorCode.INTERNAL_ERROR, what + " has no list of lookups");
    }
    List<FeatureLookup> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(FeatureLookup.fromJson(a.get(i), "lookups[" + i + "]"));
    }
    return out;
  }

  private static FeatureSpecInfo specInfo(FeatureMetadataStore.StoredSpec s) {
    return new FeatureSpecInfo(
        s.catalogName(),
        s.schemaName(),
        s.name(),
        fromJson(
            s.lookupsJson(),
            "Feature spec '" + String.join(".", s.catalogName(), s.schemaName(), s.name()) + "'"),
        s.comment(),
        s.owner(),
        s.createdAt(),
        s.createdBy());
  }
}
