package dev.keel.serving;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import dev.keel.core.LibraryMessages;
import dev.keel.mlmodel.ColumnSpec;
import dev.keel.mlmodel.Flavor;
import dev.keel.mlmodel.ModelSignature;
import dev.keel.mlmodel.SchemaSpec;
import dev.keel.mlmodel.TensorSpec;
import dev.keel.registry.modelpackage.CheckedModelPackage;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code onnx} flavor through ONNX Runtime (CPU): one session per model, one intra-op and one
 * inter-op thread (predictions run in parallel on the callers' threads instead), all graph
 * optimizations.
 *
 * <p>Inputs are fed from the signature. Column-based: if the model has a single input of rank 2
 * whose second dimension is the number of columns (or variable), the columns go into one {@code
 * [rows, columns]} tensor in signature order; otherwise every model input must be named like a
 * signature column and gets that column as {@code [rows]} or {@code [rows, 1]} (by the input's
 * rank). Tensor-based: each model input gets the signature tensor of the same name (a single
 * unnamed tensor feeds a single input). Values are converted to the model input's element type
 * (float, double, int32, int64, bool, string); a fractional value fed to an integer input is
 * refused. Only tensor outputs are fetched; a model without tensor outputs is refused.
 *
 * <p>Outputs are laid out as MLflow's {@code mlflow.onnx} pyfunc and scoring server do: records
 * ({@link Predictions.Layout#RECORDS}) for column-based signatures (the pyfunc returns a DataFrame
 * with one column per output), a dict of output tensors ({@link Predictions.Layout#DICT}) for
 * tensor-based ones.
 */
public final class OnnxModelRuntime implements ModelRuntime {

  @Override
  public String flavor() {
    return Flavor.ONNX;
  }

  @Override
  public LoadedModel load(CheckedModelPackage pkg, Path packageDir, Flavor flavor)
      throws IOException {
    Path file = ModelLoader.localFile(packageDir, pkg, flavor);
    if (!Files.isRegularFile(file)) {
      throw KeelException.invalid(
          "ONNX model file " + file.getFileName() + " is not a regular file");
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    dev.keel.core.NativeLibraries.forgetExtractedOnce(dev.keel.core.NativeLibraries.ONNX_RUNTIME);
    OrtSession session;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      session = env.createSession(file.toString(), options);
    } catch (OrtException e) {
      throw new KeelException(
          ErrorCode.INVALID_ARGUMENT,
          "ONNX Runtime cannot load " + file.getFileName() + ": " + reason(e),
          e);
    }
    try {
      return new OnnxModel(env, session, pkg.signature());
    } catch (RuntimeException | OrtException e) {
      try {
        session.close();
      } catch (OrtException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof OrtException o) {
        throw new KeelException(
            ErrorCode.INVALID_ARGUMENT, "ONNX Runtime cannot describe the model: " + reason(o), o);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * ONNX Runtime's reason for {@code e}, for a client: without its error-code prefixes, the model
   * path it loaded from, its source locations and C++ function names, or any other absolute path
   * ({@link LibraryMessages}). The original stays on the exception's cause, for the server log.
   */
  static String reason(OrtException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    for (Pattern p : ORT_INTERNALS) {
      m = p.matcher(m).replaceAll("");
    }
    m = LibraryMessages.withoutPaths(m).replaceAll("\\s+", " ").strip(); // one line
    return m.isEmpty() ? "ONNX Runtime gave no reason" : m;
  }

  // What ONNX Runtime puts around its reason: "Error code - ORT_FAIL - message: ", "Load model
  // from <path> failed:", "<source>.cc:192 onnxruntime::Model::Model(<arguments>) ",
  // "[ErrorCode:InvalidArgument] ".
  private static final List<Pattern> ORT_INTERNALS =
      List.of(
          Pattern.compile("^Error code - ORT_\\w+ - message:\\s*"),
          Pattern.compile("Load model from \\S.*? failed:\\s*"),
          Pattern.compile(
              "\\S*\\.(?:cc|cpp|cxx|c|h|hpp):\\d+:?\\s+"
                  + "(?:(?:[\\w<>*&]+ )?[\\w<>~]*::[\\w:<>~]*\\([^()]*\\)(?: const)?\\s*)?"),
          Pattern.compile("\\[ErrorCode:\\w+\\]\\s*"));

  /** How one model input is fed. */
  private record Feed(String input, TensorInfo info, List<Integer> sources, boolean matrix) {}

  private static final class OnnxModel implements LoadedModel {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelSignature signature;
    private final List<Feed> feeds;
    private final Set<String> outputs;

    OnnxModel(OrtEnvironment env, OrtSession session, Optional<ModelSignature> declared)
        throws OrtException {
      this.env = env;
      this.session = session;
      Map<String, NodeInfo> inputs = session.getInputInfo();
      Map<String, TensorInfo> tensorInputs = new LinkedHashMap<>();
      for (Map.Entry<String, NodeInfo> e : inputs.entrySet()) {
        if (!(e.getValue().getInfo() instanceof TensorInfo t)) {
          throw KeelException.invalid(
              "ONNX model input '" + e.getKey() + "' is not a tensor; Keel feeds tensors only");
        }
        tensorInputs.put(e.getKey(), t);
      }
      this.signature =
          declared.filter(s -> !s.inputs().isEmpty()).orElseGet(() -> derived(tensorInputs));
      this.feeds = plan(tensorInputs, signature);
      Set<String> outs = new LinkedHashSet<>();
      for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
        if (e.getValue().getInfo() instanceof TensorInfo) {
          outs.add(e.getKey());
        }
      }
      if (outs.isEmpty()) {
        throw KeelException.invalid("The ONNX model has no tensor outputs");
      }
      this.outputs = outs;
    }

    private static ModelSignature derived(Map<String, TensorInfo> inputs) {
      List<SchemaSpec> specs = new ArrayList<>();
      for (Map.Entry<String, TensorInfo> e : inputs.entrySet()) {
        List<Long> shape = new ArrayList<>();
        for (long d : e.getValue().getShape()) {
          shape.add(d < 0 ? -1L : d);
        }
        if (!shape.isEmpty()) {
          shape.set(0, -1L);
        }
        specs.add(new TensorSpec(Optional.of(e.getKey()), dtype(e.getValue().type), shape));
      }
      return new ModelSignature(specs, List.of(), Optional.empty());
    }

    private static String dtype(OnnxJavaType t) {
      return switch (t) {
        case FLOAT -> "float32";
        case DOUBLE -> "float64";
        case INT32 -> "int32";
        case INT64 -> "int64";
        case BOOL -> "bool";
        case STRING -> "str";
        default ->
            throw KeelException.invalid(
                "ONNX input element type " + t + " is not supported by Keel");
      };
    }

    private static List<Feed> plan(Map<String, TensorInfo> inputs, ModelSignature signature) {
      List<SchemaSpec> specs = signature.inputs();
      List<String> names = new ArrayList<>();
      for (int k = 0; k < specs.size(); k++) {
        SchemaSpec s = specs.get(k);
        Optional<String> n = s instanceof ColumnSpec c ? c.name() : ((TensorSpec) s).name();
        names.add(n.orElse(Integer.toString(k)));
      }
      for (TensorInfo t : inputs.values()) {
        dtype(t.type); // refuses unsupported element types
      }
      List<Feed> feeds = new ArrayList<>();
      if (!signature.tensorInputs()) {
        if (inputs.size() == 1) {
          Map.Entry<String, TensorInfo> only = inputs.entrySet().iterator().next();
          long[] shape = only.getValue().getShape();
          if (shape.length == 2 && (shape[1] < 0 || shape[1] == specs.size())) {
            List<Integer> all = new ArrayList<>();
            for (int k = 0; k < specs.size(); k++) {
              all.add(k);
            }
            return List.of(new Feed(only.getKey(), only.getValue(), all, true));
          }
        }
        for (Map.Entry<String, TensorInfo> e : inputs.entrySet()) {
          int k = names.indexOf(e.getKey());
          long[] shape = e.getValue().getShape();
          boolean columnShaped =
              shape.length == 1 || (shape.length == 2 && (shape[1] == 1 || shape[1] < 0));
          if (k < 0 || !columnShaped) {
            throw KeelException.invalid(
                "The ONNX model's inputs "
                    + describe(inputs)
                    + " cannot be fed from the signature's columns "
                    + names
                    + ": Keel feeds one [rows, "
                    + specs.size()
                    + "] tensor to a model with one input, or one column per input named like"
                    + " the column");
          }
          feeds.add(new Feed(e.getKey(), e.getValue(), List.of(k), false));
        }
        return feeds;
      }
      boolean unnamedSingle =
          specs.size() == 1 && ((TensorSpec) specs.get(0)).name().isEmpty() && inputs.size() == 1;
      for (Map.Entry<String, TensorInfo> e : inputs.entrySet()) {
        int k = unnamedSingle ? 0 : names.indexOf(e.getKey());
        if (k < 0) {
          throw KeelException.invalid(
              "The ONNX model's input '"
                  + e.getKey()
                  + "' is not among the signature's tensors "
                  + names);
        }
        feeds.add(new Feed(e.getKey(), e.getValue(), List.of(k), false));
      }
      return feeds;
    }

    private static String describe(Map<String, TensorInfo> inputs) {
      List<String> out = new ArrayList<>();
      inputs.forEach((n, t) -> out.add(n + " " + t.type + Arrays.toString(t.getShape())));
      return out.toString();
    }

    @Override
    public String flavor() {
      return Flavor.ONNX;
    }

    @Override
    public ModelSignature signature() {
      return signature;
    }

    @Override
    public Predictions predict(InputBatch batch) {
      Map<String, OnnxTensor> feed = new LinkedHashMap<>();
      try {
        for (Feed f : feeds) {
          feed.put(f.input(), tensor(f, batch));
        }
        try (OrtSession.Result result = session.run(feed, outputs)) {
          List<OutputTensor> outs = new ArrayList<>();
          for (Map.Entry<String, OnnxValue> e : result) {
            outs.add(output(e.getKey(), (OnnxTensor) e.getValue()));
          }
          return new Predictions(
              signature.tensorInputs() ? Predictions.Layout.DICT : Predictions.Layout.RECORDS,
              outs);
        }
      } catch (OrtException e) {
        throw new KeelException(
            ErrorCode.INVALID_ARGUMENT, "The ONNX model failed on this input: " + reason(e), e);
      } finally {
        for (OnnxTensor t : feed.values()) {
          t.close();
        }
      }
    }

    private OnnxTensor tensor(Feed f, InputBatch batch) throws OrtException {
      List<InputColumn> cols = new ArrayList<>();
      for (int k : f.sources()) {
        cols.add(batch.columns().get(k));
      }
      int rows = batch.rows();
      long[] shape;
      int n;
      if (f.matrix()) {
        shape = new long[] {rows, cols.size()};
        n = rows * cols.size();
      } else {
        InputColumn c = cols.get(0);
        long[] given = c.shape();
        long[] want = f.info().getShape();
        if (batch.tensorBased() || given.length == want.length) {
          shape = given;
        } else {
          shape = want.length == 1 ? new long[] {rows} : new long[] {rows, 1};
        }
        n = c.length();
      }
      OnnxJavaType type = f.info().type;
      switch (type) {
        case FLOAT -> {
          float[] v = new float[n];
          fill(cols, f.matrix(), rows, (i, x) -> v[i] = (float) x);
          return OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
        }
        case DOUBLE -> {
          double[] v = new double[n];
          fill(cols, f.matrix(), rows, (i, x) -> v[i] = x);
          return OnnxTensor.createTensor(env, DoubleBuffer.wrap(v), shape);
        }
        case INT64 -> {
          long[] v = new long[n];
          fillIntegral(cols, f, rows, (i, x) -> v[i] = x);
          return OnnxTensor.createTensor(env, LongBuffer.wrap(v), shape);
        }
        case INT32 -> {
          int[] v = new int[n];
          fillIntegral(cols, f, rows, (i, x) -> v[i] = Math.toIntExact(x));
          return OnnxTensor.createTensor(env, IntBuffer.wrap(v), shape);
        }
        case BOOL -> {
          ByteBuffer v = ByteBuffer.allocate(n);
          fill(cols, f.matrix(), rows, (i, x) -> v.put(i, (byte) (x != 0 ? 1 : 0)));
          return OnnxTensor.createTensor(env, v, shape, OnnxJavaType.BOOL);
        }
        case STRING -> {
          if (f.matrix() || cols.get(0).strings == null) {
            throw KeelException.invalid(
                "ONNX input '"
                    + f.input()
                    + "' takes strings; the signature's input is not a string");
          }
          return OnnxTensor.createTensor(env, cols.get(0).strings.clone(), shape);
        }
        default -> throw KeelException.invalid("ONNX input type " + type + " is not supported");
      }
    }

    private interface DoubleSink {
      void set(int i, double x);
    }

    private interface LongSink {
      void set(int i, long x);
    }

    private static void fill(List<InputColumn> cols, boolean matrix, int rows, DoubleSink sink) {
      if (matrix) {
        int width = cols.size();
        for (int c = 0; c < width; c++) {
          InputColumn col = cols.get(c);
          checkNumeric(col);
          for (int r = 0; r < rows; r++) {
            sink.set(r * width + c, col.doubleAt(r));
          }
        }
      } else {
        InputColumn col = cols.get(0);
        checkNumeric(col);
        int n = col.length();
        for (int i = 0; i < n; i++) {
          sink.set(i, col.doubleAt(i));
        }
      }
    }

    private static void fillIntegral(List<InputColumn> cols, Feed f, int rows, LongSink sink) {
      fill(
          cols,
          f.matrix(),
          rows,
          (i, x) -> {
            if (x != Math.rint(x) || Double.isInfinite(x)) {
              throw KeelException.invalid(
                  "ONNX input '" + f.input() + "' takes integers; got " + x);
            }
            sink.set(i, (long) x);
          });
      if (!f.matrix() && cols.get(0).longs != null) {
        long[] v = cols.get(0).longs;
        for (int i = 0; i < v.length; i++) {
          sink.set(i, v[i]); // exact, beyond 2^53 too
        }
      }
    }

    private static void checkNumeric(InputColumn col) {
      if (col.strings != null) {
        throw KeelException.invalid(
            "Input '"
                + col.name()
                + "' holds "
                + col.type().wireName()
                + " values; the ONNX model takes numbers");
      }
    }

    private static OutputTensor output(String name, OnnxTensor t) throws OrtException {
      TensorInfo info = t.getInfo();
      long[] shape = info.getShape();
      if (shape.length == 0) {
        shape = new long[] {1};
      }
      switch (info.type) {
        case FLOAT -> {
          FloatBuffer b = t.getFloatBuffer();
          double[] v = new double[b.remaining()];
          for (int i = 0; i < v.length; i++) {
            v[i] = b.get(i);
          }
          return OutputTensor.owning(name, shape, v, null, null);
        }
        case DOUBLE -> {
          DoubleBuffer b = t.getDoubleBuffer();
          double[] v = new double[b.remaining()];
          b.get(v);
          return OutputTensor.owning(name, shape, v, null, null);
        }
        case INT64 -> {
          LongBuffer b = t.getLongBuffer();
          long[] v = new long[b.remaining()];
          b.get(v);
          return OutputTensor.owning(name, shape, null, v, null);
        }
        case INT32 -> {
          IntBuffer b = t.getIntBuffer();
          long[] v = new long[b.remaining()];
          for (int i = 0; i < v.length; i++) {
            v[i] = b.get(i);
          }
          return OutputTensor.owning(name, shape, null, v, null);
        }
        case BOOL -> {
          ByteBuffer b = t.getByteBuffer();
          long[] v = new long[b.remaining()];
          for (int i = 0; i < v.length; i++) {
            v[i] = b.get(i) != 0 ? 1 : 0;
          }
          return OutputTensor.owning(name, shape, null, v, null);
        }
        case STRING -> {
          List<String> flat = new ArrayList<>();
          flatten(t.getValue(), flat);
          return OutputTensor.owning(name, shape, null, null, flat.toArray(String[]::new));
        }
        default ->
            throw KeelException.invalid(
                "ONNX output '"
                    + name
                    + "' has element type "
                    + info.type
                    + ", which Keel cannot return");
      }
    }

    private static void flatten(Object value, List<String> out) {
      if (value instanceof String s) {
        out.add(s);
      } else if (value != null && value.getClass().isArray()) {
        int n = Array.getLength(value);
        for (int i = 0; i < n; i++) {
          flatten(Array.get(value, i), out);
        }
      }
    }

    @Override
    public void close() {
      try {
        session.close();
      } catch (OrtException e) {
        throw new IllegalStateException("closing the ONNX session failed", e);
      }
    }
  }
}
