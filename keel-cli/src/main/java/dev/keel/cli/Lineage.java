package dev.keel.cli;

import dev.keel.client.LineageDataset;
import dev.keel.client.LineageRun;
import dev.keel.client.RunModelVersion;
import dev.keel.client.VersionLineage;
import java.util.ArrayList;
import java.util.List;

/** Lineage answers as trees for {@code keel models lineage} and {@code keel runs lineage}. */
final class Lineage {
  private Lineage() {}

  /** A model and its versions, each with source, run and datasets. */
  static Output.Node model(String fullName, List<VersionLineage> versions) {
    List<Output.Node> children = new ArrayList<>();
    versions.forEach(v -> children.add(version(v)));
    if (children.isEmpty()) {
      children.add(Output.Node.leaf("(no versions)"));
    }
    return new Output.Node(fullName, children);
  }

  /** One version: its line, then source, run and datasets under it. */
  static Output.Node version(VersionLineage v) {
    List<Output.Node> children = new ArrayList<>();
    children.add(Output.Node.leaf("source: " + v.source()));
    if (v.run().isPresent()) {
      children.add(Output.Node.leaf("run: " + run(v.run().get())));
    } else {
      children.add(Output.Node.leaf("run: none (not created from a run)"));
    }
    if (!v.datasets().isEmpty()) {
      List<Output.Node> ds = new ArrayList<>();
      v.datasets().forEach(d -> ds.add(dataset(d)));
      children.add(new Output.Node("datasets", ds));
    }
    return new Output.Node(
        versionLine(v.version(), v.status().name(), v.aliases(), v.createdAt()), children);
  }

  /** The versions a run produced, one line each. */
  static Output.Node run(String runId, List<RunModelVersion> versions) {
    List<Output.Node> children = new ArrayList<>();
    for (RunModelVersion v : versions) {
      children.add(
          Output.Node.leaf(
              v.modelFullName()
                  + " "
                  + versionLine(v.version(), v.status().name(), v.aliases(), v.createdAt())));
    }
    if (children.isEmpty()) {
      children.add(Output.Node.leaf("(no model versions)"));
    }
    return new Output.Node("run " + runId, children);
  }

  private static String versionLine(long version, String status, List<String> aliases, long at) {
    StringBuilder sb = new StringBuilder("version ").append(version).append("  ").append(status);
    if (!aliases.isEmpty()) {
      aliases.forEach(a -> sb.append("  @").append(a));
    }
    String time = Output.time(at);
    if (!time.isEmpty()) {
      sb.append("  created ").append(time);
    }
    return sb.toString();
  }

  private static String run(LineageRun r) {
    List<String> about = new ArrayList<>();
    if (!r.experimentId().isEmpty()) {
      about.add("experiment " + r.experimentId());
    }
    if (!r.codeVersion().isEmpty()) {
      about.add("code " + r.codeVersion());
    }
    return r.runId() + (about.isEmpty() ? "" : " (" + String.join(", ", about) + ")");
  }

  private static Output.Node dataset(LineageDataset d) {
    StringBuilder sb = new StringBuilder(d.name());
    if (!d.context().isEmpty()) {
      sb.append(" [").append(d.context()).append(']');
    }
    sb.append("  ").append(d.sourceType());
    if (!d.digest().isEmpty()) {
      sb.append("  digest ").append(d.digest());
    }
    List<Output.Node> children = new ArrayList<>();
    if (!d.source().isEmpty()) {
      children.add(Output.Node.leaf("source: " + d.source()));
    }
    return new Output.Node(sb.toString(), children);
  }
}
