// `geosim graph` and network.hpp: the encodings (sizes, colours, widths),
// the DOT text of the triad checked by hand, the edge filter, run folder vs
// scenario source, determinism, the rendered SVG and PNG, and the errors.
#include "geosim/network.hpp"

#include <cmath>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "geosim/error.hpp"
#include "geosim/load.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using geosim::test::CommandResult;
using geosim::test::run_geosim;
using geosim::test::shell_quote;
using geosim::test::entries;

namespace {

std::string scenario_path(const std::string& name) { return std::string(GEOSIM_SOURCE_DIR) + "/scenarios/" + name; }
std::string scenario_arg(const std::string& name) { return shell_quote(scenario_path(name)); }

struct DotNode {
  double width = 0;
  std::string fill;
};
struct DotEdge {
  int red = 0, green = 0, blue = 0;
  double penwidth = 0;
  bool dashed = false;
  std::string dir;  // "" = none
};
struct Dot {
  std::map<std::string, DotNode> nodes;
  std::map<std::pair<std::string, std::string>, DotEdge> edges;  // as written: "A" -- "B"
};

// Reads the node and edge lines network_dot() writes.
Dot parse_dot(const std::string& text) {
  static const std::regex node_re(R"re(^  "([A-Za-z0-9_-]+)" \[width=([0-9.]+), height=([0-9.]+), fillcolor="(#[0-9a-f]{6})")re");
  static const std::regex edge_re(
      R"re(^  "([A-Za-z0-9_-]+)" -- "([A-Za-z0-9_-]+)" \[color="#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})", penwidth=([0-9.]+)(, style=dashed)?(, dir=(forward|back|both))?, tooltip=)re");
  Dot dot;
  std::istringstream in(text);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, edge_re)) {
      DotEdge e;
      e.red = std::stoi(m[3].str(), nullptr, 16);
      e.green = std::stoi(m[4].str(), nullptr, 16);
      e.blue = std::stoi(m[5].str(), nullptr, 16);
      e.penwidth = std::stod(m[6].str());
      e.dashed = m[7].matched;
      e.dir = m[9].matched ? m[9].str() : "";
      dot.edges[{m[1].str(), m[2].str()}] = e;
    } else if (std::regex_search(line, m, node_re)) {
      REQUIRE(m[2].str() == m[3].str());  // circles
      dot.nodes[m[1].str()] = DotNode{std::stod(m[2].str()), m[4].str()};
    }
  }
  return dot;
}

// A small XML well-formedness check: every tag closed in order, quoted
// attributes, comments, declarations and entities as XML writes them.
bool well_formed_xml(const std::string& s, std::string& why) {
  std::vector<std::string> open;
  std::size_t i = 0;
  bool root_seen = false;
  while (i < s.size()) {
    if (s[i] == '&') {
      const std::size_t semi = s.find(';', i);
      if (semi == std::string::npos || semi - i > 10) return why = "bad entity at " + std::to_string(i), false;
      i = semi + 1;
      continue;
    }
    if (s[i] != '<') {
      ++i;
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      const std::size_t end = s.find("-->", i);
      if (end == std::string::npos) return why = "open comment", false;
      i = end + 3;
    } else if (s.compare(i, 2, "<?") == 0 || s.compare(i, 2, "<!") == 0) {
      const std::size_t end = s.find('>', i);
      if (end == std::string::npos) return why = "open declaration", false;
      i = end + 1;
    } else if (s.compare(i, 2, "</") == 0) {
      const std::size_t end = s.find('>', i);
      if (end == std::string::npos) return why = "open end tag", false;
      const std::string name = s.substr(i + 2, end - i - 2);
      if (open.empty() || open.back() != name) return why = "unexpected </" + name + ">", false;
      open.pop_back();
      i = end + 1;
    } else {
      std::size_t j = i + 1;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == ':' || s[j] == '-' || s[j] == '_')) ++j;
      const std::string name = s.substr(i + 1, j - i - 1);
      if (name.empty()) return why = "bad tag at " + std::to_string(i), false;
      if (open.empty() && root_seen) return why = "two root elements", false;
      root_seen = true;
      // attributes: name="value"
      while (j < s.size() && s[j] != '>' && s[j] != '/') {
        if (s[j] == '"' || s[j] == '\'') {
          const std::size_t close = s.find(s[j], j + 1);
          if (close == std::string::npos) return why = "open attribute", false;
          const std::string value = s.substr(j + 1, close - j - 1);
          if (value.find('<') != std::string::npos) return why = "'<' in an attribute", false;
          j = close + 1;
        } else {
          ++j;
        }
      }
      if (j >= s.size()) return why = "open tag " + name, false;
      if (s[j] == '/') {
        if (j + 1 >= s.size() || s[j + 1] != '>') return why = "bad empty tag " + name, false;
        i = j + 2;
      } else {
        open.push_back(name);
        i = j + 1;
      }
    }
  }
  if (!open.empty()) return why = "unclosed <" + open.back() + ">", false;
  if (!root_seen) return why = "no element", false;
  return true;
}

}  // namespace

