#pragma once

#include <string>

namespace CLI {
class App;
}  // namespace CLI

namespace allma::cli {

// Adds the history commands that only read or mark the execution store:
//   allma executions list [--status S] [--flow F] [--since ISO] [--until ISO] [--limit N]
//                         [--page-token T] [--json]
//   allma executions show ID [--step S] [--json]
//   allma executions cancel ID
//   allma flows list [--json] | show ID [--version N] [--json] | publish ID VERSION
// The `executions` and `flows` subcommands are reused when already registered, so other modules
// may add to them (redrive, run) in either order.
//
// Each command opens the store at `*store_path` (read when the command runs, so it may be set by
// a global option; empty means default_store_path()). Results go to stdout; a failure prints one
// line "allma: <what failed>" on stderr. Exit statuses: 0 ok, 1 not found or refused by the
// store (wrong state, unusable file, locked, disk full), 2 bad usage or bad input.
//
// This form reports a non-zero status by throwing CLI::RuntimeError(status) out of App::parse,
// which App::exit() returns without printing anything.
// `store_path` must outlive the app's parse().
void register_store_commands(CLI::App& app, std::string* store_path);

// The same, but a command's exit status is written to `*exit_code` instead of thrown (set only
// by the command that ran). `exit_code` must outlive the app's parse().
void register_store_commands(CLI::App& app, std::string* store_path, int* exit_code);

}  // namespace allma::cli
