package dev.keel.catalog.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.ErrorCode;
import dev.keel.core.KeelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The walk itself, over sources that hold their edges in a list (what each capability's source
 * answers is tested on a real server in keel-server's LineageApiTest).
 */
class LineageServiceTest {
  /** A source answering from a fixed list of edges and resolving the names it is given. */
  record ListSource(List<LineageNode> named, List<LineageEdge> edges) implements LineageSource {
    @Override
    public Optional<Root> resolve(String securable) {
      return named.stream()
          .filter(n -> n.name().equals(securable))
          .findFirst()
          .map(n -> new Root(n, OptionalLong.empty()));
    }

    @Override
    public List<LineageEdge> upstream(LineageNode node, OptionalLong version) {
      return edges.stream().filter(e -> e.to().equals(node)).toList();
    }

    @Override
    public List<LineageEdge> downstream(LineageNode node, OptionalLong version) {
      return edges.stream().filter(e -> e.from().equals(node)).toList();
    }
  }

  static final LineageNode T = LineageNode.table("c.s.t");
  static final LineageNode R1 = LineageNode.run("r1");
  static final LineageNode R2 = LineageNode.run("r2");
  static final LineageNode M = LineageNode.model("c.s.m");
  static final LineageNode A = LineageNode.alias("c.s.m", "champion");
  static final LineageNode E = LineageNode.endpoint("ep");

  static LineageEdge v(LineageNode from, LineageNode to, LineageEdge.Kind kind, long version) {
    return LineageEdge.version(from, to, kind, version, OptionalLong.empty());
  }

  static final List<LineageEdge> CHAIN =
      List.of(
          LineageEdge.snapshot(
              T, R1, LineageEdge.Kind.DATASET_INPUT, OptionalLong.of(5), OptionalLong.empty()),
          v(R1, M, LineageEdge.Kind.MODEL_VERSION, 1),
          v(R2, M, LineageEdge.Kind.MODEL_VERSION, 2),
          v(M, A, LineageEdge.Kind.ALIAS, 2),
          v(A, E, LineageEdge.Kind.SERVES, 2));

  static LineageService service() {
    return new LineageService(List.of(new ListSource(List.of(T, M, E), CHAIN)));
  }

  static List<String> ids(LineageGraph g) {
    return g.nodes().stream().map(n -> n.node().id()).toList();
  }

  @Test
  void a_version_reached_through_an_edge_is_followed_only_along_that_version() {
    LineageGraph up =
        service()
            .graph("ep", Optional.empty(), LineageService.Direction.UPSTREAM, 10, LineageView.ALL);
    assertThat(ids(up)).containsExactly(E.id(), A.id(), M.id(), R2.id());
    assertThat(up.nodes().get(2).versions()).containsExactly(2L);

    LineageGraph all =
        service()
            .graph(
                "c.s.m", Optional.empty(), LineageService.Direction.UPSTREAM, 10, LineageView.ALL);
    assertThat(ids(all)).containsExactly(M.id(), R1.id(), R2.id(), T.id());
    assertThat(all.nodes().get(0).versions()).containsExactly(1L, 2L);
    assertThat(all.nodes().get(3).snapshotIds()).containsExactly(5L);
  }

  @Test
  void depth_bounds_the_walk_and_both_walks_each_way_from_the_root() {
    LineageService s = service();
    assertThat(
            ids(
                s.graph(
                    "c.s.t",
                    Optional.empty(),
                    LineageService.Direction.DOWNSTREAM,
                    1,
                    LineageView.ALL)))
        .containsExactly(T.id(), R1.id());
    assertThat(
            ids(
                s.graph(
                    "c.s.t",
                    Optional.empty(),
                    LineageService.Direction.DOWNSTREAM,
                    2,
                    LineageView.ALL)))
        .containsExactly(T.id(), R1.id(), M.id());
    // R1 → M (version 1): the alias points at version 2, so the walk ends at the model
    assertThat(
            ids(
                s.graph(
                    "c.s.t",
                    Optional.empty(),
                    LineageService.Direction.DOWNSTREAM,
                    10,
                    LineageView.ALL)))
        .containsExactly(T.id(), R1.id(), M.id());
    LineageGraph both =
        s.graph("c.s.m", Optional.empty(), LineageService.Direction.BOTH, 1, LineageView.ALL);
    assertThat(ids(both)).containsExactly(M.id(), R1.id(), R2.id(), A.id());
    assertThat(both.edges()).hasSize(3);
  }

  @Test
  void cycles_end_and_a_walk_past_the_cap_says_it_was_truncated() {
    List<LineageEdge> edges = new ArrayList<>();
    edges.add(LineageEdge.of(R1, R2, LineageEdge.Kind.DATASET_INPUT, OptionalLong.empty()));
    edges.add(LineageEdge.of(R2, R1, LineageEdge.Kind.DATASET_INPUT, OptionalLong.empty()));
    LineageGraph cycle =
        new LineageService(List.of(new ListSource(List.of(R1), edges)))
            .graph(
                "r1", Optional.empty(), LineageService.Direction.DOWNSTREAM, 10, LineageView.ALL);
    assertThat(ids(cycle)).containsExactly(R1.id(), R2.id());
    assertThat(cycle.truncated()).isFalse();

    List<LineageEdge> wide = new ArrayList<>();
    for (int i = 0; i < LineageService.MAX_NODES + 5; i++) {
      wide.add(
          LineageEdge.of(
              T, LineageNode.run("r" + i), LineageEdge.Kind.DATASET_INPUT, OptionalLong.empty()));
    }
    LineageGraph g =
        new LineageService(List.of(new ListSource(List.of(T), wide)))
            .graph(
                "c.s.t", Optional.empty(), LineageService.Direction.DOWNSTREAM, 1, LineageView.ALL);
    assertThat(g.truncated()).isTrue();
    assertThat(g.nodes()).hasSize(LineageService.MAX_NODES);
  }

  @Test
  void names_that_resolve_to_several_objects_or_none_are_refused() {
    LineageNode twin = LineageNode.model("c.s.t");
    LineageService s =
        new LineageService(
            List.of(
                new ListSource(List.of(T), List.of()), new ListSource(List.of(twin), List.of())));
    assertThatThrownBy(
            () ->
                s.graph(
                    "c.s.t", Optional.empty(), LineageService.Direction.BOTH, 3, LineageView.ALL))
        .isInstanceOfSatisfying(
            KeelException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
              assertThat(e.getMessage()).contains("securable_type");
            });
    assertThat(
            s.graph(
                    "c.s.t",
                    Optional.of(LineageNode.Type.TABLE),
                    LineageService.Direction.BOTH,
                    3,
                    LineageView.ALL)
                .root()
                .node())
        .isEqualTo(T);
    assertThatThrownBy(
            () ->
                s.graph(
                    "x.y.z", Optional.empty(), LineageService.Direction.BOTH, 3, LineageView.ALL))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    assertThatThrownBy(
            () ->
                s.graph(
                    "c.s.t",
                    Optional.of(LineageNode.Type.TABLE),
                    LineageService.Direction.BOTH,
                    0,
                    LineageView.ALL))
        .isInstanceOfSatisfying(
            KeelException.class, e -> assertThat(e.getMessage()).contains("depth"));
  }
}