TEST_CASE("graph: node sizes, alignment colours and trade widths", "[graph]") {
  using namespace geosim;
  // Area proportional to the power share: diameter ∝ √P, with a floor.
  CHECK(node_diameter(1.0) == Approx(kNodeScale));
  CHECK(node_diameter(0.25) == Approx(kNodeScale / 2));
  CHECK(node_diameter(0.0) == kMinNodeDiameter);
  CHECK(node_diameter(0.001) == kMinNodeDiameter);
  CHECK(node_diameter(0.5) > node_diameter(0.4));

  CHECK(alignment_colour(-1) == "#b2182b");
  CHECK(alignment_colour(0) == "#d0d0d0");
  CHECK(alignment_colour(1) == "#2166ac");
  CHECK(alignment_colour(-3) == "#b2182b");  // clamped
  CHECK(alignment_colour(2) == "#2166ac");
  CHECK(alignment_colour(-0.5) == "#ef8a62");
  CHECK(alignment_colour(0.5) == "#67a9cf");
  for (double a = -1; a <= 1.0001; a += 0.05) {
    const std::string c = alignment_colour(a);
    const int r = std::stoi(c.substr(1, 2), nullptr, 16), b = std::stoi(c.substr(5, 2), nullptr, 16);
    INFO(a << " " << c);
    if (a < -0.01) CHECK(r > b);
    if (a > 0.01) CHECK(b > r);
  }

  CHECK(trade_pen_width(0) == Approx(0.6));
  double last = trade_pen_width(0);
  for (double t : {0.01, 0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0}) {
    CHECK(trade_pen_width(t) > last);
    last = trade_pen_width(t);
  }
  CHECK(trade_pen_width(-1) == Approx(0.6));

  CHECK(strategy_colour(Strategy::kBalance) != strategy_colour(Strategy::kBandwagon));
  CHECK(strategy_colour(Strategy::kBandwagon) != strategy_colour(Strategy::kHedge));
  CHECK(strategy_colour(Strategy::kBalance) != strategy_colour(Strategy::kHedge));
}

TEST_CASE("graph: --step is a number, first or last, within the run", "[graph]") {
  using geosim::StepChoice;
  CHECK(StepChoice::parse("0").resolve(20, 2020, 1) == 0);
  CHECK(StepChoice::parse("19").resolve(20, 2020, 1) == 19);
  CHECK(StepChoice::parse("first").resolve(20, 2020, 1) == 0);
  CHECK(StepChoice::parse("last").resolve(20, 2020, 1) == 19);
  CHECK_THROWS_AS(StepChoice::parse("20").resolve(20, 2020, 1), geosim::UsageError);
  CHECK_THROWS_WITH(StepChoice::parse("20").resolve(20, 2020, 1), Catch::Contains("steps 0 to 19 (years 2020 to 2039)"));
  for (const char* bad : {"", "-1", "x", "1.5", "3x", "Last"}) {
    INFO(bad);
    CHECK_THROWS_AS(StepChoice::parse(bad), geosim::UsageError);
  }
}

