// `geosim explain`: the breakdown of one agent's step (explain.hpp), its text
// report and its JSON. The numbers come from the engine's buffers of the step
// and from the rule set's breakdown functions (rules.hpp), never from a
// second copy of a formula.
#include "geosim/explain.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string_view>

#include "geosim/error.hpp"
#include "geosim/random.hpp"
#include "yaml_reader.hpp"

namespace geosim {
namespace {

constexpr std::array<Strategy, 3> kStrategies = {Strategy::kBalance, Strategy::kBandwagon, Strategy::kHedge};

double ratio(double x, double y) { return y == 0 ? 0.0 : x / y; }
double share(double pa, double pb) { return ratio(pa, pa + pb); }

std::size_t index_of(Strategy s) { return static_cast<std::size_t>(s); }

/// The first strategy among `candidates` with the largest utility (ties in
/// the order balance, bandwagon, hedge, as MODEL.md §3.3).
Strategy best_of(const std::array<double, 3>& u, std::initializer_list<Strategy> candidates) {
  Strategy best = *candidates.begin();
  for (Strategy s : candidates) {
    if (u[index_of(s)] > u[index_of(best)]) best = s;
  }
  return best;
}

}  // namespace

std::string_view to_string(PartnerRole r) {
  switch (r) {
    case PartnerRole::kMainThreat: return "main_threat";
    case PartnerRole::kCounterweight: return "counterweight";
    case PartnerRole::kPartner: break;
  }
  return "partner";
}

std::string_view to_string(ChoiceRule r) {
  switch (r) {
    case ChoiceRule::kFixed: return "fixed";
    case ChoiceRule::kUtility: return "utility";
    case ChoiceRule::kSampled: return "sampled";
    case ChoiceRule::kNoThreat: break;
  }
  return "no_threat";
}

// --- The breakdown -------------------------------------------------------------

Explanation explain_step(const StepView& v, AgentId i, std::span<const double> beta0) {
  GEOSIM_ASSERT(i < v.model.num_agents(), "explain_step: agent index out of range");
  GEOSIM_ASSERT(beta0.size() >= v.model.num_edges(), "explain_step: beta0 needs one value per edge");
  const Model& m = v.model;
  const State& s = v.state;
  const Derived& d = v.derived;
  const Decisions& dec = v.decisions;
  const RelationGraph& g = m.graph;
  const Parameters& p = m.params;
  const AgentState& ai = s.agents[i];
  const AgentDerived& di = d.agents[i];
  const AgentDecision& ad = dec.agents[i];
  const EdgeId first = g.first_edge(i), last = g.end_edge(i);

  Explanation x;
  x.scenario_name = m.scenario.name;
  x.scenario_file = m.scenario.source_file;
  x.policy = "baseline";
  x.seed = v.key.seed;
  x.run = v.key.run;
  x.step = v.step;
  x.year = v.year;
  x.dt = m.dt;
  x.agent = i;
  for (const AgentSpec& a : m.scenario.agents) {
    x.ids.push_back(a.id);
    x.names.push_back(a.name.empty() ? a.id : a.name);
  }
  x.rule = ai.rule;
  x.gdp = di.gdp;
  x.potential_gdp = ai.gp;
  x.military = di.military;
  x.power = di.power;
  x.growth = ai.growth;
  x.regime = ai.regime;
  x.weights = ai.w;
  x.appeasement = ai.appeasement;

  // Threats: T_ij as the engine stored it, with its terms.
  for (EdgeId e = first; e < last; ++e) {
    const AgentId j = g.target(e);
    ThreatRow r;
    r.partner = j;
    r.threat = d.edges[e].threat;
    r.terms = standard::threat_terms(s, m, d, e);
    r.power = di.power;
    r.partner_power = d.agents[j].power;
    r.border = s.edges[e].border;
    r.distance = s.edges[e].distance;
    r.geo = d.edges[e].geo;
    r.reach = s.agents[j].reach;
    r.partner_alignment = s.edges[g.reverse(e)].alignment;
    r.regime_gap = std::abs(ai.regime - s.agents[j].regime);
    r.security = s.edges[e].security;
    x.threats.push_back(r);
  }
  std::stable_sort(x.threats.begin(), x.threats.end(),
                   [](const ThreatRow& a, const ThreatRow& b) { return a.threat > b.threat; });
  x.main_threat = di.main_threat;
  x.threat = di.threat;
  x.threat_floor = p.threat_floor;

  // Counterweights: cw_ik as the engine stored it (decide), with its factors.
  const int h = di.main_threat;
  double cw_max = 0;
  if (h >= 0) {
    const auto hh = static_cast<AgentId>(h);
    for (EdgeId e = first; e < last; ++e) {
      const AgentId k = g.target(e);
      if (k == hh) continue;
      CounterweightRow c;
      c.partner = k;
      c.cw = dec.cw[e];
      c.power_share = share(d.agents[k].power, d.agents[hh].power);
      if (const auto kh = g.find_edge(k, hh)) c.alignment_to_threat = s.edges[*kh].alignment;
      c.alignment_to_agent = s.edges[g.reverse(e)].alignment;
      c.proximity = std::max(d.edges[e].geo, s.agents[k].reach);
      cw_max = std::max(cw_max, c.cw);
      x.counterweights.push_back(c);
    }
    for (CounterweightRow& c : x.counterweights) c.normalised = cw_max == 0 ? 0.0 : c.cw / cw_max;
    std::stable_sort(x.counterweights.begin(), x.counterweights.end(),
                     [](const CounterweightRow& a, const CounterweightRow& b) { return a.cw > b.cw; });
  }
  x.capacity = ad.counterweight;

  // Decision: the outcome table of the rule set, the engine's utilities and choice.
  x.strategy = ad.strategy;
  x.security = ad.security;
  x.temperature = p.choice_temperature;
  if (h >= 0) {
    standard::StrategyTable table = standard::strategy_table(s, m, d, i, ad.counterweight);
    table.utility = ad.utility;  // the engine's (the same numbers: decide() builds them with strategy_table)
    x.table = table;
    const auto& u = table.utility;
    x.best = best_of(u, {Strategy::kBalance, Strategy::kBandwagon, Strategy::kHedge});
    switch (ad.strategy) {
      case Strategy::kBalance: x.runner_up = best_of(u, {Strategy::kBandwagon, Strategy::kHedge}); break;
      case Strategy::kBandwagon: x.runner_up = best_of(u, {Strategy::kBalance, Strategy::kHedge}); break;
      case Strategy::kHedge: x.runner_up = best_of(u, {Strategy::kBalance, Strategy::kBandwagon}); break;
    }
    x.margin = u[index_of(ad.strategy)] - u[index_of(*x.runner_up)];
    if (ai.rule != StrategyRule::kAdaptive) {
      x.how = ChoiceRule::kFixed;
    } else if (p.choice_temperature > 0) {
      x.how = ChoiceRule::kSampled;
      const double umax = std::max({u[0], u[1], u[2]});
      double total = 0;
      for (int k = 0; k < 3; ++k) {
        x.probability[k] = std::exp((u[k] - umax) / p.choice_temperature);
        total += x.probability[k];
      }
      for (double& q : x.probability) q /= total;
      x.draw = random::uniform(v.key.seed, v.key.run, static_cast<std::uint64_t>(v.step), i,
                               random::kStrategyChoice, 0);
    } else {
      x.how = ChoiceRule::kUtility;
    }
  }

  // Dependence: D_ij as the engine stored it, with its three parts.
  x.exposure = di.exposure;
  x.concentration = di.hhi;
  x.max_dependence = di.dmax;
  x.autonomy = di.autonomy;
  x.top_dependence = di.top_dependence;
  x.total_trade = di.tt;
  x.inbound_investment = di.vv;
  x.inbound_aid = di.aa;
  x.exposure_reference = p.exposure_reference;
  const auto& dw = p.dependence_weights;
  const double dsum = dw.trade + dw.investment + dw.aid;
  for (EdgeId e = first; e < last; ++e) {
    const EdgeState& ij = s.edges[e];
    const EdgeState& ji = s.edges[g.reverse(e)];
    DependenceRow r;
    r.partner = g.target(e);
    r.dependence = d.edges[e].dependence;
    r.trade = ij.exports + ji.exports;
    r.investment = ji.investment;
    r.aid = ji.aid;
    r.trade_share = ratio(r.trade, di.tt);
    r.investment_share = ratio(r.investment, di.vv);
    r.aid_share = ratio(r.aid, di.aa);
    r.trade_part = ratio(dw.trade * r.trade_share, dsum);
    r.investment_part = ratio(dw.investment * r.investment_share, dsum);
    r.aid_part = ratio(dw.aid * r.aid_share, dsum);
    x.dependences.push_back(r);
  }
  std::stable_sort(x.dependences.begin(), x.dependences.end(),
                   [](const DependenceRow& a, const DependenceRow& b) { return a.dependence > b.dependence; });

  // Alignment: disposition, anchor, target and noise, and the engine's a'_ij.
  x.adjustment = std::min(1.0, p.adjustment_rate * m.dt);
  x.commitment = p.commitment;
  x.anchoring = p.anchoring;
  x.noise_sd = p.alignment_noise * std::sqrt(m.dt);
  for (EdgeId e = first; e < last; ++e) {
    const AgentId j = g.target(e);
    AlignmentRow r;
    r.partner = j;
    r.alignment = s.edges[e].alignment;
    r.next = dec.alignment[e];
    r.initial = m.a0[e];
    r.reward = d.edges[e].reward;
    r.disposition = standard::disposition_terms(s, m, d, v.step, e);
    r.disposition0 = beta0[e];
    r.anchored = standard::anchored_disposition(m, e, r.disposition.beta, beta0[e]);
    const double cwn = cw_max == 0 ? 0.0 : dec.cw[e] / cw_max;
    r.target = standard::alignment_target(m, r.anchored, ad.strategy, h >= 0, static_cast<int>(j) == h, cwn);
    r.push = r.target - r.anchored;
    r.move = x.adjustment * (r.target - r.alignment);
    if (p.alignment_noise > 0) {
      r.noise = x.noise_sd *
                random::normal(v.key.seed, v.key.run, static_cast<std::uint64_t>(v.step), i, random::kAlignmentNoise, j);
    }
    const double unclamped = r.alignment + r.move + r.noise;
    r.clamped = unclamped < -1 || unclamped > 1;
    if (static_cast<int>(j) == h) {
      r.role = PartnerRole::kMainThreat;
    } else if (h >= 0 && dec.cw[e] > 0) {
      r.role = PartnerRole::kCounterweight;
    }
    x.alignments.push_back(r);
  }
  return x;
}

Explanation explain(const Scenario& scenario, const ExplainOptions& o) {
  Scenario effective = with_policy(scenario, o.policy);  // UsageError for an unknown policy
  if (o.seed) effective.seed = *o.seed;
  const std::string where = scenario.source_file.empty() ? scenario.name : scenario.source_file;
  const auto index = effective.agent_index(o.agent);
  if (!index) {
    std::vector<std::string_view> ids;
    for (const AgentSpec& a : effective.agents) ids.push_back(a.id);
    constexpr std::size_t kListed = 20;
    std::string list;
    for (std::size_t k = 0; k < ids.size() && k < kListed; ++k) list += (k ? ", " : "") + std::string(ids[k]);
    if (ids.size() > kListed) list += fmt::format(", ... ({} in all)", ids.size());
    throw UsageError(fmt::format("unknown agent '{}' in {} (its agents: {}){}", o.agent, where, list,
                                 detail::did_you_mean(o.agent, ids)));
  }
  const int steps = effective.time.steps;
  if (o.step < 0 || o.step >= steps) {
    throw UsageError(fmt::format("step {} is out of range: {} has steps 0 to {} (time.steps = {}; steps count from 0)",
                                 o.step, where, steps - 1, steps));
  }
  Model model = compile(effective);
  // Only the step loop reads model.steps (event windows were fixed by
  // compile()), so stopping after step T changes nothing up to T.
  model.steps = o.step + 1;
  const auto i = static_cast<AgentId>(*index);
  std::vector<double> beta0(model.num_edges(), 0.0);
  std::optional<Explanation> out;
  simulate(model, RunKey{effective.seed, o.run}, [&](const StepView& v) {
    if (v.step == 0) {  // β⁰, as the engine computes it at step 0
      for (EdgeId e = model.graph.first_edge(i); e < model.graph.end_edge(i); ++e) {
        beta0[e] = standard::disposition(v.state, v.model, v.derived, 0, e);
      }
    }
    if (v.step == o.step) out = explain_step(v, i, beta0);
  });
  GEOSIM_ASSERT(out.has_value(), "the run reached the explained step");
  out->policy = o.policy;
  out->scenario_file = scenario.source_file;
  return std::move(*out);
}

// --- Text --------------------------------------------------------------------

std::string format_sig3(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (x == 0) return "0";
  const double ax = std::abs(x);
  if (ax >= 1000 && ax < 1e15) {  // 2345.6 -> "2350", not "2.35e+03"
    const double scale = std::pow(10.0, std::floor(std::log10(ax)) - 2);
    return fmt::format("{:.0f}", std::copysign(std::round(ax / scale) * scale, x));
  }
  std::string s = fmt::format("{:.3g}", x);
  if (s.find('e') != std::string::npos && ax >= 1) {  // 999.6 rounds to "1e+03"
    return fmt::format("{:.0f}", std::copysign(std::round(ax), x));
  }
  return s;
}

namespace {

std::string num(double x) { return format_sig3(x); }
/// With an explicit sign: "+0.5", "-0.25", "0".
std::string signed_num(double x) { return x > 0 ? "+" + num(x) : num(x); }
std::string percent(double x) { return format_sig3(100 * x) + "%"; }

/// Table lines start with this mark, so that fill() leaves them as they are.
constexpr char kTableLine = '\x01';

/// A plain-text table: first column left-aligned, the others right-aligned.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string render(std::string_view indent = "  ") const {
    std::vector<std::size_t> width;
    for (const auto& row : rows_) {
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (c >= width.size()) width.push_back(0);
        width[c] = std::max(width[c], display_width(row[c]));
      }
    }
    std::string out;
    for (const auto& row : rows_) {
      std::string line = kTableLine + std::string(indent);
      for (std::size_t c = 0; c < row.size(); ++c) {
        const std::string pad(width[c] - display_width(row[c]), ' ');
        if (c > 0) line += "  ";
        line += c == 0 ? row[c] + pad : pad + row[c];
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + '\n';
    }
    return out;
  }

