// The relationship graph: agents and the directed edges between them.
//
// Built once per run from the declared relations (each gives i→j and j→i) and
// never changed: what changes over time is attributes, held in columns indexed
// by edge id. Out-edges of an agent have consecutive ids, in ascending target
// index, which is the order MODEL.md's sums over N(i) use. The graph is a
// Boost.Graph compressed sparse row graph, kept behind this interface.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace geosim {

using AgentId = std::uint32_t;
using EdgeId = std::uint32_t;

class RelationGraph {
 public:
  RelationGraph();
  /// `pairs` are unordered pairs {i, j}, i != j, each at most once.
  RelationGraph(std::size_t num_agents, const std::vector<std::pair<AgentId, AgentId>>& pairs);
  RelationGraph(const RelationGraph&);
  RelationGraph& operator=(const RelationGraph&);
  RelationGraph(RelationGraph&&) noexcept;
  RelationGraph& operator=(RelationGraph&&) noexcept;
  ~RelationGraph();

  std::size_t num_agents() const noexcept { return first_edge_.size() - 1; }
  std::size_t num_edges() const noexcept { return target_.size(); }

  /// Out-edges of i are the ids [first_edge(i), first_edge(i + 1)).
  EdgeId first_edge(AgentId i) const noexcept { return first_edge_[i]; }
  EdgeId end_edge(AgentId i) const noexcept { return first_edge_[i + 1]; }
  AgentId source(EdgeId e) const noexcept { return source_[e]; }
  AgentId target(EdgeId e) const noexcept { return target_[e]; }
  /// The edge j→i of edge i→j.
  EdgeId reverse(EdgeId e) const noexcept { return reverse_[e]; }
  std::size_t out_degree(AgentId i) const noexcept { return first_edge_[i + 1] - first_edge_[i]; }
  /// The edge i→j, if the pair is related: a table look-up for graphs of up
  /// to kDenseLimit agents, else a binary search over i's out-edges.
  std::optional<EdgeId> find_edge(AgentId i, AgentId j) const noexcept {
    if (!dense_.empty()) {
      const EdgeId e = dense_[static_cast<std::size_t>(i) * num_agents() + j];
      if (e == kNoEdge) return std::nullopt;
      return e;
    }
    return search_edge(i, j);
  }

  /// Graphs with at most this many agents keep an N×N table of edge ids
  /// (4 MB at the limit) for find_edge.
  static constexpr std::size_t kDenseLimit = 1024;

 private:
  static constexpr EdgeId kNoEdge = ~EdgeId{0};
  std::optional<EdgeId> search_edge(AgentId i, AgentId j) const noexcept;

  struct Impl;  // the Boost.Graph object
  std::unique_ptr<Impl> impl_;
  std::vector<EdgeId> first_edge_;
  std::vector<AgentId> source_;
  std::vector<AgentId> target_;
  std::vector<EdgeId> reverse_;
  std::vector<EdgeId> dense_;  ///< i·N + j → edge id or kNoEdge; empty above kDenseLimit
};

}  // namespace geosim
