// libFuzzer harness: the `geosim` command line (docs: fuzz/README.md).
//
// The input is an argument list, one argument per line ('\n'; a '\r' before
// it is kept), after the program name; an argument ends at a NUL byte, as
// one from the operating system does. The whole CLI11 app of `geosim` is
// built (cli::make_command_line(), as main() does) and parses it
// (cli::parse_command_line()) without running the command. When a command
// would run, what happens before it runs is done too: the limits are applied
// (cli::apply_limits(): --limit values, GEOSIM_MAX_* variables), and every
// argument that looks like a sweep dimension (PATH=..., --param=PATH=...)
// goes through parse_sweep_param(), and the command line is quoted for the
// manifest (cli::command_line()). Parse failures must end in a status of 0 (help,
// version) or 2 (usage error); only UsageError may escape the later steps.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"
#include "geosim/error.hpp"
#include "geosim/load.hpp"
#include "geosim/sweep.hpp"

namespace {

constexpr std::size_t kMaxInput = 4096;  // bytes
constexpr std::size_t kMaxArgs = 64;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_cli: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The limits come from the input only, not from the environment the
  // fuzzer happens to run in.
  for (const geosim::LimitInfo& l : geosim::limit_table()) unsetenv(std::string(l.env).c_str());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxInput) return -1;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args = {"geosim"};
  std::size_t start = 0;
  while (start <= text.size() && args.size() <= kMaxArgs) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view arg = text.substr(start, end - start);
    args.emplace_back(arg.substr(0, arg.find('\0')));
    start = end + 1;
  }
  if (!text.empty() && text.back() == '\n') args.pop_back();  // a final newline ends the last argument
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  const int argc = static_cast<int>(args.size());

  const auto cli = geosim::cli::make_command_line();
  std::ostringstream out, err;
  const int status = geosim::cli::parse_command_line(*cli, argc, argv.data(), out, err, true);
  if (status >= 0) {
    if (status != geosim::cli::kOk && status != geosim::cli::kBadInput) fail("parse status " + std::to_string(status));
    if (status == geosim::cli::kBadInput && err.str().empty()) fail("a usage error without a message");
    return 0;
  }
  if (cli->app.get_subcommands().size() != 1) fail("a command runs without exactly one subcommand");
  try {
    geosim::cli::apply_limits();
  } catch (const geosim::UsageError&) {
  }
  for (std::string_view a : args) {
    if (a.starts_with("--param=")) a.remove_prefix(8);
    if (a.find('=') == std::string_view::npos || a.starts_with("-")) continue;
    try {
      (void)geosim::parse_sweep_param(a);
    } catch (const geosim::UsageError&) {
    }
  }
  std::vector<char*> mutable_argv;
  for (std::string& a : args) mutable_argv.push_back(a.data());
  (void)geosim::cli::command_line(argc, mutable_argv.data());
  return 0;
}