 private:
  /// Characters, not bytes (UTF-8 continuation bytes do not count).
  static std::size_t display_width(std::string_view s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  }
  std::vector<std::vector<std::string>> rows_;
};

std::string_view verb(Strategy s) {
  switch (s) {
    case Strategy::kBalance: return "balances against";
    case Strategy::kBandwagon: return "bandwagons with";
    case Strategy::kHedge: break;
  }
  return "hedges";
}

std::string strategy_name(Strategy s) { return std::string(to_string(s)); }

/// Lines longer than kWidth characters broken at spaces, each piece with the
/// line's own indentation; table lines are kept whole (and unmarked).
constexpr std::size_t kWidth = 90;
std::string fill(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (!line.empty() && line.front() == kTableLine) {
      out.append(line.substr(1));
      out += '\n';
      continue;
    }
    const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
    const std::string lead(indent, ' ');
    std::string current = lead;
    std::size_t w = indent;
    while (w < line.size()) {
      std::size_t end = line.find(' ', w);
      if (end == std::string_view::npos) end = line.size();
      const std::string_view word = line.substr(w, end - w);
      if (current.size() > indent && current.size() + 1 + word.size() > kWidth) {
        out += current + '\n';
        current = lead;
      }
      if (current.size() > indent) current += ' ';
      current += word;
      w = end + 1;
    }
    out += current + '\n';
  }
  return out;
}

