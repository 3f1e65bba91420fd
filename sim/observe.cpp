#include "geosim/observe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "geosim/error.hpp"
#include "geosim/graph.hpp"

namespace geosim {
namespace {

void append_number(std::string& out, double x) {
  if (!std::isfinite(x)) {
    out += std::isnan(x) ? "nan" : (x > 0 ? "inf" : "-inf");
    return;
  }
  char buf[40];
  char* end = fmt::format_to(buf, "{}", x);
  out.append(buf, end);
  // fmt prints 2000.0 as "2000"; add ".0" so every float column reads as one.
  if (std::find_if(buf, end, [](char c) { return c == '.' || c == 'e' || c == 'E'; }) == end) out += ".0";
}

}  // namespace

std::string format_number(double x) {
  std::string s;
  append_number(s, x);
  return s;
}

std::string agents_csv_header() {
  return "run,step,year,agent,strategy,main_threat,threat,counterweight,security,gdp,military,power,"
         "autonomy,hhi,top_dependence,u_balance,u_bandwagon,u_hedge\n";
}

std::string edges_csv_header() {
  return "run,step,year,source,target,alignment,exports,investment,aid,security,sanction,dependence,"
         "threat,reward\n";
}

std::optional<double> agent_metric(const StepView& v, AgentId i, std::string_view metric) {
  const AgentDerived& d = v.derived.agents[i];
  const AgentDecision& dec = v.decisions.agents[i];
  if (metric == "threat") return d.threat;
  if (metric == "counterweight") return dec.counterweight;
  if (metric == "security") return dec.security;
  if (metric == "gdp") return d.gdp;
  if (metric == "military") return d.military;
  if (metric == "power") return d.power;
  if (metric == "autonomy") return d.autonomy;
  if (metric == "hhi") return d.hhi;
  if (metric == "u_balance") return dec.has_utility ? std::optional(dec.utility[0]) : std::nullopt;
  if (metric == "u_bandwagon") return dec.has_utility ? std::optional(dec.utility[1]) : std::nullopt;
  if (metric == "u_hedge") return dec.has_utility ? std::optional(dec.utility[2]) : std::nullopt;
  if (metric == "balance") return dec.strategy == Strategy::kBalance ? 1.0 : 0.0;
  if (metric == "bandwagon") return dec.strategy == Strategy::kBandwagon ? 1.0 : 0.0;
  if (metric == "hedge") return dec.strategy == Strategy::kHedge ? 1.0 : 0.0;
  GEOSIM_ASSERT(false, fmt::format("agent metric '{}' was validated at load", metric));
}

std::optional<double> edge_metric(const StepView& v, EdgeId e, std::string_view metric) {
  const EdgeState& s = v.state.edges[e];
  const EdgeDerived& d = v.derived.edges[e];
  if (metric == "alignment") return s.alignment;
  if (metric == "exports") return s.exports;
  if (metric == "investment") return s.investment;
  if (metric == "aid") return s.aid;
  if (metric == "security") return s.security;
  if (metric == "sanction") return s.sanction;
  if (metric == "dependence") return d.dependence;
  if (metric == "threat") return d.threat;
  if (metric == "reward") return d.reward;
  if (metric == "export_share" || metric == "trade_share") {
    // Shares of the source's effective flows x_ij = X_ij (1 - s_ij)(1 - s_ji)
    // (MODEL.md §3.2): exports to j over all its exports, or trade (both
    // directions) with j over all its trade. Empty when it has none.
    const RelationGraph& g = v.model.graph;
    const auto flow = [&](EdgeId k) {
      const EdgeState& a = v.state.edges[k];
      return a.exports * (1 - a.sanction) * (1 - v.state.edges[g.reverse(k)].sanction);
    };
    const bool trade = metric == "trade_share";
    const AgentId i = g.source(e);
    double total = 0;
    for (EdgeId k = g.first_edge(i); k < g.end_edge(i); ++k) total += flow(k) + (trade ? flow(g.reverse(k)) : 0.0);
    if (total <= 0) return std::nullopt;
    return (flow(e) + (trade ? flow(g.reverse(e)) : 0.0)) / total;
  }
  GEOSIM_ASSERT(false, fmt::format("edge metric '{}' was validated at load", metric));
}

RunRecorder::RunRecorder(const Model& model, std::uint64_t run, bool keep_rows)
    : model_(model), run_(run), keep_rows_(keep_rows) {
  for (const OutcomeSpec& o : model.scenario.outcomes) {
    Accumulator a;
    a.is_edge = o.is_edge;
    a.metric = o.metric;
    a.aggregate = o.aggregate;
    if (o.is_edge) {
      const auto s = model.scenario.agent_index(o.source), t = model.scenario.agent_index(o.target);
      GEOSIM_ASSERT(s && t, "outcome agents were validated at load");
      const auto e = model.graph.find_edge(static_cast<AgentId>(*s), static_cast<AgentId>(*t));
      GEOSIM_ASSERT(e.has_value(), "outcome edges were validated at load");
      a.index = *e;
    } else {
      const auto i = model.scenario.agent_index(o.agent);
      GEOSIM_ASSERT(i.has_value(), "outcome agents were validated at load");
      a.index = static_cast<std::uint32_t>(*i);
    }
    acc_.push_back(std::move(a));
  }
}

void RunRecorder::record(const StepView& v) {
  for (Accumulator& a : acc_) {
    const auto x = a.is_edge ? edge_metric(v, a.index, a.metric) : agent_metric(v, a.index, a.metric);
    a.last = x;  // final = the value at step T-1, empty if that step has none
    if (!x) continue;
    a.sum += *x;
    ++a.count;
    a.min = a.min ? std::min(*a.min, *x) : *x;
    a.max = a.max ? std::max(*a.max, *x) : *x;
  }
  if (!keep_rows_) return;

  const Model& m = model_;
  const std::string prefix = fmt::format("{},{},{},", run_, v.step, v.year);
  for (AgentId i = 0; i < m.num_agents(); ++i) {
    const AgentDerived& d = v.derived.agents[i];
    const AgentDecision& dec = v.decisions.agents[i];
    std::string& out = agent_rows_;
    out += prefix;
    out += m.agent_id(i);
    out += ',';
    out += to_string(dec.strategy);
    out += ',';
    if (d.main_threat >= 0) out += m.agent_id(static_cast<AgentId>(d.main_threat));
    for (double x : {d.threat, dec.counterweight, dec.security, d.gdp, d.military, d.power, d.autonomy, d.hhi}) {
      out += ',';
      append_number(out, x);
    }
    out += ',';
    if (d.top_dependence >= 0) out += m.agent_id(static_cast<AgentId>(d.top_dependence));
    for (int k = 0; k < 3; ++k) {
      out += ',';
      if (dec.has_utility) append_number(out, dec.utility[k]);
    }
    out += '\n';
  }
  for (EdgeId e = 0; e < m.num_edges(); ++e) {
    const EdgeState& s = v.state.edges[e];
    const EdgeDerived& d = v.derived.edges[e];
    std::string& out = edge_rows_;
    out += prefix;
    out += m.agent_id(m.graph.source(e));
    out += ',';
    out += m.agent_id(m.graph.target(e));
    for (double x : {s.alignment, s.exports, s.investment, s.aid, s.security, s.sanction, d.dependence, d.threat,
                     d.reward}) {
      out += ',';
      append_number(out, x);
    }
    out += '\n';
  }
}

std::vector<std::optional<double>> RunRecorder::outcomes() const {
  std::vector<std::optional<double>> out;
  for (const Accumulator& a : acc_) {
    switch (a.aggregate) {
      case Aggregate::kFinal: out.push_back(a.last); break;
      case Aggregate::kMean: out.push_back(a.count ? std::optional(a.sum / static_cast<double>(a.count)) : std::nullopt); break;
      case Aggregate::kMin: out.push_back(a.min); break;
      case Aggregate::kMax: out.push_back(a.max); break;
    }
  }
  return out;
}

}  // namespace geosim
