#pragma once

namespace CLI {
class App;
}

namespace allma::cli {

// Adds `lambda serve --functions FILE [--port N] [--bind ADDR] [--auth KEYS_FILE]
// [--quiet-functions]` to `app`. The command serves the local function host, prints its
// endpoint URL on stdout once listening, runs until SIGINT or SIGTERM, then stops every runtime
// process and returns. Failures (bad functions file, port taken) print one line on stderr and
// end the command with exit code 1 (raised as CLI::RuntimeError, which CLI::App::exit turns
// into the exit code). Call from the main thread before other threads start: the command
// blocks SIGINT and SIGTERM in the calling thread while it serves.
void register_lambda_command(CLI::App& app);

}  // namespace allma::cli