TEST_CASE("graph: the DOT of the triad, checked by hand", "[graph]") {
  using namespace geosim;
  const Scenario triad = load_scenario(scenario_path("triad.yaml"));

  // Step 0, the hand check at the end of triad.yaml: P_FAR = 0.527,
  // P_GNT = 0.401, P_BER = 0.070, P_SML = 0.00149, so diameters 2.6·√P:
  // 1.887, 1.647, 0.688 and the floor 0.14 for SML (2.6·√0.00149 = 0.100).
  const Dot d0 = parse_dot(network_dot(network_from_scenario(triad, "baseline", std::nullopt, 0, StepChoice::parse("0"))));
  REQUIRE(d0.nodes.size() == 4);
  CHECK(d0.nodes.at("FAR").width == Approx(1.887).margin(0.003));
  CHECK(d0.nodes.at("GNT").width == Approx(1.647).margin(0.003));
  CHECK(d0.nodes.at("BER").width == Approx(0.688).margin(0.003));
  CHECK(d0.nodes.at("SML").width == Approx(0.140));
  // SML hedges (its utilities in the file); BER always balances.
  CHECK(d0.nodes.at("SML").fill == strategy_colour(Strategy::kHedge));
  CHECK(d0.nodes.at("BER").fill == strategy_colour(Strategy::kBalance));
  // GNT is SML's main threat: the arrowhead points at GNT.
  CHECK(d0.edges.at({"SML", "GNT"}).dir == "forward");
  CHECK_FALSE(d0.edges.at({"SML", "GNT"}).dashed);  // no sanction yet

  // Step 3: SML offended GNT, which sanctions it (0.3) at steps 3 and 4.
  // Compare every drawn value with the run's own tables.
  geosim::test::ScratchDir scratch;
  const fs::path run = scratch.dir / "triad";
  REQUIRE(run_geosim("run " + scenario_arg("triad.yaml") + " -q --out " + shell_quote(run.string())).status == 0);
  const std::string dot_text =
      network_dot(network_from_scenario(triad, "baseline", std::nullopt, 0, StepChoice::parse("3")));
  const Dot d = parse_dot(dot_text);
  CHECK_THAT(dot_text, Catch::Contains("Triad tutorial"));
  CHECK_THAT(dot_text, Catch::Contains("policy baseline · run 0 · seed 7 · step 3 · year 2023"));

  const geosim::test::Csv agents = geosim::test::parse_csv(geosim::test::read_file(run / "agents.csv"));
  std::map<std::string, double> power;
  std::map<std::string, std::string> strategy;
  for (const auto& r : agents.rows) {
    if (r[agents.column("step")] != "3") continue;
    power[r[agents.column("agent")]] = std::stod(r[agents.column("power")]);
    strategy[r[agents.column("agent")]] = r[agents.column("strategy")];
  }
  REQUIRE(power.size() == 4);
  REQUIRE(d.nodes.size() == 4);
  for (const auto& [a, pa] : power) {
    const Strategy st = strategy[a] == "balance"     ? Strategy::kBalance
                        : strategy[a] == "bandwagon" ? Strategy::kBandwagon
                                                     : Strategy::kHedge;
    CHECK(d.nodes.at(a).fill == strategy_colour(st));
    for (const auto& [b, pb] : power) {
      INFO(a << " " << pa << " vs " << b << " " << pb);
      // Sizes are ordered as the power shares (ties only at the floor).
      if (pa > pb && d.nodes.at(b).width > kMinNodeDiameter) CHECK(d.nodes.at(a).width > d.nodes.at(b).width);
    }
  }

  const geosim::test::Csv edges = geosim::test::parse_csv(geosim::test::read_file(run / "edges.csv"));
  struct Pair {
    double alignment = 0, trade = 0, sanction = 0;
  };
  std::map<std::set<std::string>, Pair> pairs;
  for (const auto& r : edges.rows) {
    if (r[edges.column("step")] != "3") continue;
    Pair& p = pairs[{r[edges.column("source")], r[edges.column("target")]}];
    p.alignment += std::stod(r[edges.column("alignment")]) / 2;
    p.trade += std::stod(r[edges.column("exports")]);
    p.sanction = std::max(p.sanction, std::stod(r[edges.column("sanction")]));
  }
  REQUIRE(pairs.size() == 6);
  REQUIRE(d.edges.size() == 6);  // one line per unordered pair
  std::vector<std::pair<double, double>> trade_width;
  for (const auto& [names, e] : d.edges) {
    const Pair& p = pairs.at({names.first, names.second});
    INFO(names.first << "-" << names.second << " alignment " << p.alignment << " trade " << p.trade);
    // Colour sign = alignment sign: red dominates when hostile, blue when aligned.
    if (p.alignment < 0) CHECK(e.red > e.blue);
    if (p.alignment > 0) CHECK(e.blue > e.red);
    CHECK(e.dashed == (p.sanction > 0));
    CHECK(e.penwidth == Approx(trade_pen_width(p.trade)).margin(0.0006));
    trade_width.emplace_back(p.trade, e.penwidth);
  }
  std::sort(trade_width.begin(), trade_width.end());
  for (std::size_t k = 1; k < trade_width.size(); ++k) CHECK(trade_width[k].second > trade_width[k - 1].second);
  // By hand: GNT and FAR are rivals (alignment about -0.35) and each other's
  // main threat; only the GNT sanction on SML is in force.
  CHECK(d.edges.at({"GNT", "FAR"}).red > d.edges.at({"GNT", "FAR"}).blue);
  CHECK(d.edges.at({"GNT", "FAR"}).dir == "both");
  CHECK(d.edges.at({"SML", "GNT"}).dashed);
  CHECK(d.edges.at({"SML", "GNT"}).dir == "forward");
  CHECK_FALSE(d.edges.at({"BER", "FAR"}).dashed);
}

