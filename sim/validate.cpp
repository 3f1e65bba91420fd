// The range table of SCENARIO-FORMAT.md (ranges.hpp) and check_values(): the
// same ranges applied to a built Scenario, after policy overlays or sweep
// patches have changed it.

#include <fmt/format.h>

#include <cmath>
#include <string>
#include <vector>

#include "geosim/load.hpp"
#include "ranges.hpp"

namespace geosim {
namespace detail {

bool in_range(double x, Range r) {
  switch (r) {
    case Range::kAnyFinite:
      return std::isfinite(x);
    case Range::kNonNegative:
      return x >= 0 && std::isfinite(x);
    case Range::kPositive:
      return x > 0 && std::isfinite(x);
    case Range::kUnit:
      return x >= 0 && x <= 1;
    case Range::kSignedUnit:
      return x >= -1 && x <= 1;
    case Range::kOpenUnit:
      return x > 0 && x <= 1;
  }
  return false;
}

std::string_view requirement(Range r) {
  switch (r) {
    case Range::kAnyFinite:
      return "must be a finite number";
    case Range::kNonNegative:
      return "must be >= 0";
    case Range::kPositive:
      return "must be > 0";
    case Range::kUnit:
      return "must be in [0, 1]";
    case Range::kSignedUnit:
      return "must be in [-1, 1]";
    case Range::kOpenUnit:
      return "must be in (0, 1]";
  }
  return "must be a finite number";
}

std::string range_message(std::string_view subject, Range r, std::string_view got) {
  return fmt::format("{} {}, got {}", subject, requirement(r), got);
}

std::string format_number(double x) { return fmt::format("{}", x); }

Range agent_attribute_range(AgentAttribute a) {
  switch (a) {
    case AgentAttribute::kGdp:
      return Range::kPositive;
    case AgentAttribute::kGrowth:
      return Range::kAnyFinite;
    case AgentAttribute::kMilitaryShare:
    case AgentAttribute::kRegime:
    case AgentAttribute::kReach:
    case AgentAttribute::kAppeasement:
    case AgentAttribute::kValues:
    case AgentAttribute::kCoercion:
      return Range::kUnit;
    case AgentAttribute::kInvestmentCap:
      return Range::kOpenUnit;
    case AgentAttribute::kMilitary:
    case AgentAttribute::kPopulation:
    case AgentAttribute::kWeightSecurity:
    case AgentAttribute::kWeightProsperity:
    case AgentAttribute::kWeightAutonomy:
    case AgentAttribute::kOutwardInvestment:
    case AgentAttribute::kCounterInfluence:
    case AgentAttribute::kAidResponsiveness:
    case AgentAttribute::kAidConditionality:
      return Range::kNonNegative;
  }
  return Range::kAnyFinite;
}

Range edge_attribute_range(EdgeAttribute a) {
  switch (a) {
    case EdgeAttribute::kAlignment:
      return Range::kSignedUnit;
    case EdgeAttribute::kSecurity:
    case EdgeAttribute::kAffinity:
      return Range::kUnit;
    case EdgeAttribute::kExports:
    case EdgeAttribute::kInvestment:
    case EdgeAttribute::kAid:
    case EdgeAttribute::kDistance:
      return Range::kNonNegative;
  }
  return Range::kAnyFinite;
}

Range parameter_range(std::string_view dotted_name) {
  if (dotted_name == "distance_decay_km" || dotted_name == "exposure_reference" ||
      dotted_name == "grievance_memory") {
    return Range::kPositive;
  }
  if (dotted_name == "momentum" || dotted_name == "trade_elasticity") return Range::kAnyFinite;
  if (parameter_field(Parameters{}, dotted_name) == nullptr) return Range::kAnyFinite;
  return Range::kNonNegative;
}

}  // namespace detail

namespace {

using detail::format_number;
using detail::in_range;
using detail::Range;
using detail::range_message;

/// Collects "PATH must be ..., got X" messages.
class Checker {
 public:
  void number(const std::string& path, double x, Range r) {
    if (!in_range(x, r)) messages_.push_back(range_message(path, r, format_number(x)));
  }
  void at_least(const std::string& path, long long x, long long min) {
    if (x < min) messages_.push_back(fmt::format("{} must be >= {}, got {}", path, min, x));
  }
  /// A step index within [0, steps): at, from_step, until_step.
  /// (With an invalid time.steps, reported on its own, only x >= 0 is checked.)
  void step(const std::string& path, int x, int steps) {
    if (steps >= 1 && (x < 0 || x >= steps)) {
      messages_.push_back(
          fmt::format("{} must be a step in [0, {}) (time.steps is {}), got {}", path, steps, steps, x));
    } else if (x < 0) {
      messages_.push_back(fmt::format("{} must be >= 0, got {}", path, x));
    }
  }
  void message(std::string m) { messages_.push_back(std::move(m)); }
  std::vector<std::string> take() { return std::move(messages_); }

