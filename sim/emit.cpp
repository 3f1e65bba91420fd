#include "geosim/emit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <variant>
#include <vector>

#include "geosim/observe.hpp"

namespace geosim {
namespace {

std::string num(double x) { return format_number(x); }

// A YAML double-quoted string (names and descriptions may hold anything).
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\x{:02X}", static_cast<unsigned char>(c));
        else out += c;
    }
  }
  return out + "\"";
}

std::string directed(const RelationSpec& r, const Directed& d) {
  return fmt::format("{{{}: {}, {}: {}}}", r.a, num(d.ab), r.b, num(d.ba));
}

void write_timing(std::string& out, const Timing& t) {
  if (t.at) out += fmt::format("at: {}, ", *t.at);
  if (t.probability) out += fmt::format("probability: {}, ", num(*t.probability));
  if (!t.at && t.probability) {
    out += fmt::format("from_step: {}, ", t.from_step);
    if (t.until_step) out += fmt::format("until_step: {}, ", *t.until_step);
  }
}

void write_events(std::string& out, const std::vector<Event>& events, const std::string& indent) {
  for (const Event& ev : events) {
    out += indent + "- {";
    write_timing(out, ev.timing);
    std::visit(
        [&](const auto& a) {
          using T = std::decay_t<decltype(a)>;
          if constexpr (std::is_same_v<T, SanctionEvent>) {
            out += fmt::format("type: sanction, from: {}, to: {}, intensity: {}, duration: {}", a.from, a.to,
                               num(a.intensity), a.duration);
          } else if constexpr (std::is_same_v<T, OffenseEvent>) {
            out += fmt::format("type: offense, by: {}, against: {}, magnitude: {}, duration: {}", a.by, a.against,
                               num(a.magnitude), a.duration);
          } else {
            out += a.is_shift ? "type: shift, " : "type: set, ";
            if (const auto* t = std::get_if<AgentTarget>(&a.target)) {
              out += fmt::format("target: {{agent: {}}}, ", t->agent);
            } else {
              const auto& e = std::get<EdgeTarget>(a.target);
              out += fmt::format("target: {{edge: [{}, {}]}}, ", e.a, e.b);
              if (a.edge_attribute && is_directed(*a.edge_attribute) && !e.from.empty()) {
                out += fmt::format("from: {}, ", e.from);
              }
            }
            if (a.strategy) {
              out += fmt::format("attribute: strategy, value: {}", to_string(*a.strategy));
            } else {
              const std::string_view attr = a.agent_attribute ? to_string(*a.agent_attribute) : to_string(*a.edge_attribute);
              out += fmt::format("attribute: {}, {}: {}", attr, a.is_shift ? "delta" : "value", num(a.value));
            }
          }
        },
        ev.action);
    out += "}\n";
  }
}

void write_blocs(std::string& out, const std::vector<Bloc>& blocs, const std::string& indent) {
  for (const Bloc& b : blocs) {
    out += fmt::format("{}- {{name: {}, members: [{}], cohesion: {}, from: {}", indent, quoted(b.name),
                       fmt::join(b.members, ", "), num(b.cohesion), b.from);
    if (b.until != std::numeric_limits<int>::max()) out += fmt::format(", until: {}", b.until);
    out += "}\n";
  }
}

void write_agent_fields(std::string& out, const AgentSpec& a, const std::string& indent) {
  out += fmt::format("{}gdp: {}\n", indent, num(a.gdp));
  if (a.military) out += fmt::format("{}military: {}\n", indent, num(*a.military));
  if (a.military_share) out += fmt::format("{}military_share: {}\n", indent, num(*a.military_share));
  for (AgentAttribute attr : {AgentAttribute::kPopulation, AgentAttribute::kGrowth, AgentAttribute::kRegime,
                              AgentAttribute::kReach, AgentAttribute::kAppeasement, AgentAttribute::kValues,
                              AgentAttribute::kOutwardInvestment, AgentAttribute::kCounterInfluence,
                              AgentAttribute::kCoercion, AgentAttribute::kInvestmentCap,
                              AgentAttribute::kAidResponsiveness, AgentAttribute::kAidConditionality}) {
    out += fmt::format("{}{}: {}\n", indent, to_string(attr), num(get(a, attr)));
  }
  out += fmt::format("{}strategy: {}\n", indent, to_string(a.strategy));
  out += fmt::format("{}weights: {{security: {}, prosperity: {}, autonomy: {}}}\n", indent, num(a.weights.security),
                     num(a.weights.prosperity), num(a.weights.autonomy));
}