TEST_CASE("graph: text from the scenario cannot add DOT statements", "[graph][security]") {
  using namespace geosim;
  // A scenario's name, a node id and a tooltip are the only free text in the
  // DOT. A newline in the name must not end the leading comment, a quote must
  // not end a string, and nothing may become an attribute such as image=,
  // with which Graphviz would read a file the user never named.
  NetworkPicture p;
  p.scenario = "Evil\nzz [image=\"/etc/hostname\"];\r\n// \x1b[31m";
  p.policy = "base\nline";
  p.nodes.push_back(NetworkNode{"A\"] x [image=\"/etc/hostname", 0.5, Strategy::kHedge, {}});
  p.nodes.push_back(NetworkNode{"B", 0.5, Strategy::kBalance, {}});
  NetworkEdge e;
  e.a = 0;
  e.b = 1;
  p.edges = {e};
  p.related_pairs = 1;
  const std::string dot = network_dot(p);
  std::istringstream lines(dot);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    INFO("line " << n << ": " << line);
    // Every line is a comment, the graph's braces, or a statement geosim writes.
    CHECK((line.rfind("//", 0) == 0 || line.rfind("graph geosim {", 0) == 0 || line.rfind("  ", 0) == 0 ||
           line == "}"));
    for (char c : line) CHECK((static_cast<unsigned char>(c) >= 0x20 || c == '\t'));
  }
  CHECK(dot.rfind("// geosim graph: Evil zz [image=", 0) == 0);  // still in the comment line
  // Outside comments, quoted strings and HTML-like labels <...>, no text of the
  // scenario's remains: image= never appears as an attribute.
  std::istringstream again(dot);
  while (std::getline(again, line)) {
    if (line.rfind("//", 0) == 0) continue;
    std::string code;
    int angle = 0;
    bool quoted = false;
    for (std::size_t k = 0; k < line.size(); ++k) {
      const char c = line[k];
      if (quoted) {
        if (c == '\\') ++k;
        else if (c == '"') quoted = false;
      } else if (angle > 0) {
        angle += c == '<' ? 1 : c == '>' ? -1 : 0;
      } else if (c == '"') {
        quoted = true;
      } else if (c == '<') {
        angle = 1;
      } else {
        code += c;
      }
    }
    INFO(line);
    CHECK(code.find("image") == std::string::npos);
    CHECK(!quoted);
    CHECK(angle == 0);
  }
}

