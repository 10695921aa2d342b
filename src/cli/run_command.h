#pragma once

#include <string>

#include "cli/cli_support.h"

namespace CLI {
class App;
}

namespace allma::cli {

// `allma run`, `allma resume` and `allma executions redrive`: the commands that run flows.
// `globals` holds the options given before the command, read when it runs; the command's exit
// status is written to `exit_code`.
void register_run_commands(CLI::App& app, const GlobalOptions* globals, int* exit_code);

}  // namespace allma::cli
