#include "geosim/graph.hpp"

#include <algorithm>
#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "geosim/error.hpp"

namespace geosim {

using CsrGraph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                                    boost::no_property, AgentId, EdgeId>;

struct RelationGraph::Impl {
  CsrGraph g;
};

RelationGraph::RelationGraph() : impl_(std::make_unique<Impl>()), first_edge_(1, 0) {}

RelationGraph::RelationGraph(std::size_t num_agents, const std::vector<std::pair<AgentId, AgentId>>& pairs)
    : impl_(std::make_unique<Impl>()) {
  std::vector<std::pair<AgentId, AgentId>> directed;
  directed.reserve(2 * pairs.size());
  for (const auto& [i, j] : pairs) {
    GEOSIM_ASSERT(i != j && i < num_agents && j < num_agents, "relation endpoints were validated");
    directed.emplace_back(i, j);
    directed.emplace_back(j, i);
  }
  std::sort(directed.begin(), directed.end());
  GEOSIM_ASSERT(std::adjacent_find(directed.begin(), directed.end()) == directed.end(),
                "relations were validated to be unique");
  impl_->g = CsrGraph(boost::edges_are_sorted, directed.begin(), directed.end(), num_agents);

  // Flatten the CSR structure into the columns the rules index by edge id.
  const CsrGraph& g = impl_->g;
  const auto index = get(boost::edge_index, g);
  first_edge_.assign(num_agents + 1, 0);
  source_.resize(directed.size());
  target_.resize(directed.size());
  for (AgentId i = 0; i < num_agents; ++i) {
    first_edge_[i + 1] = first_edge_[i] + static_cast<EdgeId>(boost::out_degree(i, g));
    EdgeId expected = first_edge_[i];
    for (auto [it, end] = boost::out_edges(i, g); it != end; ++it, ++expected) {
      const EdgeId e = get(index, *it);
      GEOSIM_ASSERT(e == expected, "CSR out-edges have consecutive ids in target order");
      source_[e] = i;
      target_[e] = boost::target(*it, g);
    }
  }
  if (num_agents <= kDenseLimit) {
    dense_.assign(num_agents * num_agents, kNoEdge);
    for (EdgeId e = 0; e < target_.size(); ++e) dense_[std::size_t{source_[e]} * num_agents + target_[e]] = e;
  }
  reverse_.resize(directed.size());
  for (EdgeId e = 0; e < target_.size(); ++e) {
    const auto r = search_edge(target_[e], source_[e]);
    GEOSIM_ASSERT(r.has_value(), "every relation has both directions");
    reverse_[e] = *r;
  }
}

RelationGraph::RelationGraph(const RelationGraph& o)
    : impl_(std::make_unique<Impl>(*o.impl_)),
      first_edge_(o.first_edge_),
      source_(o.source_),
      target_(o.target_),
      reverse_(o.reverse_),
      dense_(o.dense_) {}

RelationGraph& RelationGraph::operator=(const RelationGraph& o) {
  if (this != &o) *this = RelationGraph(o);
  return *this;
}
RelationGraph::RelationGraph(RelationGraph&&) noexcept = default;
RelationGraph& RelationGraph::operator=(RelationGraph&&) noexcept = default;
RelationGraph::~RelationGraph() = default;

std::optional<EdgeId> RelationGraph::search_edge(AgentId i, AgentId j) const noexcept {
  const auto begin = target_.begin() + first_edge_[i];
  const auto end = target_.begin() + first_edge_[i + 1];
  const auto it = std::lower_bound(begin, end, j);
  if (it == end || *it != j) return std::nullopt;
  return static_cast<EdgeId>(it - target_.begin());
}

}  // namespace geosim