TEST_CASE("graph: the edge filter keeps the most trade and every main threat", "[graph]") {
  using namespace geosim;
  NetworkPicture p;
  for (const char* id : {"A", "B", "C", "D"}) p.nodes.push_back(NetworkNode{id, 0.25, Strategy::kHedge, {}});
  p.nodes[3].main_threat = 0;  // D fears A
  const auto pair = [](std::size_t a, std::size_t b, double trade) {
    NetworkEdge e;
    e.a = a;
    e.b = b;
    e.exports_ab = trade / 4;
    e.exports_ba = 3 * trade / 4;
    return e;
  };
  p.edges = {pair(0, 1, 5), pair(0, 2, 7), pair(0, 3, 0.1), pair(1, 2, 7), pair(1, 3, 1), pair(2, 3, 2)};
  p.related_pairs = p.edges.size();

  NetworkPicture all = p;
  CHECK(limit_edges(all, 0) == 0);
  CHECK(all.edges.size() == 6);
  CHECK(limit_edges(all, 6) == 0);

  NetworkPicture two = p;
  CHECK(limit_edges(two, 2) == 3);  // A-C and B-C (7 each), plus A-D (D's main threat)
  REQUIRE(two.edges.size() == 3);
  CHECK((two.edges[0].a == 0 && two.edges[0].b == 2));
  CHECK((two.edges[1].a == 0 && two.edges[1].b == 3));
  CHECK((two.edges[2].a == 1 && two.edges[2].b == 2));
  CHECK(two.left_out() == 3);
  CHECK_THAT(network_dot(two), Catch::Contains("3 of 6 related pairs drawn"));

  NetworkPicture one = p;  // a tie at 7: the first pair in (a, b) order wins
  CHECK(limit_edges(one, 1) == 4);
  REQUIRE(one.edges.size() == 2);
  CHECK((one.edges[0].a == 0 && one.edges[0].b == 2));
  CHECK((one.edges[1].a == 0 && one.edges[1].b == 3));
}

TEST_CASE("graph: a run folder and its scenario give the same DOT", "[graph]") {
  geosim::test::ScratchDir scratch;
  const fs::path run = scratch.dir / "triad";
  REQUIRE(run_geosim("run " + scenario_arg("triad.yaml") + " --runs 3 --seed 11 --policy giant_pressure -q --out " +
                     shell_quote(run.string()))
              .status == 0);
  for (const char* step : {"first", "7", "last"}) {
    for (const char* r : {"0", "2"}) {
      INFO("step " << step << " run " << r);
      const CommandResult from_folder =
          run_geosim("graph " + shell_quote(run.string()) + " --format dot --step " + step + " --run " + r);
      const CommandResult from_scenario = run_geosim("graph " + scenario_arg("triad.yaml") +
                                                     " --policy giant_pressure --seed 11 --format dot --step " + step +
                                                     " --run " + r);
      REQUIRE(from_folder.status == 0);
      REQUIRE(from_scenario.status == 0);
      CHECK(from_folder.out == from_scenario.out);
      CHECK_THAT(from_folder.out, Catch::Contains("policy giant_pressure · run " + std::string(r) + " · seed 11"));
    }
  }
  // The library gives the same pictures.
  using namespace geosim;
  const Scenario triad = load_scenario(scenario_path("triad.yaml"));
  CHECK(network_dot(network_from_run_folder(run, 1, StepChoice::parse("12"))) ==
        network_dot(network_from_scenario(triad, "giant_pressure", 11, 1, StepChoice::parse("12"))));
  // The folder's policy and seed may be repeated, not changed.
  CHECK(run_geosim("graph " + shell_quote(run.string()) + " --step 1 --policy giant_pressure --seed 11").status == 0);
  const CommandResult other = run_geosim("graph " + shell_quote(run.string()) + " --step 1 --policy open_market");
  CHECK(other.status == 2);
  CHECK_THAT(other.err, Catch::Contains("holds runs of policy 'giant_pressure'"));
}

