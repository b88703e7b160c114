package dev.keel.jobs.process;

import dev.keel.core.KeelException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Python wheels as Keel uses them: unpacked (a wheel is a zip) into the attempt's work directory,
 * whose unpacked directories go on {@code PYTHONPATH}, and the entry point a {@code
 * python_wheel_task} names looked up in a wheel's {@code *.dist-info/entry_points.txt}.
 */
final class Wheels {
  private Wheels() {}

  /**
   * A Python callable: {@code module:attr}.
   *
   * @param module the module to import
   * @param attr the attribute path to call ({@code a.b} for nested)
   */
  record EntryPoint(String module, String attr) {}

  /** Unpacks each wheel into its own directory under {@code into}; returns those directories. */
  static List<Path> unpack(List<Path> wheels, Path into) {
    List<Path> dirs = new ArrayList<>();
    for (int i = 0; i < wheels.size(); i++) {
      Path wheel = wheels.get(i);
      Path dir = into.resolve(i + "-" + wheel.getFileName()).toAbsolutePath().normalize();
      try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(wheel))) {
        Files.createDirectories(dir);
        for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
          Path target = dir.resolve(e.getName()).normalize();
          if (!target.startsWith(dir)) {
            throw KeelException.invalid(
                "wheel " + wheel + " has an entry outside its directory: " + e.getName());
          }
          if (e.isDirectory()) {
            Files.createDirectories(target);
          } else {
            Files.createDirectories(target.getParent());
            Files.copy(zip, target);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot unpack the wheel " + wheel, e);
      }
      dirs.add(dir);
    }
    return dirs;
  }

  /**
   * Finds the entry point as Databricks does: {@code entryPoint} among the entry points of the
   * distribution {@code packageName} (its {@code console_scripts} first, then any group); absent
   * when no unpacked wheel is that distribution or it has no such entry point.
   */
  static Optional<EntryPoint> find(List<Path> unpacked, String packageName, String entryPoint) {
    String wanted = normalise(packageName);
    for (Path dir : unpacked) {
      for (Path info : distInfos(dir)) {
        String dist = info.getFileName().toString();
        dist = dist.substring(0, dist.length() - ".dist-info".length());
        int dash = dist.indexOf('-');
        if (!normalise(dash < 0 ? dist : dist.substring(0, dash)).equals(wanted)) {
          continue;
        }
        Path file = info.resolve("entry_points.txt");
        if (!Files.isRegularFile(file)) {
          return Optional.empty();
        }
        Map<String, Map<String, String>> groups = parseEntryPoints(file);
        List<Map<String, String>> order = new ArrayList<>();
        order.add(groups.getOrDefault("console_scripts", Map.of()));
        order.addAll(groups.values());
        for (Map<String, String> group : order) {
          String ref = group.get(entryPoint);
          if (ref != null) {
            return Optional.of(parseRef(ref, file));
          }
        }
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Databricks' fallback when the metadata has no such entry point: {@code package.entryPoint}. */
  static EntryPoint fallback(String packageName, String entryPoint) {
    return new EntryPoint(packageName.replace('-', '_'), entryPoint);
  }

  /** PEP 503 normalisation of a distribution name. */
  static String normalise(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "_");
  }

  private static List<Path> distInfos(Path dir) {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".dist-info"))
          .filter(Files::isDirectory)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code [group]} sections of {@code name = module:attr [extras]} lines. */
  static Map<String, Map<String, String>> parseEntryPoints(Path file) {
    Map<String, Map<String, String>> groups = new LinkedHashMap<>();
    Map<String, String> current = null;
    try (InputStream in = Files.newInputStream(file)) {
      for (String raw : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\\R")) {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
          continue;
        }
        if (line.startsWith("[") && line.endsWith("]")) {
          current =
              groups.computeIfAbsent(
                  line.substring(1, line.length() - 1).strip(), g -> new LinkedHashMap<>());
        } else if (current != null && line.contains("=")) {
          int eq = line.indexOf('=');
          current.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    return groups;
  }

  private static EntryPoint parseRef(String ref, Path file) {
    String r = ref.replaceAll("\\[.*]", "").strip();
    int colon = r.indexOf(':');
    if (colon <= 0 || colon == r.length() - 1) {
      throw KeelException.invalid(file + ": entry point '" + ref + "' is not module:attr");
    }
    return new EntryPoint(r.substring(0, colon).strip(), r.substring(colon + 1).strip());
  }
}
