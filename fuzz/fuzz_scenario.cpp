// libFuzzer harness: arbitrary bytes as a scenario file, through the path a
// user's file takes before it runs (docs: fuzz/README.md).
//
//  1. load_scenario_from_string(), the entry point of `geosim validate` and of
//     every command that reads a scenario (cli::read_scenario()), with small
//     limits so that one input stays fast.
//  2. A rejected file must fail with ScenarioError only, and every
//     diagnostic must name the file and a sane line and column; the
//     rendered message must hold no control character but line breaks and
//     tabs, and no bidirectional control.
//  3. An accepted file must hold values in range (check_values()), and for
//     the baseline and each policy (at most kMaxPolicies): with_policy(),
//     compile() and two steps of simulate() with the record phase
//     (RunRecorder), as `geosim run --steps 2` does. A run may stop with
//     ModelError (docs/model.md, "When a run stops"), a documented outcome.
//  4. Its sweep, when small: the design's points, each patched in and range
//     checked, as `geosim sweep` does before it runs anything.
//  5. to_yaml() must give text that loads back to the same scenario (same
//     text again, same rows), as emit.hpp promises.
// Any other exception escapes and libFuzzer reports it as a crash: in the
// real program it would be an internal error (exit status 1).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "geosim/design.hpp"
#include "geosim/emit.hpp"
#include "geosim/engine.hpp"
#include "geosim/error.hpp"
#include "geosim/load.hpp"
#include "geosim/model.hpp"
#include "geosim/observe.hpp"
#include "geosim/scenario.hpp"

namespace {

constexpr std::size_t kMaxInput = 64 * 1024;  // bytes; larger inputs are not tried
constexpr std::size_t kMaxPolicies = 4;        // policies simulated per input
constexpr int kSteps = 2;                      // steps simulated per policy
constexpr std::uint64_t kMaxSweepRuns = 4096;  // points x replicates explored
constexpr std::size_t kMaxSweepPoints = 16;    // points patched in and checked

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_scenario: %s\n", what.c_str());
  std::abort();
}

geosim::Limits fuzz_limits() {
  geosim::Limits l;
  l.yaml_nodes = 20'000;
  l.agents = 64;
  l.relations = 256;
  return l;
}

void check_location(const geosim::SourceLoc& at, const std::string& file) {
  if (at.file != file) fail("a diagnostic names file '" + at.file + "'");
  if (at.line < 0 || at.column < 0) fail("a diagnostic has a negative line or column");
  if (at.line > 0 && at.column < 1) fail("a diagnostic with a line has no column");
}