TEST_CASE("graph: the same bytes twice and for any thread count", "[graph]") {
  geosim::test::ScratchDir scratch;
  for (const char* format : {"dot", "svg", "png"}) {
    std::string first;
    for (const char* threads : {"1", "3", "0"}) {
      const fs::path out = scratch.dir / (std::string("g") + threads + "." + format);
      const CommandResult r = run_geosim("graph " + scenario_arg("mongolia_2019.yaml") + " --step 6 --threads " +
                                         threads + " --out " + shell_quote(out.string()));
      INFO(format << " threads " << threads << "\n" << r.err);
      REQUIRE(r.status == 0);
      const std::string bytes = geosim::test::read_file(out);
      CHECK(!bytes.empty());
      if (first.empty()) {
        first = bytes;
      } else {
        CHECK(bytes == first);
      }
    }
  }
  // Standard output holds the same bytes as --out.
  const CommandResult svg = run_geosim("graph " + scenario_arg("mongolia_2019.yaml") + " --step 6 --format svg");
  REQUIRE(svg.status == 0);
  CHECK(svg.out == geosim::test::read_file(scratch.dir / "g1.svg"));
  CHECK(svg.err.empty());
}

TEST_CASE("graph: svg is well-formed, self-contained XML naming every agent", "[graph]") {
  const CommandResult r = run_geosim("graph " + scenario_arg("mongolia_2019.yaml") + " --step last --format svg");
  REQUIRE(r.status == 0);
  std::string why;
  CHECK(well_formed_xml(r.out, why));
  INFO(why);
  CHECK_THAT(r.out, Catch::Contains("<svg"));
  CHECK_THAT(r.out, Catch::EndsWith("</svg>\n"));
  CHECK_THAT(r.out, Catch::Contains("Mongolia between giants, 2019"));
  const geosim::Scenario s = geosim::load_scenario(scenario_path("mongolia_2019.yaml"));
  REQUIRE(s.agents.size() == 11);
  for (const auto& a : s.agents) {
    INFO(a.id);
    CHECK_THAT(r.out, Catch::Contains(">" + a.id + "</text>"));
  }
  // Nothing to fetch: no images, no external fonts or style sheets.
  CHECK_THAT(r.out, !Catch::Contains("<image"));
  CHECK_THAT(r.out, !Catch::Contains("@font-face"));
  CHECK_THAT(r.out, !Catch::Contains("url("));
  CHECK_THAT(r.out, !Catch::Contains("xlink:href"));
}

TEST_CASE("graph: png output starts with the PNG signature", "[graph]") {
  geosim::test::ScratchDir scratch;
  const fs::path out = scratch.dir / "sub" / "triad.png";  // missing folders are created
  const CommandResult r = run_geosim("graph " + scenario_arg("triad.yaml") + " --step 3 --out " + shell_quote(out.string()));
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::string png = geosim::test::read_file(out);
  REQUIRE(png.size() > 1000);
  CHECK(png.compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)) == 0);
  CHECK(entries(out.parent_path()) == std::vector<std::string>{"triad.png"});
  // In the library too.
  const std::string bytes = geosim::render_dot(
      geosim::network_dot(geosim::network_from_scenario(geosim::load_scenario(scenario_path("triad.yaml")), "baseline",
                                                        std::nullopt, 0, geosim::StepChoice::parse("3"))),
      geosim::GraphFormat::kPng);
  CHECK(bytes == png);
}