std::string capitalised(std::string_view s) {
  std::string out(s);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

/// "via border", "via reach", "via distance": what sets the proximity.
std::string_view proximity_source(const ThreatRow& r) {
  if (r.border) return "border";
  return r.reach >= r.geo ? "reach" : "distance";
}

constexpr std::size_t kMaxRows = 10;  // partners shown per table in the text report

std::string more_rows(std::size_t total, std::string_view what) {
  if (total <= kMaxRows) return "";
  return fmt::format("  ({} more {} not shown; --format json lists them all.)\n", total - kMaxRows,
                     total - kMaxRows == 1 ? what.substr(0, what.size() - 1) : what);
}

void threat_section(const Explanation& x, std::string& out) {
  const std::string& me = x.id(x.agent);
  out += "Threat\n";
  if (x.threats.empty()) {
    out += fmt::format("  {} has no partners (no relations), so nothing threatens it.\n", me);
    return;
  }
  if (x.main_threat >= 0) {
    const std::string& h = x.id(static_cast<AgentId>(x.main_threat));
    out += fmt::format("  {} is {}'s main threat: T = {}, the largest of its {} partner{} (threat floor {}).\n", h, me,
                       num(x.threat), x.threats.size(), x.threats.size() == 1 ? "" : "s", num(x.threat_floor));
  } else {
    const ThreatRow& top = x.threats.front();
    out += fmt::format(
        "  {} has no main threat: the largest threat, from {} (T = {}), is below the threat floor {}.\n", me,
        x.id(top.partner), num(top.threat), num(x.threat_floor));
  }
  out += "  T = relative power x proximity x hostility;\n";
  out += "  hostility = stance + regime + grievance - relief, kept in [0, 1].\n\n";
  Table t({"partner", "T", "rel. power", "proximity", "via", "hostility", "stance", "regime", "grievance", "relief"});
  for (std::size_t k = 0; k < x.threats.size() && k < kMaxRows; ++k) {
    const ThreatRow& r = x.threats[k];
    t.add({x.id(r.partner), num(r.threat), num(r.terms.rel), num(r.terms.prox), std::string(proximity_source(r)),
           num(r.terms.hostility), num(r.terms.alignment), num(r.terms.suspicion), num(r.terms.grievance),
           num(r.terms.relief)});
  }
  out += t.render();
  out += more_rows(x.threats.size(), "partners");

  // Why the first one (the main threat, or the largest below the floor).
  const ThreatRow& r = x.threats.front();
  const std::string& j = x.id(r.partner);
  out += '\n';
  out += fmt::format("  {} holds {} of the pair's power (P = {} against {}'s {}).\n", j, percent(r.terms.rel),
                     num(r.partner_power), me, num(r.power));
  if (r.border) {
    out += fmt::format("  It shares a border with {}: proximity 1.\n", me);
  } else {
    out += fmt::format("  Its capital is {:.0f} km away (closeness {}) and its reach is {}: proximity {}.\n",
                       r.distance, num(r.geo), num(r.reach), num(r.terms.prox));
  }
  const double sum = r.terms.alignment + r.terms.suspicion + r.terms.grievance - r.terms.relief;
  out += fmt::format(
      "  Hostility {}: its stance toward {} (a = {}) gives {}, the regime gap {} adds {}, {}'s grievance adds {},"
      " and their security tie (S = {}) takes off {}{}.\n",
      num(r.terms.hostility), me, num(r.partner_alignment), num(r.terms.alignment), num(r.regime_gap),
      num(r.terms.suspicion), me, num(r.terms.grievance), num(r.security), num(r.terms.relief),
      sum > 1 || sum < 0 ? fmt::format(" (the sum, {}, is kept in [0, 1])", num(sum)) : std::string());
  if (x.threats.size() > 1) {
    const ThreatRow& second = x.threats[1];
    out += fmt::format("  Runner-up: {} with T = {} ({} lower).\n", x.id(second.partner), num(second.threat),
                       num(r.threat - second.threat));
  }
}

void counterweight_section(const Explanation& x, std::string& out) {
  if (x.main_threat < 0) return;
  const std::string& me = x.id(x.agent);
  const std::string& h = x.id(static_cast<AgentId>(x.main_threat));
  out += fmt::format("\nCounterweights against {}\n", h);
  if (x.counterweights.empty()) {
    out += fmt::format("  {} has no other partner to lean on: capacity C = 0.\n", me);
    return;
  }
  out += fmt::format("  Capacity C = 1 - product of (1 - cw) = {}.\n", num(x.capacity));
  out += fmt::format(
      "  cw = power share against {} x (1 - a_k->{})/2 x (1 + a_k->{})/2 x proximity, for each other partner k.\n\n",
      h, h, me);
  Table t({"partner", "cw", "power share", fmt::format("a_k->{}", h), fmt::format("a_k->{}", me), "proximity"});
  for (std::size_t k = 0; k < x.counterweights.size() && k < kMaxRows; ++k) {
    const CounterweightRow& c = x.counterweights[k];
    t.add({x.id(c.partner), num(c.cw), num(c.power_share),
           c.alignment_to_threat ? num(*c.alignment_to_threat) : std::string("- (0)"), num(c.alignment_to_agent),
           num(c.proximity)});
  }
  out += t.render();
  out += more_rows(x.counterweights.size(), "counterweights");
  const CounterweightRow& best = x.counterweights.front();
  if (best.cw > 0) {
    out += fmt::format("  The strongest counterweight is {} (cw = {}).\n", x.id(best.partner), num(best.cw));
  } else {
    out += "  No partner is a counterweight (every cw is 0).\n";
  }
}

void decision_section(const Explanation& x, std::string& out) {
  const std::string& me = x.id(x.agent);
  out += "\nDecision\n";
  if (!x.table) {
    out += "  Without a main threat every state hedges (MODEL.md 3.3): T = 0, C = 0, security 1, no utilities.\n";
    if (x.rule != StrategyRule::kAdaptive) {
      out += fmt::format("  (Its fixed strategy, {}, applies only when it has a main threat.)\n", to_string(x.rule));
    }
    return;
  }
  const standard::StrategyTable& tb = *x.table;
  const std::string h = x.id(static_cast<AgentId>(x.main_threat));
  out += fmt::format("  Utility = {} x security + {} x prosperity + {} x autonomy (the state's weights).\n\n",
                     num(x.weights.security), num(x.weights.prosperity), num(x.weights.autonomy));
  Table t({"strategy", "security", "prosperity", "autonomy", "utility", ""});
  for (Strategy s : kStrategies) {
    const std::size_t k = index_of(s);
    t.add({strategy_name(s), num(tb.security[k]), num(tb.prosperity[k]), num(tb.autonomy[k]), num(tb.utility[k]),
           s == x.strategy ? "<- chosen" : ""});
  }
  out += t.render();
  out += '\n';
  const std::string chosen = strategy_name(x.strategy);
  const std::string runner = strategy_name(*x.runner_up);
  switch (x.how) {
    case ChoiceRule::kUtility:
      out += fmt::format("  {} has the largest utility, {} above {} (the runner-up).\n", capitalised(chosen),
                         num(x.margin), runner);
      break;
    case ChoiceRule::kFixed:
      out += fmt::format(
          "  The strategy is fixed to {} by the scenario (or an event): the utilities do not decide it. By utility "
          "{} would have chosen {}.\n",
          chosen, me, strategy_name(*x.best));
      break;
    case ChoiceRule::kSampled:
      out += fmt::format(
          "  The strategy is drawn with choice temperature {}: probabilities balance {}, bandwagon {}, hedge {};"
          " the uniform draw {} picked {} (largest utility: {}).\n",
          num(x.temperature), num(x.probability[0]), num(x.probability[1]), num(x.probability[2]), num(x.draw),
          chosen, strategy_name(*x.best));
      break;
    case ChoiceRule::kNoThreat: break;
  }
  if (x.strategy != *x.runner_up) {
    const std::size_t c = index_of(x.strategy), r = index_of(*x.runner_up);
    out += fmt::format("  Against {}, {} changes weighted security by {}, prosperity by {} and autonomy by {}.\n",
                       runner, chosen, signed_num(x.weights.security * (tb.security[c] - tb.security[r])),
                       signed_num(x.weights.prosperity * (tb.prosperity[c] - tb.prosperity[r])),
                       signed_num(x.weights.autonomy * (tb.autonomy[c] - tb.autonomy[r])));
  }
  out += fmt::format(
      "  Inputs: threat T = {}, capacity C = {}, {}'s power share relh = {}, appeasement {}, {}'s share of the "
      "rewards q = {}, momentum {}, exposed dependence on {} {}, exposed concentration {}.\n",
      num(tb.threat), num(tb.capacity), h, num(tb.relh), num(x.appeasement), h, num(tb.q), num(tb.mom), h,
      num(tb.vh), num(tb.exh));
}

void dependence_section(const Explanation& x, std::string& out) {
  out += "\nDependence\n";
  out += fmt::format("  Exposure {}: trade {} is {} of GDP {}, and exposure = min(1, that share / {}).\n",
                     num(x.exposure), num(x.total_trade), percent(x.gdp == 0 ? 0.0 : x.total_trade / x.gdp),
                     num(x.gdp), num(x.exposure_reference));
  out += fmt::format("  Concentration H = {} (the sum of the squared dependences).\n", num(x.concentration));
  if (x.top_dependence >= 0) {
    out += fmt::format("  The largest dependence is {} on {}, so autonomy = 1 - {} x {} = {}.\n",
                       num(x.max_dependence), x.id(static_cast<AgentId>(x.top_dependence)), num(x.exposure),
                       num(x.max_dependence), num(x.autonomy));
  } else {
    out += fmt::format("  It depends on no one, so autonomy = {}.\n", num(x.autonomy));
  }
  if (x.dependences.empty()) return;
  out += "  D = trade part + investment part + aid part (each: weight x share of the total).\n\n";
  Table t({"partner", "D", "trade", "(share)", "investment", "(share)", "aid", "(share)"});
  for (std::size_t k = 0; k < x.dependences.size() && k < kMaxRows; ++k) {
    const DependenceRow& r = x.dependences[k];
    t.add({x.id(r.partner), num(r.dependence), num(r.trade_part), percent(r.trade_share), num(r.investment_part),
           percent(r.investment_share), num(r.aid_part), percent(r.aid_share)});
  }
  out += t.render();
  out += more_rows(x.dependences.size(), "partners");
}

void alignment_section(const Explanation& x, std::string& out) {
  const std::string& me = x.id(x.agent);
  out += "\nAlignment\n";
  if (x.alignments.empty()) {
    out += fmt::format("  {} has no partners: no alignments.\n", me);
    return;
  }
  out += fmt::format(
      "  a' = a + {} x (target - a){}. The target is b plus the strategy's push (commitment {}). b is the "
      "disposition toward the partner (reward, affinity, values, bloc, influence) anchored to the scenario's "
      "alignment: b = disposition + {} x (initial alignment - disposition at step 0).\n\n",
      num(x.adjustment), x.noise_sd > 0 ? fmt::format(" + noise (sd {})", num(x.noise_sd)) : std::string(),
      num(x.commitment), num(x.anchoring));
  Table t({"partner", "a", "a'", "change", "b", "push", "target", "noise", "role"});
  // Every partner when they fit; otherwise the main threat and the largest
  // moves, still in partner order.
  std::vector<const AlignmentRow*> shown;
  for (const AlignmentRow& r : x.alignments) shown.push_back(&r);
  if (shown.size() > kMaxRows) {
    std::stable_sort(shown.begin(), shown.end(), [&](const AlignmentRow* a, const AlignmentRow* b) {
      const bool ta = a->role == PartnerRole::kMainThreat, tb = b->role == PartnerRole::kMainThreat;
      if (ta != tb) return ta;
      return std::abs(a->next - a->alignment) > std::abs(b->next - b->alignment);
    });
    shown.resize(kMaxRows);
    std::sort(shown.begin(), shown.end(), [](const AlignmentRow* a, const AlignmentRow* b) { return a->partner < b->partner; });
  }
  bool any_clamped = false;
  for (const AlignmentRow* row : shown) {
    const AlignmentRow& r = *row;
    any_clamped = any_clamped || r.clamped;
    t.add({x.id(r.partner), num(r.alignment), num(r.next) + (r.clamped ? "*" : ""), signed_num(r.next - r.alignment),
           num(r.anchored), signed_num(r.push), num(r.target), x.noise_sd > 0 ? signed_num(r.noise) : "-",
           r.role == PartnerRole::kMainThreat      ? "main threat"
           : r.role == PartnerRole::kCounterweight ? "counterweight"
                                                   : ""});
  }
  out += t.render();
  if (shown.size() < x.alignments.size()) {
    out += fmt::format("  ({} more partners with smaller moves not shown; --format json lists them all.)\n",
                       x.alignments.size() - shown.size());
  }
  out += "  a: alignment now; a': at the next step; b: anchored disposition; target = b + push.\n";
  if (any_clamped) out += "  * kept in [-1, 1].\n";
  const bool pushes = x.main_threat >= 0 && x.strategy != Strategy::kHedge;
  if (!pushes) {
    out += fmt::format("  {} {}: no push; every target is the disposition b.\n", me,
                       x.main_threat >= 0 ? "hedges" : "has no main threat");
  } else {
    const std::string h = x.id(static_cast<AgentId>(x.main_threat));
    if (x.strategy == Strategy::kBalance) {
      out += fmt::format(
          "  Balancing pushes the target away from {} by {} and toward each counterweight by up to {}"
          " (in proportion to its cw).\n",
          h, num(x.commitment), num(x.commitment));
    } else {
      out += fmt::format(
          "  Bandwagoning pushes the target toward {} by {} and away from each counterweight by up to {}"
          " (in proportion to its cw).\n",
          h, num(x.commitment), num(0.5 * x.commitment));
    }
  }
}

}  // namespace