// Writes dotted leaves ("a.b" -> v, "c" -> v) as a nested flow mapping body,
// grouping leaves that share a first part: "a: {b: v, d: w}, c: v".
std::string nested(const std::vector<std::pair<std::string, std::string>>& leaves) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const auto& [name, value] : leaves) {
    const auto dot = name.find('.');
    const std::string head = dot == std::string::npos ? name : name.substr(0, dot);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == head; });
    if (it == groups.end()) {
      groups.emplace_back(head, std::vector<std::string>{});
      it = groups.end() - 1;
    }
    it->second.push_back(dot == std::string::npos ? value : name.substr(dot + 1) + ": " + value);
  }
  std::vector<std::string> parts;
  for (const auto& [head, items] : groups) {
    const bool leaf = items.size() == 1 && items[0].find(": ") == std::string::npos;
    parts.push_back(leaf ? head + ": " + items[0] : fmt::format("{}: {{{}}}", head, fmt::join(items, ", ")));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

std::string to_yaml(const Scenario& s) {
  std::string out;
  out += fmt::format("geosim: {}\nname: {}\n", s.format, quoted(s.name));
  if (!s.description.empty()) out += fmt::format("description: {}\n", quoted(s.description));
  out += fmt::format("time: {{start: {}, steps: {}, dt: {}}}\n", num(s.time.start), s.time.steps, num(s.time.dt));
  out += fmt::format("seed: {}\n", s.seed);

  const Parameters defaults;
  std::vector<std::pair<std::string, std::string>> params;
  for (std::string_view name : parameter_names()) {
    const double v = *parameter_field(s.parameters, name);
    if (v != *parameter_field(defaults, name)) params.emplace_back(std::string(name), num(v));
  }
  if (!params.empty()) out += fmt::format("parameters: {{{}}}\n", nested(params));

  out += "agents:\n";
  for (const AgentSpec& a : s.agents) {
    out += fmt::format("  - id: {}\n    name: {}\n", a.id, quoted(a.name));
    write_agent_fields(out, a, "    ");
  }
  if (!s.relations.empty()) out += "relations:\n";
  for (const RelationSpec& r : s.relations) {
    out += fmt::format("  - between: [{}, {}]\n", r.a, r.b);
    out += fmt::format("    border: {}\n    distance: {}\n", r.border ? "true" : "false", num(r.distance));
    out += fmt::format("    alignment: {}\n    exports: {}\n", directed(r, r.alignment), directed(r, r.exports));
    out += fmt::format("    investment: {}\n    aid: {}\n", directed(r, r.investment), directed(r, r.aid));
    out += fmt::format("    security: {}\n    affinity: {}\n", num(r.security), num(r.affinity));
  }
  if (!s.blocs.empty()) {
    out += "blocs:\n";
    write_blocs(out, s.blocs, "  ");
  }
  if (!s.events.empty()) {
    out += "events:\n";
    write_events(out, s.events, "  ");
  }
  if (!s.policies.empty()) {
    out += "policies:\n";
    for (const Policy& p : s.policies) {
      out += fmt::format("  {}:\n    description: {}\n", p.name, quoted(p.description));
      if (!p.parameters.empty()) {
        std::vector<std::pair<std::string, std::string>> leaves;
        for (const ParameterPatch& pp : p.parameters) leaves.emplace_back(pp.name, num(pp.value));
        out += fmt::format("    parameters: {{{}}}\n", nested(leaves));
      }
      if (!p.agents.empty()) {
        std::vector<std::string> ids;  // agents in first-patch order
        for (const AgentPatch& ap : p.agents) {
          if (std::find(ids.begin(), ids.end(), ap.agent) == ids.end()) ids.push_back(ap.agent);
        }
        out += "    agents:\n";
        for (const std::string& id : ids) {
          std::vector<std::pair<std::string, std::string>> leaves;
          for (const AgentPatch& ap : p.agents) {
            if (ap.agent != id) continue;
            if (ap.strategy) leaves.emplace_back("strategy", std::string(to_string(*ap.strategy)));
            if (ap.attribute) leaves.emplace_back(std::string(to_string(*ap.attribute)), num(ap.value));
          }
          out += fmt::format("      {}: {{{}}}\n", id, nested(leaves));
        }
      }
      if (!p.events.empty()) {
        out += "    events:\n";
        write_events(out, p.events, "      ");
      }
      if (!p.blocs.empty()) {
        out += "    blocs:\n";
        write_blocs(out, p.blocs, "      ");
      }
    }
  }
  out += "outcomes:\n";
  for (const OutcomeSpec& o : s.outcomes) {
    const std::string of = o.is_edge ? fmt::format("edge: [{}, {}]", o.source, o.target) : "agent: " + o.agent;
    out += fmt::format("  {}: {{{}, metric: {}, aggregate: {}{}}}\n", o.name, of, o.metric, to_string(o.aggregate),
                       o.higher_is_better ? "" : ", better: lower");
  }
  if (s.sweep) {
    out += fmt::format("sweep:\n  design: {}\n  samples: {}\n  replicates: {}\n  parameters:\n",
                       to_string(s.sweep->design), s.sweep->samples, s.sweep->replicates);
    for (const SweepDimension& d : s.sweep->parameters) {
      if (!d.values.empty()) {
        std::vector<std::string> vs;
        for (double v : d.values) vs.push_back(num(v));
        out += fmt::format("    {}: {{values: [{}]}}\n", d.path, fmt::join(vs, ", "));
      } else {
        out += fmt::format("    {}: {{min: {}, max: {}}}\n", d.path, num(d.min.value_or(0)), num(d.max.value_or(0)));
      }
    }
  }
  if (!s.observed.empty()) {
    out += "observed:\n";
    for (const Observation& o : s.observed) {
      const std::string of = o.is_edge ? fmt::format("edge: [{}, {}]", o.source, o.target) : "agent: " + o.agent;
      out += fmt::format("  - {{year: {}, {}, metric: {}, value: {}, source: {}}}\n", num(o.year), of, o.metric,
                         num(o.value), quoted(o.citation));
    }
  }
  return out;
}

}  // namespace geosim