TEST_CASE("graph: large worlds keep the most trade and the main threats", "[graph]") {
  const CommandResult r = run_geosim("graph " + scenario_arg("world_2019.yaml") + " --step first --format dot");
  REQUIRE(r.status == 0);
  const std::regex message(R"(drawing (\d+) of 12798 related pairs .* (\d+) left out)");
  std::smatch m;
  REQUIRE(std::regex_search(r.err, m, message));
  const int drawn = std::stoi(m[1].str()), left_out = std::stoi(m[2].str());
  CHECK(drawn + left_out == 12798);
  CHECK(drawn >= 250);
  const Dot d = parse_dot(r.out);
  CHECK(d.nodes.size() == 188);
  CHECK(static_cast<int>(d.edges.size()) == drawn);
  // Every agent's main threat is among the lines (an arrowhead), and at most
  // 250 lines have no arrowhead.
  int plain = 0;
  for (const auto& [names, e] : d.edges) plain += e.dir.empty() ? 1 : 0;
  CHECK(plain <= 250);

  const CommandResult all = run_geosim("graph " + scenario_arg("world_2019.yaml") + " --step first --format dot --max-edges 0");
  REQUIRE(all.status == 0);
  CHECK(all.err.empty());
  CHECK(parse_dot(all.out).edges.size() == 12798);
}

TEST_CASE("graph: errors exit 2 with a clear message and leave no file", "[graph]") {
  geosim::test::ScratchDir scratch;
  const fs::path run = scratch.dir / "run";
  REQUIRE(run_geosim("run " + scenario_arg("triad.yaml") + " --steps 5 -q --out " + shell_quote(run.string())).status == 0);
  const fs::path outs = scratch.dir / "outs";
  fs::create_directories(outs);
  const std::string out = shell_quote((outs / "g.svg").string());

  struct Case {
    std::string args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"graph " + shell_quote(run.string()) + " --step 5 --out " + out, "step 5 is out of range: the run has steps 0 to 4"},
      {"graph " + scenario_arg("triad.yaml") + " --step 20 --out " + out, "step 20 is out of range: the run has steps 0 to 19"},
      {"graph " + shell_quote(run.string()) + " --step 1 --run 1 --out " + out, "run 1 is out of range"},
      {"graph " + shell_quote((scratch.dir / "nowhere").string()) + " --step 1 --out " + out, "does not exist"},
      {"graph " + shell_quote(outs.string()) + " --step 1 --out " + out, "has no manifest.json"},
      {"graph " + scenario_arg("triad.yaml") + " --step 1 --format png", "png is a binary format: give a file with --out"},
      {"graph " + scenario_arg("triad.yaml") + " --step soon --out " + out, "--step must be a step number"},
      {"graph " + scenario_arg("triad.yaml") + " --step 1 --policy nope --out " + out, "nope"},
      {"graph " + scenario_arg("triad.yaml") + " --step 1 --out " + shell_quote((outs / "g.jpg").string()), "cannot tell the format"},
      {"graph " + scenario_arg("triad.yaml") + " --step 1 --format gif", "gif"},
      {"graph " + scenario_arg("triad.yaml"), "--step"},
  };
  for (const Case& c : cases) {
    const CommandResult r = run_geosim(c.args);
    INFO(c.args << "\n" << r.err);
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains(c.message));
    CHECK(r.out.empty());
    CHECK(entries(outs).empty());
  }

  // An existing file is kept without --force, replaced with it.
  const fs::path existing = outs / "keep.svg";
  std::ofstream(existing) << "mine";
  const std::string keep = shell_quote(existing.string());
  const CommandResult refused = run_geosim("graph " + shell_quote(run.string()) + " --step 1 --out " + keep);
  CHECK(refused.status == 2);
  CHECK_THAT(refused.err, Catch::Contains("already exists; choose another --out or add --force"));
  CHECK(geosim::test::read_file(existing) == "mine");
  CHECK(entries(outs) == std::vector<std::string>{"keep.svg"});
  const CommandResult forced = run_geosim("graph " + shell_quote(run.string()) + " --step 1 --force --out " + keep);
  CHECK(forced.status == 0);
  CHECK_THAT(geosim::test::read_file(existing), Catch::StartsWith("<?xml"));
  CHECK(entries(outs) == std::vector<std::string>{"keep.svg"});
  // A folder is never replaced.
  const CommandResult folder = run_geosim("graph " + shell_quote(run.string()) + " --step 1 --force --out " +
                                          shell_quote(outs.string()));
  CHECK(folder.status == 2);
  CHECK_THAT(folder.err, Catch::Contains("is a folder"));
}

