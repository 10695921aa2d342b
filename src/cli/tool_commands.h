#pragma once

namespace CLI {
class App;
}

namespace allma::cli {

// `allma validate`, `allma step` and `allma eval`: looking at flows and expressions without
// running an execution. Each writes its exit status to `exit_code`.
void register_tool_commands(CLI::App& app, int* exit_code);

}  // namespace allma::cli
