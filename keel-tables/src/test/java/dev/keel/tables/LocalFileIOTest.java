package dev.keel.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalFileIO}: Iceberg's file access on the local warehouse, without Hadoop. */
class LocalFileIOTest {
  @TempDir Path dir;
  final LocalFileIO io = new LocalFileIO();

  @Test
  void what_is_written_reads_back_at_any_position_across_buffer_boundaries() throws IOException {
    byte[] data = new byte[200_000];
    new Random(7).nextBytes(data);
    String location = dir.resolve("a/b/file.bin").toString(); // parents are created
    OutputFile out = io.newOutputFile(location);
    try (PositionOutputStream os = out.create()) {
      os.write(data, 0, 1000);
      os.write(data[1000]);
      os.write(data, 1001, data.length - 1001);
      assertThat(os.getPos()).isEqualTo(data.length);
    }
    InputFile in = io.newInputFile(location);
    assertThat(in.exists()).isTrue();
    assertThat(in.getLength()).isEqualTo(data.length);
    try (SeekableInputStream s = in.newStream()) {
      assertThat(s.read()).isEqualTo(data[0] & 0xFF);
      for (long at : new long[] {65_530, 5, 199_990, 131_072, 70_000, 0}) {
        s.seek(at);
        assertThat(s.getPos()).isEqualTo(at);
        byte[] got = new byte[(int) Math.min(100, data.length - at)];
        int n = s.readNBytes(got, 0, got.length);
        assertThat(n).isEqualTo(got.length);
        for (int i = 0; i < n; i++) {
          assertThat(got[i]).as("byte %d", at + i).isEqualTo(data[(int) at + i]);
        }
        assertThat(s.getPos()).isEqualTo(at + n);
      }
      s.seek(0);
      assertThat(s.readAllBytes()).isEqualTo(data); // large reads straight from the file
      assertThat(s.read()).isEqualTo(-1);
      s.seek(10);
      assertThat(s.skip(90)).isEqualTo(90);
      assertThat(s.read()).isEqualTo(data[100] & 0xFF);
    }
  }

  @Test
  void create_refuses_an_existing_file_and_create_or_overwrite_replaces_it() throws IOException {
    String location = dir.resolve("m.json").toString();
    try (PositionOutputStream os = io.newOutputFile(location).create()) {
      os.write(new byte[] {1, 2, 3});
    }
    assertThatThrownBy(() -> io.newOutputFile(location).create())
        .isInstanceOf(AlreadyExistsException.class);
    try (PositionOutputStream os = io.newOutputFile(location).createOrOverwrite()) {
      os.write(9);
    }
    assertThat(Files.readAllBytes(Path.of(location))).containsExactly(9);
    assertThat(io.newOutputFile(location).toInputFile().getLength()).isEqualTo(1);
  }

  @Test
  void a_missing_file_is_not_found_and_deleting_it_is_a_no_op() {
    String location = dir.resolve("missing.avro").toString();
    InputFile in = io.newInputFile(location);
    assertThat(in.exists()).isFalse();
    assertThatThrownBy(in::getLength).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(in::newStream).isInstanceOf(NotFoundException.class);
    io.deleteFile(location);
  }

  @Test
  void file_uris_and_plain_paths_name_the_same_file_and_other_locations_are_refused()
      throws IOException {
    Path f = dir.resolve("x.parquet");
    Files.write(f, new byte[] {4, 5});
    assertThat(io.newInputFile("file:" + f).getLength()).isEqualTo(2);
    assertThat(io.newInputFile("file://" + f).getLength()).isEqualTo(2);
    io.deleteFile("file:" + f);
    assertThat(f).doesNotExist();
    assertThatThrownBy(() -> io.newInputFile("s3://bucket/x.parquet"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> io.newInputFile("relative/x.parquet"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