 private:
  std::vector<std::string> messages_;
};

void check_events(Checker& c, const std::vector<Event>& events, int steps) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    const std::string path = fmt::format("events[{}]", i);
    if (e.timing.at) c.step(path + ".at", *e.timing.at, steps);
    if (e.timing.probability) c.number(path + ".probability", *e.timing.probability, detail::kProbabilityRange);
    if (!e.timing.at) {
      c.step(path + ".from_step", e.timing.from_step, steps);
      if (e.timing.until_step) c.step(path + ".until_step", *e.timing.until_step, steps);
    }
    if (const auto* s = std::get_if<SanctionEvent>(&e.action)) {
      c.number(path + ".intensity", s->intensity, detail::kIntensityRange);
      c.at_least(path + ".duration", s->duration, detail::kMinDuration);
    } else if (const auto* o = std::get_if<OffenseEvent>(&e.action)) {
      c.number(path + ".magnitude", o->magnitude, detail::kMagnitudeRange);
      c.at_least(path + ".duration", o->duration, detail::kMinDuration);
    } else if (const auto* ch = std::get_if<ChangeEvent>(&e.action)) {
      // A set lands in the attribute's range; a delta may be any finite number.
      const std::string key = path + (ch->is_shift ? ".delta" : ".value");
      if (ch->strategy) {
        // a strategy name: nothing numeric to check
      } else if (ch->is_shift) {
        c.number(key, ch->value, Range::kAnyFinite);
      } else if (ch->agent_attribute) {
        c.number(key, ch->value, detail::agent_attribute_range(*ch->agent_attribute));
      } else if (ch->edge_attribute) {
        c.number(key, ch->value, detail::edge_attribute_range(*ch->edge_attribute));
      }
    }
  }
}

}  // namespace

std::vector<std::string> check_values(const Scenario& s) {
  Checker c;
  c.at_least("time.steps", s.time.steps, detail::kMinSteps);
  c.number("time.dt", s.time.dt, detail::kDtRange);
  c.number("time.start", s.time.start, detail::kStartRange);

  for (std::string_view name : parameter_names()) {
    c.number(fmt::format("parameters.{}", name), *parameter_field(s.parameters, name),
             detail::parameter_range(name));
  }

  for (const AgentSpec& a : s.agents) {
    for (std::size_t i = 0; i < agent_attribute_names().size(); ++i) {
      const auto attr = static_cast<AgentAttribute>(i);
      // An agent holds military or military_share (or neither): check what it holds.
      if (attr == AgentAttribute::kMilitary && !a.military) continue;
      if (attr == AgentAttribute::kMilitaryShare && !a.military_share) continue;
      c.number(fmt::format("agents.{}.{}", a.id, to_string(attr)), get(a, attr),
               detail::agent_attribute_range(attr));
    }
  }

  for (const RelationSpec& r : s.relations) {
    const std::string base = "relations." + r.label();
    c.number(base + ".distance", r.distance, detail::edge_attribute_range(EdgeAttribute::kDistance));
    c.number(base + ".security", r.security, detail::edge_attribute_range(EdgeAttribute::kSecurity));
    c.number(base + ".affinity", r.affinity, detail::edge_attribute_range(EdgeAttribute::kAffinity));
    const std::pair<EdgeAttribute, const Directed*> directed[] = {
        {EdgeAttribute::kAlignment, &r.alignment},
        {EdgeAttribute::kExports, &r.exports},
        {EdgeAttribute::kInvestment, &r.investment},
        {EdgeAttribute::kAid, &r.aid},
    };
    for (const auto& [attr, d] : directed) {
      const Range range = detail::edge_attribute_range(attr);
      c.number(fmt::format("{}.{}.{}", base, to_string(attr), r.a), d->ab, range);
      c.number(fmt::format("{}.{}.{}", base, to_string(attr), r.b), d->ba, range);
    }
  }

  for (std::size_t i = 0; i < s.blocs.size(); ++i) {
    const Bloc& b = s.blocs[i];
    const std::string base = fmt::format("blocs[{}]", i);
    c.number(base + ".cohesion", b.cohesion, detail::kCohesionRange);
    c.at_least(base + ".from", b.from, 0);
    if (b.until < b.from) {
      c.message(fmt::format("{}.until must be >= from ({}), got {}", base, b.from, b.until));
    }
  }

  check_events(c, s.events, s.time.steps);
  return c.take();
}

}  // namespace geosim
