package dev.keel.cli;

import dev.keel.client.FileInfo;
import dev.keel.client.KeelClient;
import dev.keel.client.KeelJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keel artifacts ...}: a run's files, through the server's artifact proxy. */
@Command(
    name = "artifacts",
    aliases = "artifact",
    description = "List, upload, download and delete a run's artifacts.",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND")
final class ArtifactsCommand {

  @Command(
      name = "list",
      aliases = "ls",
      description = "List the entries of an artifact directory.",
      mixinStandardHelpOptions = true)
  int list(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "RUN_ID") String runId,
      @Parameters(
              index = "1",
              arity = "0..1",
              paramLabel = "PATH",
              defaultValue = "",
              description = "Directory relative to the run's artifact root (default: the root).")
          String path) {
    try (KeelClient client = opts.client()) {
      List<FileInfo> files = client.tracking().listArtifacts(runId, path);
      Output out = opts.out();
      out.print(
          KeelJson.list(files, KeelJson::toJson),
          () ->
              out.table(
                  List.of("PATH", "SIZE"),
                  files.stream()
                      .map(
                          f ->
                              List.of(
                                  f.isDir() ? f.path() + "/" : f.path(),
                                  f.isDir()
                                      ? "-"
                                      : f.fileSize().isPresent()
                                          ? Long.toString(f.fileSize().getAsLong())
                                          : ""))
                      .toList(),
                  "No artifacts."));
    }
    return 0;
  }

  @Command(
      name = "upload",
      description = {
        "Upload a file or a directory's contents.",
        "A file goes to ARTIFACT_DIR/<file name>; a directory's files keep their relative paths."
      },
      mixinStandardHelpOptions = true)
  int upload(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "RUN_ID") String runId,
      @Parameters(index = "1", paramLabel = "LOCAL_PATH") Path local,
      @Option(
              names = "--artifact-path",
              paramLabel = "ARTIFACT_DIR",
              defaultValue = "",
              description = "Directory under the run's artifact root (default: the root).")
          String artifactDir) {
    try (KeelClient client = opts.client()) {
      int count;
      if (Files.isDirectory(local)) {
        count = client.tracking().uploadArtifacts(runId, artifactDir, local);
      } else {
        String name = local.getFileName().toString();
        client
            .tracking()
            .uploadArtifact(runId, artifactDir.isEmpty() ? name : artifactDir + "/" + name, local);
        count = 1;
      }
      opts.out().done("Uploaded " + count + (count == 1 ? " file." : " files."));
    }
    return 0;
  }

  @Command(
      name = "download",
      description = "Download an artifact file, or a directory recursively.",
      mixinStandardHelpOptions = true)
  int download(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "RUN_ID") String runId,
      @Parameters(
              index = "1",
              arity = "0..1",
              paramLabel = "PATH",
              defaultValue = "",
              description = "File or directory relative to the artifact root (default: all).")
          String path,
      @Option(
              names = {"-d", "--dest"},
              paramLabel = "DIR",
              defaultValue = ".",
              description = "Local directory to download into (default: current directory).")
          Path dest) {
    try (KeelClient client = opts.client()) {
      String p = path.replaceAll("^/+|/+$", "");
      List<FileInfo> entries = client.tracking().listArtifacts(runId, p);
      int count;
      if (p.isEmpty() || !entries.isEmpty()) {
        Path target = p.isEmpty() ? dest : dest.resolve(p.substring(p.lastIndexOf('/') + 1));
        count = client.tracking().downloadArtifacts(runId, p, target);
      } else {
        client
            .tracking()
            .downloadArtifact(runId, p, dest.resolve(p.substring(p.lastIndexOf('/') + 1)));
        count = 1;
      }
      opts.out().done("Downloaded " + count + (count == 1 ? " file" : " files") + " to " + dest);
    }
    return 0;
  }

  @Command(
      name = "delete",
      description = "Delete an artifact file or directory.",
      mixinStandardHelpOptions = true)
  int delete(
      @Mixin ClientOptions opts,
      @Parameters(index = "0", paramLabel = "RUN_ID") String runId,
      @Parameters(index = "1", paramLabel = "PATH") String path) {
    try (KeelClient client = opts.client()) {
      client.tracking().deleteArtifact(runId, path);
      opts.out().done("Deleted " + path + ".");
    }
    return 0;
  }
}
