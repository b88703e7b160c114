package dev.keel.serving;

import dev.keel.mlmodel.Flavor;
import dev.keel.registry.modelpackage.CheckedModelPackage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Loads models of one flavor. Implementations never run code from the package: no Java
 * deserialization, no pickles, only the flavor's model file read by its native runtime.
 */
public interface ModelRuntime {

  /** The flavor name this runtime loads, such as {@code onnx}. */
  String flavor();

  /**
   * Loads the model of {@code flavor} from a package on local disk.
   *
   * @param pkg the package, as {@code ModelPackageReader} read it from {@code packageDir}
   * @param packageDir the package directory on local disk
   * @param flavor the flavor of {@code pkg} to load (its name is {@link #flavor()})
   * @return the loaded model; the caller closes it
   * @throws dev.keel.core.KeelException INVALID_ARGUMENT if the model cannot be loaded or does not
   *     fit its signature
   * @throws IOException if the files cannot be read
   */
  LoadedModel load(CheckedModelPackage pkg, Path packageDir, Flavor flavor) throws IOException;
}
