package dev.keel.tables;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * Iceberg's {@link FileIO} for Keel's warehouse, which is a local directory: plain {@code java.nio}
 * file access. It replaces Iceberg's default {@code HadoopFileIO}, whose local file system forks a
 * {@code chmod} process for every file it creates (Hadoop sets the permission through a shell when
 * its native library is absent, which it always is here) and writes a {@code .crc} checksum file
 * beside each one: two forks per metadata file, manifest and manifest list, so five or six per
 * commit. That was most of the CPU of a small commit such as the audit table's export
 * (docs/benchmarks.md, "Governance (auth on)"). Files are created with the process's umask, as any
 * other file Keel writes.
 *
 * <p>Accepts plain absolute paths and {@code file:} URIs (tables written before this class have
 * plain paths; both name the same files). Public with a no-argument constructor because Iceberg's
 * catalog instantiates it by name ({@code io-impl}).
 */
public final class LocalFileIO implements FileIO {
  private Map<String, String> properties = Map.of();

  /** For Iceberg's catalog, which creates its FileIO by class name. */
  public LocalFileIO() {}

  @Override
  public void initialize(Map<String, String> props) {
    this.properties = Map.copyOf(props);
  }

  @Override
  public Map<String, String> properties() {
    return properties;
  }

  @Override
  public InputFile newInputFile(String location) {
    return new In(location, path(location));
  }

  @Override
  public OutputFile newOutputFile(String location) {
    return new Out(location, path(location));
  }

  @Override
  public void deleteFile(String location) {
    try {
      Files.deleteIfExists(path(location));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + location, e);
    }
  }

  /** The local path of {@code location}: an absolute path or a {@code file:} URI. */
  static Path path(String location) {
    if (location.startsWith("file:")) {
      return Path.of(URI.create(location.startsWith("file://") ? location : fileUri(location)));
    }
    Path p = Path.of(location);
    if (!p.isAbsolute() || location.contains("://")) {
      throw new IllegalArgumentException("not a local absolute path: " + location);
    }
    return p;
  }

  /** {@code file:/a/b} as {@code file:///a/b} (Hadoop writes the short form). */
  private static String fileUri(String location) {
    return "file://" + location.substring("file:".length());
  }

  private record In(String location, Path path) implements InputFile {
    @Override
    public long getLength() {
      try {
        return Files.size(path);
      } catch (NoSuchFileException e) {
        throw new NotFoundException(e, "File does not exist: %s", location);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + location, e);
      }
    }

    @Override
    public SeekableInputStream newStream() {
      try {
        return new Stream(FileChannel.open(path, StandardOpenOption.READ));
      } catch (NoSuchFileException e) {
        throw new NotFoundException(e, "File does not exist: %s", location);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open " + location, e);
      }
    }

    @Override
    public boolean exists() {
      return Files.exists(path);
    }
  }

  private record Out(String location, Path path) implements OutputFile {
    @Override
    public PositionOutputStream create() {
      return open(StandardOpenOption.CREATE_NEW);
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      return open(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private PositionOutputStream open(StandardOpenOption... how) {
      try {
        Path parent = path.getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        OutputStream os = Files.newOutputStream(path, with(how, StandardOpenOption.WRITE));
        return new Position(new BufferedOutputStream(os, 64 * 1024));
      } catch (FileAlreadyExistsException e) {
        throw new AlreadyExistsException(e, "File already exists: %s", location);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + location, e);
      }
    }

    private static StandardOpenOption[] with(StandardOpenOption[] a, StandardOpenOption b) {
      StandardOpenOption[] out = java.util.Arrays.copyOf(a, a.length + 1);
      out[a.length] = b;
      return out;
    }

    @Override
    public InputFile toInputFile() {
      return new In(location, path);
    }
  }

  /** A buffered output stream that counts what was written. */
  private static final class Position extends PositionOutputStream {
    private final OutputStream out;
    private long pos;

    Position(OutputStream out) {
      this.out = out;
    }

    @Override
    public long getPos() {
      return pos;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      pos++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      pos += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /** A seekable stream over a file channel, with a small read buffer. */
  private static final class Stream extends SeekableInputStream {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024).flip();
    private long bufStart; // file position of buf's first byte

    Stream(FileChannel ch) {
      this.ch = ch;
    }

    @Override
    public long getPos() {
      return bufStart + buf.position();
    }

    @Override
    public void seek(long newPos) throws IOException {
      if (newPos < 0) {
        throw new EOFException("negative position " + newPos);
      }
      if (newPos >= bufStart && newPos <= bufStart + buf.limit()) {
        buf.position((int) (newPos - bufStart));
        return;
      }
      bufStart = newPos;
      buf.clear().flip(); // empty
    }

    private boolean fill() throws IOException {
      bufStart += buf.limit();
      buf.clear();
      int n;
      do {
        n = ch.read(buf, bufStart);
      } while (n == 0);
      buf.flip();
      return n > 0;
    }

    @Override
    public int read() throws IOException {
      if (!buf.hasRemaining() && !fill()) {
        return -1;
      }
      return buf.get() & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!buf.hasRemaining()) {
        if (len >= buf.capacity()) { // large read: straight from the channel
          long at = getPos();
          int n = ch.read(ByteBuffer.wrap(b, off, len), at);
          if (n > 0) {
            bufStart = at + n;
            buf.clear().flip();
          }
          return n;
        }
        if (!fill()) {
          return -1;
        }
      }
      int n = Math.min(len, buf.remaining());
      buf.get(b, off, n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      if (n <= 0) {
        return 0;
      }
      seek(getPos() + n);
      return n;
    }

    @Override
    public int available() {
      return buf.remaining();
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }
}
