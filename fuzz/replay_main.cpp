// A main() for the fuzz harnesses without libFuzzer: it runs
// LLVMFuzzerTestOneInput() once on each file it is given, so that the
// ordinary build (gcc, the `asan` preset) replays the regression inputs and
// the corpus with the very checks the fuzzer makes (fuzz/README.md).
//
//   fuzz_replay_scenario [--every K] PATH...
//
// Each PATH is a file or a folder (every regular file in it, sorted by name,
// not recursive; names starting with '.' are skipped, so `.gitkeep` is not
// an input). With --every K only every K-th file of each folder is run
// (a deterministic subset). A failing check aborts the program (status
// 134); a clean pass prints how many inputs ran and exits 0.
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

namespace fs = std::filesystem;

int usage() {
  std::fprintf(stderr, "usage: fuzz_replay [--every K] FILE_OR_FOLDER...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  LLVMFuzzerInitialize(&argc, &argv);
  std::size_t every = 1;
  std::vector<fs::path> files;
  int paths = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--every") {
      if (++i == argc) return usage();
      const std::string_view k = argv[i];
      const auto [end, ec] = std::from_chars(k.data(), k.data() + k.size(), every);
      if (ec != std::errc() || end != k.data() + k.size() || every == 0) return usage();
      continue;
    }
    ++paths;
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<fs::path> in_folder;
      for (const fs::directory_entry& e : fs::directory_iterator(arg)) {
        if (e.is_regular_file() && !e.path().filename().string().starts_with(".")) in_folder.push_back(e.path());
      }
      std::sort(in_folder.begin(), in_folder.end());
      for (std::size_t k = 0; k < in_folder.size(); k += every) files.push_back(in_folder[k]);
    } else if (fs::is_regular_file(arg, ec)) {
      files.emplace_back(arg);
    } else {
      std::fprintf(stderr, "fuzz_replay: %s is neither a file nor a folder\n", argv[i]);
      return 2;
    }
  }
  if (paths == 0) return usage();
  for (const fs::path& path : files) {
    std::ifstream in(path, std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      std::fprintf(stderr, "fuzz_replay: cannot read %s\n", path.c_str());
      return 2;
    }
    // Named first, so that a failure below says which input it was.
    std::fprintf(stderr, "fuzz_replay: %s\n", path.c_str());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
  }
  std::printf("fuzz_replay: %zu inputs passed\n", files.size());
  return 0;
}