void check_error(const geosim::ScenarioError& e, const std::string& file) {
  if (e.diagnostics().empty()) fail("ScenarioError without diagnostics");
  for (const geosim::Diagnostic& d : e.diagnostics()) {
    check_location(d.where, file);
    if (d.message.empty()) fail("a diagnostic without a message");
    if (d.also) {
      check_location(*d.also, file);
      if (d.also_note.empty()) fail("a second location without a note");
    }
  }
  // what() is every diagnostic rendered (render()), as `geosim validate`
  // prints them: whatever the file holds, the message must not carry a
  // control character other than line breaks and tabs, nor a bidirectional
  // control (error.hpp, printable()), which could rewrite a terminal.
  const std::string_view shown = e.what();
  if (shown.empty()) fail("ScenarioError with an empty message");
  for (std::size_t i = 0; i < shown.size(); ++i) {
    const auto c = static_cast<unsigned char>(shown[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) fail("a control character in a message:\n" + std::string(shown));
    const bool bidi = c == 0xE2 && i + 2 < shown.size() &&
                      ((shown[i + 1] == '\x80' && shown[i + 2] >= '\xAA' && shown[i + 2] <= '\xAE') ||
                       (shown[i + 1] == '\x81' && shown[i + 2] >= '\xA6' && shown[i + 2] <= '\xA9'));
    if (bidi) fail("a bidirectional control character in a message:\n" + std::string(shown));
  }
}

std::string rows(const geosim::Scenario& s, const std::string& policy) {
  geosim::Scenario effective = geosim::with_policy(s, policy);
  if (const auto problems = geosim::check_values(effective); !problems.empty()) {
    fail("policy " + policy + " of an accepted file is out of range: " + problems.front());
  }
  if (effective.time.steps > kSteps) effective.time.steps = kSteps;  // as `geosim run --steps 2`
  const geosim::Model model = geosim::compile(effective);
  geosim::RunRecorder recorder(model, 0);
  try {
    geosim::simulate(model, {effective.seed, 0}, [&](const geosim::StepView& v) { recorder.record(v); });
  } catch (const geosim::ModelError& e) {
    // A run that stops on a number outside the formulas' range (a negative
    // GDP, infinity: docs/model.md, "When a run stops") is a documented
    // outcome of an accepted file: `geosim run` says why and exits with
    // status 1. The reloaded file must stop at the same place.
    const std::string message = e.what();
    if (message.empty()) fail("a run stopped without a message");
    return recorder.agent_rows() + recorder.edge_rows() + "stopped: " + message;
  }
  std::string out = recorder.agent_rows() + recorder.edge_rows();
  for (const auto& o : recorder.outcomes()) out += o ? geosim::format_number(*o) + "," : ",";
  return out;
}

void check_sweep(const geosim::Scenario& s) {
  if (!s.sweep) return;
  const geosim::SweepSpec& spec = *s.sweep;
  std::uint64_t points = 1;
  if (spec.design == geosim::Design::kGrid) {
    for (const geosim::SweepDimension& d : spec.parameters) {
      points *= d.values.empty() ? 1 : d.values.size();
      if (points > kMaxSweepRuns) return;
    }
  } else {
    points = static_cast<std::uint64_t>(spec.samples);
  }
  if (points * static_cast<std::uint64_t>(spec.replicates) > kMaxSweepRuns) return;
  std::vector<geosim::DesignPoint> design;
  try {
    design = geosim::design_points(spec, s.seed);
  } catch (const geosim::UsageError& e) {
    // design_points() throws only for what the loader would have rejected.
    fail(std::string("the sweep of an accepted file has no design: ") + e.what());
  }
  for (std::size_t p = 0; p < design.size() && p < kMaxSweepPoints; ++p) {
    geosim::Scenario point = s;
    for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
      const std::string error = geosim::apply_patch(point, spec.parameters[k].path, design[p].values[k]);
      if (!error.empty()) fail("a sweep path of an accepted file does not apply: " + error);
    }
    (void)geosim::check_values(point);  // may find values out of range: sweep reports those (exit 2)
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static geosim::ThreadLimit one_thread(1);  // deterministic and fast: no thread pool per input
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return -1;  // not added to the corpus
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string file = "fuzz.yaml";
  geosim::Scenario s;
  try {
    s = geosim::load_scenario_from_string(text, file, fuzz_limits());
  } catch (const geosim::ScenarioError& e) {
    check_error(e, file);
    return 0;
  }
  if (const auto problems = geosim::check_values(s); !problems.empty()) {
    fail("an accepted file is out of range: " + problems.front());
  }

  std::vector<std::string> policies = {"baseline"};
  for (const geosim::Policy& p : s.policies) {
    if (policies.size() > kMaxPolicies) break;
    policies.push_back(p.name);
  }
  std::vector<std::string> original_rows;
  for (const std::string& p : policies) original_rows.push_back(rows(s, p));

  check_sweep(s);

  const std::string emitted = geosim::to_yaml(s);
  geosim::Scenario back;
  try {
    back = geosim::load_scenario_from_string(emitted, "emitted.yaml");
  } catch (const geosim::ScenarioError& e) {
    fail(std::string("to_yaml() wrote a file that does not load:\n") + e.what() + "\n--- emitted:\n" + emitted);
  }
  if (geosim::to_yaml(back) != emitted) fail("to_yaml() of the reloaded scenario differs:\n" + emitted);
  for (std::size_t i = 0; i < policies.size(); ++i) {
    if (rows(back, policies[i]) != original_rows[i]) fail("the reloaded scenario runs differently: " + policies[i]);
  }
  return 0;
}