std::string format_text(const Explanation& x) {
  const std::string& me = x.id(x.agent);
  std::string out;
  out += fmt::format("{} ({}) at step {} (year {}), run {}\n", me, x.names[x.agent], x.step, x.year, x.run);
  out += fmt::format("Scenario {}{}, policy {}, seed {}.\n\n", x.scenario_name,
                     x.scenario_file.empty() ? std::string() : " (" + x.scenario_file + ")", x.policy, x.seed);
  // In short.
  if (x.main_threat >= 0) {
    const std::string h = x.id(static_cast<AgentId>(x.main_threat));
    std::string why;
    switch (x.how) {
      case ChoiceRule::kUtility:
        why = fmt::format("{} has the largest utility, {} above {}.", capitalised(to_string(x.strategy)),
                          num(x.margin), to_string(*x.runner_up));
        break;
      case ChoiceRule::kFixed: why = fmt::format("Its strategy is fixed to {}.", to_string(x.strategy)); break;
      case ChoiceRule::kSampled:
        why = fmt::format("It was drawn with probability {} at choice temperature {}.",
                          num(x.probability[index_of(x.strategy)]), num(x.temperature));
        break;
      case ChoiceRule::kNoThreat: break;
    }
    if (x.strategy == Strategy::kHedge) {
      out += fmt::format("In short: {} hedges; its main threat is {} (T = {}). {}\n", me, h, num(x.threat), why);
    } else {
      out += fmt::format("In short: {} {} {}, its main threat (T = {}). {}\n", me, verb(x.strategy), h,
                         num(x.threat), why);
    }
  } else {
    out += fmt::format("In short: {} hedges: {}.\n", me,
                       x.threats.empty() ? "it has no partners, so nothing threatens it"
                                         : "no threat reaches the threat floor, so it has no main threat");
  }
  out += fmt::format("Power P = {}, GDP {} (potential {}), military {}.\n\n", num(x.power), num(x.gdp),
                     num(x.potential_gdp), num(x.military));
  threat_section(x, out);
  counterweight_section(x, out);
  decision_section(x, out);
  dependence_section(x, out);
  alignment_section(x, out);
  return fill(out);
}

