package dev.keel.jobs.process;

import dev.keel.core.KeelException;
import dev.keel.jobs.spi.TaskContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code python_wheel_task{package_name, entry_point, parameters[] | named_parameters{}}}: the
 * task's {@code whl} libraries are unpacked into the attempt's work directory and put on {@code
 * PYTHONPATH}, then the entry point is called as Databricks calls it: the entry point named {@code
 * entry_point} of the distribution {@code package_name} (its {@code console_scripts}, then any
 * group of the wheel's {@code entry_points.txt}), else the function {@code
 * package_name.entry_point}. {@code sys.argv} is {@code [package_name, parameters...]}; {@code
 * named_parameters} become {@code --key=value}, after the job's parameters (pushed down, as
 * Databricks does for wheel tasks with keyword arguments; the task's value wins on the same key).
 * The callable's return value is the exit status, as for a console script.
 */
public final class PythonWheelTaskType extends ProcessTaskType {
  /** The payload field. */
  public static final String FIELD = "python_wheel_task";

  private static final Set<String> FIELDS =
      Set.of("package_name", "entry_point", "parameters", "named_parameters");

  /** Imports {@code argv[1]}, calls its attribute path {@code argv[2]} with the rest as argv. */
  static final String CALL_ENTRY_POINT =
      String.join(
          "\n",
          "import importlib, sys",
          "_module, _attr = sys.argv[1], sys.argv[2]",
          "sys.argv = sys.argv[3:]",
          "_target = importlib.import_module(_module)",
          "for _part in _attr.split('.'):",
          "    _target = getattr(_target, _part)",
          "sys.exit(_target())");

  /** A task type running with {@code config}. */
  public PythonWheelTaskType(ProcessTaskConfig config) {
    super(config, FIELD);
  }

  @Override
  public void validate(Map<String, Object> payload, String path) {
    Payloads.onlyFields(payload, path, FIELDS);
    String pkg = Payloads.requiredString(payload, path, "package_name");
    if (!pkg.matches("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")) {
      throw KeelException.invalid(path + ".package_name: not a Python distribution name");
    }
    String entry = Payloads.requiredString(payload, path, "entry_point");
    if (!entry.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
      throw KeelException.invalid(path + ".entry_point: not an entry point name");
    }
    List<String> positional = Payloads.stringList(payload, path, "parameters");
    Map<String, String> named = Payloads.stringMap(payload, path, "named_parameters");
    if (!positional.isEmpty() && !named.isEmpty()) {
      throw KeelException.invalid(
          path + ".named_parameters: give parameters or named_parameters, not both");
    }
  }

  @Override
  Launch launch(TaskContext context) {
    Map<String, Object> payload = context.payload();
    String pkg = Payloads.requiredString(payload, FIELD, "package_name");
    String entry = Payloads.requiredString(payload, FIELD, "entry_point");
    Libraries libraries = Libraries.of(context.libraries(), config.filesRoot());
    PythonSetup python = PythonSetup.prepare(context, config, libraries.wheels());
    Wheels.EntryPoint target =
        Wheels.find(python.wheelDirs(), pkg, entry).orElseGet(() -> Wheels.fallback(pkg, entry));
    List<String> argv = new ArrayList<>();
    argv.add(python.interpreter());
    argv.add("-c");
    argv.add(CALL_ENTRY_POINT);
    argv.add(target.module());
    argv.add(target.attr());
    argv.add(pkg);
    argv.addAll(Payloads.stringList(payload, FIELD, "parameters"));
    if (payload.containsKey("named_parameters")) {
      // Databricks pushes job parameters down to wheel tasks configured with keyword arguments.
      Map<String, String> named = new LinkedHashMap<>(context.jobParameters());
      named.putAll(Payloads.stringMap(payload, FIELD, "named_parameters"));
      named.forEach((k, v) -> argv.add("--" + k + "=" + v));
    }
    return new Launch(programName(python.interpreter()), argv, python.env());
  }
}
