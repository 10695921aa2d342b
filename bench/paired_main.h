#pragma once

// The main() of the benchmarks that are paired with a Node peer (json_bench, template_bench):
// besides Google Benchmark's own flags, --inputs_dir=DIR writes the generated inputs there
// for the peer to read (scripts/bench.sh), and --inputs_only stops after that.

#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

namespace allma::bench {

// Returns the process's exit status: 2 when the inputs cannot be written, 1 for a flag that
// neither we nor Google Benchmark know.
inline int paired_main(int argc, char** argv, bool (*write_inputs)(const std::string& dir),
                       void (*register_benchmarks)()) {
  std::vector<char*> rest;
  std::string inputs_dir;
  bool inputs_only = false;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    if (arg.starts_with("--inputs_dir=")) {
      inputs_dir = std::string(arg.substr(13));
    } else if (arg == "--inputs_only") {
      inputs_only = true;
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (!inputs_dir.empty() && !write_inputs(inputs_dir)) return 2;
  if (inputs_only) return 0;
  int rest_argc = static_cast<int>(rest.size());
  register_benchmarks();
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace allma::bench
