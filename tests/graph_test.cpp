// RelationGraph: edge ids, reverse edges and find_edge on both of its paths
// (the N×N table of small graphs and the binary search of large ones).
#include <set>

#include "geosim/graph.hpp"
#include "geosim/random.hpp"
#include "test_support.hpp"

using geosim::AgentId;
using geosim::EdgeId;
using geosim::RelationGraph;

namespace {

// A random graph of n agents with about `pairs` relations, and the set of
// directed pairs it should hold.
std::pair<RelationGraph, std::set<std::pair<AgentId, AgentId>>> random_graph(std::size_t n, std::size_t pairs,
                                                                            std::uint64_t seed) {
  std::set<std::pair<AgentId, AgentId>> want;
  std::vector<std::pair<AgentId, AgentId>> list;
  for (std::uint32_t k = 0; list.size() < pairs; ++k) {
    const auto i = static_cast<AgentId>(geosim::random::draw(seed, 0, 0, 0, 99, k) % n);
    const auto j = static_cast<AgentId>(geosim::random::draw(seed, 0, 0, 1, 99, k) % n);
    if (i == j || want.count({i, j})) continue;
    want.insert({i, j});
    want.insert({j, i});
    list.emplace_back(i, j);
  }
  return {RelationGraph(n, list), want};
}

void check_graph(const RelationGraph& g, const std::set<std::pair<AgentId, AgentId>>& want, std::size_t n) {
  REQUIRE(g.num_agents() == n);
  REQUIRE(g.num_edges() == want.size());
  for (EdgeId e = 0; e < g.num_edges(); ++e) {
    REQUIRE(want.count({g.source(e), g.target(e)}) == 1);
    REQUIRE(g.find_edge(g.source(e), g.target(e)) == std::optional<EdgeId>(e));
    REQUIRE(g.source(g.reverse(e)) == g.target(e));
    REQUIRE(g.target(g.reverse(e)) == g.source(e));
  }
  // Pairs that are not related, including i = i.
  std::size_t absent = 0;
  for (std::uint32_t k = 0; k < 20000; ++k) {
    const auto i = static_cast<AgentId>(geosim::random::draw(7, 1, 0, 0, 99, k) % n);
    const auto j = static_cast<AgentId>(geosim::random::draw(7, 1, 0, 1, 99, k) % n);
    if (want.count({i, j})) continue;
    ++absent;
    REQUIRE_FALSE(g.find_edge(i, j).has_value());
  }
  CHECK(absent > 1000);
}

}  // namespace

TEST_CASE("graph: find_edge and reverse on a small graph (table look-up)", "[graph]") {
  const auto [g, want] = random_graph(50, 300, 1);
  check_graph(g, want, 50);
}

TEST_CASE("graph: find_edge and reverse on a graph above the table limit (binary search)", "[graph]") {
  const std::size_t n = RelationGraph::kDenseLimit + 100;
  const auto [g, want] = random_graph(n, 5000, 2);
  check_graph(g, want, n);
}

TEST_CASE("graph: a copied graph answers like the original", "[graph]") {
  const auto [g, want] = random_graph(30, 100, 3);
  const RelationGraph copy = g;  // NOLINT(performance-unnecessary-copy-initialization): the copy is under test
  check_graph(copy, want, 30);
}