// --- JSON --------------------------------------------------------------------

std::string to_json(const Explanation& x, int indent) {
  using nlohmann::ordered_json;
  const auto id = [&](int a) -> ordered_json {
    return a >= 0 ? ordered_json(x.id(static_cast<AgentId>(a))) : ordered_json(nullptr);
  };
  ordered_json j;
  j["format"] = "geosim-explain 1";
  j["scenario"] = {{"name", x.scenario_name}, {"file", x.scenario_file}};
  j["policy"] = x.policy;
  j["seed"] = x.seed;
  j["run"] = x.run;
  j["step"] = x.step;
  j["year"] = x.year;
  j["agent"] = {{"id", x.id(x.agent)},
                {"name", x.names[x.agent]},
                {"index", x.agent},
                {"rule", to_string(x.rule)},
                {"gdp", x.gdp},
                {"potential_gdp", x.potential_gdp},
                {"military", x.military},
                {"power", x.power},
                {"growth", x.growth},
                {"regime", x.regime},
                {"weights",
                 {{"security", x.weights.security}, {"prosperity", x.weights.prosperity}, {"autonomy", x.weights.autonomy}}},
                {"appeasement", x.appeasement}};
  j["strategy"] = to_string(x.strategy);

  ordered_json threat;
  threat["main_threat"] = id(x.main_threat);
  threat["threat"] = x.threat;
  threat["threat_floor"] = x.threat_floor;
  threat["none_reason"] = x.main_threat >= 0 ? ordered_json(nullptr)
                          : x.threats.empty() ? ordered_json("no_partners")
                                              : ordered_json("below_floor");
  threat["partners"] = ordered_json::array();
  for (const ThreatRow& r : x.threats) {
    threat["partners"].push_back({{"partner", x.id(r.partner)},
                                  {"threat", r.threat},
                                  {"relative_power", r.terms.rel},
                                  {"power", r.power},
                                  {"partner_power", r.partner_power},
                                  {"proximity", r.terms.prox},
                                  {"border", r.border},
                                  {"distance_km", r.distance},
                                  {"geo", r.geo},
                                  {"reach", r.reach},
                                  {"hostility", r.terms.hostility},
                                  {"stance_term", r.terms.alignment},
                                  {"partner_alignment", r.partner_alignment},
                                  {"regime_term", r.terms.suspicion},
                                  {"regime_gap", r.regime_gap},
                                  {"grievance", r.terms.grievance},
                                  {"relief_term", r.terms.relief},
                                  {"security", r.security}});
  }
  j["threat"] = std::move(threat);

  ordered_json cw;
  cw["against"] = id(x.main_threat);
  cw["capacity"] = x.capacity;
  cw["partners"] = ordered_json::array();
  for (const CounterweightRow& c : x.counterweights) {
    cw["partners"].push_back(
        {{"partner", x.id(c.partner)},
         {"cw", c.cw},
         {"normalised", c.normalised},
         {"power_share", c.power_share},
         {"alignment_to_threat", c.alignment_to_threat ? ordered_json(*c.alignment_to_threat) : ordered_json(nullptr)},
         {"alignment_to_agent", c.alignment_to_agent},
         {"proximity", c.proximity}});
  }
  j["counterweights"] = std::move(cw);

  ordered_json decision;
  decision["strategy"] = to_string(x.strategy);
  decision["how"] = to_string(x.how);
  decision["rule"] = to_string(x.rule);
  decision["security"] = x.security;
  decision["weights"] = j["agent"]["weights"];
  if (x.table) {
    const standard::StrategyTable& tb = *x.table;
    decision["best"] = to_string(*x.best);
    decision["runner_up"] = to_string(*x.runner_up);
    decision["margin"] = x.margin;
    decision["inputs"] = {{"threat", tb.threat},
                          {"capacity", tb.capacity},
                          {"relative_power", tb.relh},
                          {"appeasement", x.appeasement},
                          {"reward_share", tb.q},
                          {"momentum", tb.mom},
                          {"exposed_dependence", tb.vh},
                          {"exposed_concentration", tb.exh}};
    ordered_json u;
    for (Strategy s : kStrategies) {
      const std::size_t k = index_of(s);
      u[std::string(to_string(s))] = {{"security", tb.security[k]},
                                      {"prosperity", tb.prosperity[k]},
                                      {"autonomy", tb.autonomy[k]},
                                      {"utility", tb.utility[k]}};
    }
    decision["utilities"] = std::move(u);
  } else {
    decision["best"] = nullptr;
    decision["runner_up"] = nullptr;
    decision["margin"] = nullptr;
    decision["inputs"] = nullptr;
    decision["utilities"] = nullptr;
  }
  decision["choice_temperature"] = x.temperature;
  if (x.how == ChoiceRule::kSampled) {
    decision["probabilities"] = {
        {"balance", x.probability[0]}, {"bandwagon", x.probability[1]}, {"hedge", x.probability[2]}};
    decision["draw"] = x.draw;
  } else {
    decision["probabilities"] = nullptr;
    decision["draw"] = nullptr;
  }
  j["decision"] = std::move(decision);

  ordered_json dep;
  dep["exposure"] = x.exposure;
  dep["concentration"] = x.concentration;
  dep["max_dependence"] = x.max_dependence;
  dep["autonomy"] = x.autonomy;
  dep["top_dependence"] = id(x.top_dependence);
  dep["total_trade"] = x.total_trade;
  dep["inbound_investment"] = x.inbound_investment;
  dep["inbound_aid"] = x.inbound_aid;
  dep["exposure_reference"] = x.exposure_reference;
  dep["partners"] = ordered_json::array();
  for (const DependenceRow& r : x.dependences) {
    dep["partners"].push_back({{"partner", x.id(r.partner)},
                               {"dependence", r.dependence},
                               {"trade_part", r.trade_part},
                               {"investment_part", r.investment_part},
                               {"aid_part", r.aid_part},
                               {"trade_share", r.trade_share},
                               {"investment_share", r.investment_share},
                               {"aid_share", r.aid_share},
                               {"trade", r.trade},
                               {"investment", r.investment},
                               {"aid", r.aid}});
  }
  j["dependence"] = std::move(dep);

  ordered_json al;
  al["adjustment"] = x.adjustment;
  al["commitment"] = x.commitment;
  al["anchoring"] = x.anchoring;
  al["noise_sd"] = x.noise_sd;
  al["partners"] = ordered_json::array();
  for (const AlignmentRow& r : x.alignments) {
    const standard::DispositionTerms& b = r.disposition;
    al["partners"].push_back({{"partner", x.id(r.partner)},
                              {"role", to_string(r.role)},
                              {"alignment", r.alignment},
                              {"new_alignment", r.next},
                              {"initial_alignment", r.initial},
                              {"reward", r.reward},
                              {"disposition", b.beta},
                              {"disposition_start", r.disposition0},
                              {"disposition_terms",
                               {{"reward", b.reward},
                                {"affinity", b.affinity},
                                {"values", b.values},
                                {"bloc", b.bloc},
                                {"influence", b.influence}}},
                              {"bloc_cohesion", b.cohesion},
                              {"anchored", r.anchored},
                              {"target", r.target},
                              {"push", r.push},
                              {"move", r.move},
                              {"noise", r.noise},
                              {"clamped", r.clamped}});
  }
  j["alignment"] = std::move(al);
  return j.dump(indent < 0 ? -1 : indent) + "\n";
}

}  // namespace geosim
