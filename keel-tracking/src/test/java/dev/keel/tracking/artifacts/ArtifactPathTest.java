package dev.keel.tracking.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactPathTest {

  /** The brief's list plus the distilled bad-input corpus (reliability-security.md §1.7). */
  static Stream<String> hostilePaths() {
    return Stream.of(
        // traversal, plain and encoded
        "..",
        "../x",
        "a/../../x",
        "a/..",
        "../../../../etc/passwd",
        "%2e%2e/x",
        "%2E%2E/x",
        ".%2e/x",
        "%252e%252e%252fx",
        "%25252e%25252e%25252fx",
        "..%2fx",
        "..%5cx",
        "..%c0%afx",
        "a%2f..%2fb",
        "....//x/..",
        // absolute POSIX, Windows drive letters, UNC, schemes
        "/etc/passwd",
        "//etc/passwd",
        "%2fetc/passwd",
        "C:\\x",
        "C:/x",
        "C:",
        "c:x",
        "\\\\server\\share",
        "file:/etc/passwd",
        "file:///etc/passwd",
        // separators and smuggling characters
        "a\\b",
        "a/..\\..\\b",
        "a/%00b",
        "a\u0000b",
        "a\nb",
        "a%0ab",
        "a\u0085b",
        "a\u2028b",
        "a;b/..",
        "..;/x",
        "a/b;c",
        "#frag",
        "a/b#/../../x",
        "a%23b",
        "a?/a",
        "a%3f/a",
        // '.' segments, names Windows would strip to '..', Unicode look-alikes
        ".",
        "./x",
        "a/./b",
        "a/b.",
        "a/b ",
        "...",
        "\uff0e\uff0e/x",
        "\uff0e\uff0e\uff0fx",
        "a\uff3cb",
        // lone surrogate (would alias with '?' on disk)
        "a\ud800b",
        // the store's hidden folder, in any case or encoding
        ".keel-tmp",
        ".keel-tmp/put-1",
        ".KEEL-TMP/x",
        "a/.keel-tmp-2",
        "%2ekeel-tmp/x",
        // too long
        "a".repeat(5000),
        "a/".repeat(2049),
        "a".repeat(256),
        "\u00e9".repeat(128),
        // encoded more times than anyone legitimately would
        "%" + "25".repeat(12) + "2e");
  }

  @ParameterizedTest(name = "[{index}] refuses {0}")
  @MethodSource("hostilePaths")
  void hostile_paths_are_refused_with_invalid_parameter_value_naming_the_field(String raw) {
    assertThatThrownBy(() -> ArtifactPath.parse("artifact_path", raw, true))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).startsWith("Invalid path: ").contains("'artifact_path'");
            });
  }

  @ParameterizedTest(name = "[{index}] resolve refuses {0}")
  @MethodSource("hostilePaths")
  void resolve_refuses_the_same_children(String child) {
    ArtifactPath base = ArtifactPath.parse("path", "run/artifacts", false);
    assertThatThrownBy(() -> base.resolve(child))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @ParameterizedTest(name = "[{index}] constructor refuses {0}")
  @MethodSource("hostilePaths")
  void the_constructor_cannot_bypass_validation(String raw) {
    assertThatThrownBy(() -> new ArtifactPath(raw)).isInstanceOf(KeelException.class);
  }

  @ParameterizedTest(name = "[{index}] accepts {0}")
  @ValueSource(
      strings = {
        "a",
        "3/0a1b2c/artifacts/model/MLmodel",
        "model/data/model.xgb",
        "my plots/loss curve.png",
        "données/ré sumé.txt",
        "模型/权重.onnx",
        "emoji/\ud83d\ude80.txt",
        ".hidden/.gitignore",
        "a..b/c...d.txt",
        "...a",
        "v1.2.3/model-final_x+y~z=1,2@3",
        "100%.txt",
        "50% off/%zz",
        "time/2024-01-01T10:00:00.json",
        ".keel/x",
        "keel-tmp/x"
      })
  void ordinary_nested_paths_are_accepted_verbatim(String raw) {
    ArtifactPath path = ArtifactPath.parse("path", raw, false);
    assertThat(path.value()).isEqualTo(raw);
    assertThat(path.isRoot()).isFalse();
    assertThat(new ArtifactPath(raw)).isEqualTo(path);
  }

  @Test
  void a_path_just_within_the_limits_is_accepted() {
    String path = ("s".repeat(254) + "/").repeat(16) + "x".repeat(16);
    assertThat(path).hasSize(4096);
    assertThat(ArtifactPath.parse("path", path, false).value()).isEqualTo(path);
    String longestSegment = "s".repeat(255);
    assertThat(ArtifactPath.parse("path", longestSegment, false).value()).isEqualTo(longestSegment);
    String longestUnicodeSegment = "\u00e9".repeat(127);
    assertThat(ArtifactPath.parse("path", longestUnicodeSegment, false).value())
        .isEqualTo(longestUnicodeSegment);
  }

  @Test
  void percent_escapes_are_checked_but_the_path_is_kept_as_given() {
    // The HTTP layer decoded once; what is left is a literal file name containing '%'.
    assertThat(ArtifactPath.parse("path", "a%2Fb%2541", false).segments())
        .containsExactly("a%2Fb%2541");
  }

  @Test
  void empty_segments_are_collapsed() {
    assertThat(ArtifactPath.parse("path", "a//b/", false).value()).isEqualTo("a/b");
    assertThat(ArtifactPath.parse("path", "a///b//c", false).segments())
        .containsExactly("a", "b", "c");
  }

  @Test
  void the_constructor_refuses_a_non_canonical_path() {
    assertThatThrownBy(() -> new ArtifactPath("a//b"))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> new ArtifactPath("a/")).isInstanceOf(KeelException.class);
  }

  @Test
  void the_empty_path_is_the_root_only_where_allowed() {
    assertThat(ArtifactPath.parse("path", "", true).isRoot()).isTrue();
    assertThat(ArtifactPath.parse("path", "", true)).isEqualTo(ArtifactPath.root());
    assertThat(ArtifactPath.root().segments()).isEmpty();
    assertThatThrownBy(() -> ArtifactPath.parse("path", "", false))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains("'path'");
            });
  }

  @Test
  void a_lone_slash_is_absolute_even_where_the_root_is_allowed() {
    assertThatThrownBy(() -> ArtifactPath.parse("path", "/", true))
        .isInstanceOf(KeelException.class);
  }

  @Test
  void resolve_appends_a_validated_child() {
    ArtifactPath base = ArtifactPath.parse("path", "1/run/artifacts", false);
    assertThat(base.resolve("model/MLmodel").value()).isEqualTo("1/run/artifacts/model/MLmodel");
    assertThat(base.resolve("model//MLmodel/").value()).isEqualTo("1/run/artifacts/model/MLmodel");
    assertThat(ArtifactPath.root().resolve("a/b").value()).isEqualTo("a/b");
    assertThat(base.resolve("model/MLmodel").name()).isEqualTo("MLmodel");
    assertThat(base.resolve("model/MLmodel").segments())
        .isEqualTo(List.of("1", "run", "artifacts", "model", "MLmodel"));
  }

  @Test
  void resolve_refuses_an_empty_child_and_a_result_that_is_too_long() {
    ArtifactPath base = ArtifactPath.parse("path", "a", false);
    assertThatThrownBy(() -> base.resolve("")).isInstanceOf(KeelException.class);
    ArtifactPath long1 = ArtifactPath.parse("path", ("x".repeat(200) + "/").repeat(19), false);
    assertThatThrownBy(() -> long1.resolve("y".repeat(200) + "/" + "z".repeat(200)))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }

  @Test
  void error_messages_do_not_echo_the_hostile_input() {
    assertThatThrownBy(() -> ArtifactPath.parse("path", "<script>/../x", false))
        .hasMessageNotContaining("<script>");
  }
}
