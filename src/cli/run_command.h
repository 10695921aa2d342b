#pragma once

#include <string>

namespace CLI {
class App;
}

namespace allma::cli {

// `allma run`, `allma resume` and `allma executions redrive`: the commands that run flows.
// `store_path` is the global --store option, read when the command runs; the command's exit
// status is written to `exit_code`.
void register_run_commands(CLI::App& app, const std::string* store_path, int* exit_code);

}  // namespace allma::cli