TEST_CASE("graph: --help shows the options and examples", "[graph]") {
  const CommandResult r = run_geosim("graph --help");
  CHECK(r.status == 0);
  for (const char* text : {"--step", "--run", "--policy", "--seed", "--format", "--out", "--max-edges", "--force", "Examples:"}) {
    CHECK_THAT(r.out, Catch::Contains(text));
  }
}

TEST_CASE("graph: render_dot reports what Graphviz says", "[graph]") {
  using namespace geosim;
  const std::string dot = "graph g { a -- b }\n";
  CHECK(render_dot(dot, GraphFormat::kDot) == dot);
  const std::string svg = render_dot(dot, GraphFormat::kSvg);
  CHECK_THAT(svg, Catch::Contains("<svg"));
  CHECK(render_dot(dot, GraphFormat::kSvg) == svg);
  try {
    render_dot("graph g { a -- ", GraphFormat::kSvg);
    FAIL("no exception");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("Graphviz cannot read the graph") && Catch::Contains("syntax error"));
  }
  // A failure leaves Graphviz usable.
  CHECK(render_dot(dot, GraphFormat::kSvg) == svg);
  CHECK(graph_format_from_string("svg") == GraphFormat::kSvg);
  CHECK_FALSE(graph_format_from_string("jpg").has_value());
  CHECK(to_string(GraphFormat::kPng) == "png");
}

#if defined(__SANITIZE_ADDRESS__)
#define GEOSIM_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GEOSIM_TEST_ASAN 1
#endif
#endif

#ifdef GEOSIM_TEST_ASAN
// Under AddressSanitizer, network.cpp suppresses the leaks of Graphviz 2.42
// and its font libraries. With whole allocation stacks, only the exact
// functions are suppressed: any other leak (a graph, layout or rendered
// buffer geosim forgot to free) fails here.
TEST_CASE("graph: under AddressSanitizer only Graphviz's own leaks are suppressed", "[graph]") {
  geosim::test::ScratchDir scratch;
  const char* old_asan = std::getenv("ASAN_OPTIONS");
  const std::string saved = old_asan != nullptr ? old_asan : "";
  ::setenv("ASAN_OPTIONS", (saved.empty() ? std::string() : saved + ":") .append("fast_unwind_on_malloc=0").c_str(), 1);
  ::setenv("GEOSIM_LSAN_STRICT_GRAPHVIZ", "1", 1);
  std::vector<CommandResult> results;
  for (const char* format : {"svg", "png"}) {
    results.push_back(run_geosim("graph " + scenario_arg("mongolia_2019.yaml") + " --step 2 --out " +
                                 shell_quote((scratch.dir / (std::string("m.") + format)).string())));
  }
  ::unsetenv("GEOSIM_LSAN_STRICT_GRAPHVIZ");
  if (old_asan != nullptr) {
    ::setenv("ASAN_OPTIONS", saved.c_str(), 1);
  } else {
    ::unsetenv("ASAN_OPTIONS");
  }
  for (const CommandResult& r : results) {
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK_THAT(r.err, !Catch::Contains("LeakSanitizer"));
  }
}
#endif
