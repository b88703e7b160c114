package dev.keel.registry;

import static dev.keel.registry.RegistryNames.fullName;
import static dev.keel.registry.RegistryNames.joined;
import static dev.keel.registry.RegistryService.PRINCIPAL;
import static dev.keel.registry.RegistryService.UC_MAX_PAGE;

import dev.keel.catalog.CatalogService;
import dev.keel.catalog.Names;
import dev.keel.catalog.Viewer;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.Page;
import dev.keel.core.PageToken;
import dev.keel.core.Validate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/** Owns registered models: create, get, list, search, update, delete and their tags. */
final class ModelOps {
  private final RegistryStore store;
  private final CatalogService catalog;
  private final VersionFiles files;
  private final Clock clock;
  private final RegistryListeners listeners;

  ModelOps(
      RegistryStore store,
      CatalogService catalog,
      VersionFiles files,
      Clock clock,
      RegistryListeners listeners) {
    this.listeners = listeners;
    this.store = store;
    this.catalog = catalog;
    this.files = files;
    this.clock = clock;
  }

  RegisteredModel createModel(
      String catalogName,
      String schemaName,
      String name,
      Optional<String> comment,
      Map<String, String> tags,
      String owner) {
    String c = Names.check("catalog_name", catalogName);
    String s = Names.check("schema_name", schemaName);
    String n = Names.check("name", name);
    comment.ifPresent(RegistryRules::checkComment);
    tags.forEach(RegistryRules::checkTag);
    requireSchema(c, s);
    long now = clock.millis();
    RegisteredModel m =
        new RegisteredModel(
            UUID.randomUUID().toString(),
            c,
            s,
            n,
            comment.filter(x -> !x.isEmpty()),
            owner,
            now,
            owner,
            now,
            owner,
            tags,
            Map.of());
    store.createModel(m);
    listeners.modelCreated(m.fullName(), now);
    return m;
  }

  RegisteredModel createModel(
      String fullName, Optional<String> comment, Map<String, String> tags, String owner) {
    String[] p = fullName("name", fullName);
    return createModel(p[0], p[1], p[2], comment, tags, owner);
  }

  RegisteredModel getModel(String fullName) {
    String n = joined("name", fullName);
    return store.getModel(n).orElseThrow(() -> JdbcRegistryStore.modelNotFound(n));
  }

  Page<RegisteredModel> listModels(
      Optional<String> catalogName,
      Optional<String> schemaName,
      OptionalLong maxResults,
      Optional<String> pageToken,
      Viewer viewer) {
    Optional<String> c =
        catalogName.filter(x -> !x.isEmpty()).map(x -> Names.check("catalog_name", x));
    Optional<String> s =
        schemaName.filter(x -> !x.isEmpty()).map(x -> Names.check("schema_name", x));
    if (s.isPresent() && c.isEmpty()) {
      throw KeelException.invalid("'schema_name' needs 'catalog_name' too.");
    }
    c.ifPresent(x -> s.ifPresent(y -> requireSchema(x, y)));
    int limit = RegistryRules.size(maxResults, UC_MAX_PAGE, UC_MAX_PAGE);
    long offset = PageToken.offset(pageToken);
    List<RegisteredModel> rows =
        store.searchModels(c, s, List.of(), SortOrder.byName(), offset, limit + 1, viewer);
    return RegistryRules.page(rows, limit, offset);
  }

  Page<RegisteredModel> searchModels(
      Optional<String> filter,
      OptionalLong maxResults,
      List<String> orderBy,
      Optional<String> pageToken,
      Viewer viewer) {
    List<Clause> clauses = RegistryFilter.models(filter.orElse(""));
    int limit =
        RegistryRules.size(
            maxResults, RegistryService.MLFLOW_DEFAULT_MODELS, RegistryService.MLFLOW_MAX_MODELS);
    long offset = PageToken.offset(pageToken);
    List<RegisteredModel> rows =
        store.searchModels(
            Optional.empty(),
            Optional.empty(),
            clauses,
            RegistryRules.order(orderBy, false),
            offset,
            limit + 1,
            viewer);
    return RegistryRules.page(rows, limit, offset);
  }

  RegisteredModel setModelOwner(String fullName, String owner, String principal) {
    return store.setModelOwner(joined("name", fullName), owner, clock.millis(), principal);
  }

  RegisteredModel updateModel(String fullName, Optional<String> newName, Optional<String> comment) {
    String n = joined("name", fullName);
    Optional<String[]> target = newName.filter(x -> !x.isEmpty()).map(x -> fullName("new_name", x));
    comment.ifPresent(RegistryRules::checkComment);
    target.ifPresent(t -> requireSchema(t[0], t[1]));
    if (target.isEmpty() && comment.isEmpty()) {
      return getModel(n);
    }
    return store.updateModel(n, target, comment, clock.millis(), PRINCIPAL);
  }

  void deleteModel(String fullName, boolean requireEmpty) {
    String n = joined("name", fullName);
    getModel(n);
    List<ModelVersion> versions = new ArrayList<>();
    long offset = 0;
    while (true) {
      List<ModelVersion> page =
          store.searchVersions(
              Optional.of(n),
              Optional.empty(),
              List.of(),
              new SortOrder("version_number", true),
              offset,
              1000);
      versions.addAll(page);
      if (page.size() < 1000) {
        break;
      }
      offset += page.size();
    }
    if (requireEmpty && !versions.isEmpty()) {
      throw new KeelException(
          ErrorCode.FAILED_PRECONDITION,
          "Registered model '"
              + n
              + "' still has "
              + versions.size()
              + " version(s); delete them first or pass force=true.");
    }
    store.deleteModel(n);
    versions.forEach(files::deleteFiles);
  }

  void setModelTag(String fullName, String key, String value) {
    RegistryRules.checkTag(key, value);
    store.setModelTag(joined("name", fullName), key, value, clock.millis(), PRINCIPAL);
  }

  void deleteModelTag(String fullName, String key) {
    Validate.key("key", key);
    store.deleteModelTag(joined("name", fullName), key, clock.millis(), PRINCIPAL);
  }

  private void requireSchema(String catalogName, String schemaName) {
    try {
      catalog.getSchema(catalogName + "." + schemaName);
    } catch (KeelException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        throw KeelException.notFound(
            "Schema '" + catalogName + "." + schemaName + "' does not exist.");
      }
      throw e;
    }
  }
}
