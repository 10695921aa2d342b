// The `allma` command.
#include <unistd.h>

#include <exception>
#include <iostream>

#include <CLI/CLI.hpp>

#include "base/log.h"
#include "cli/cli_support.h"
#include "cli/lambda_command.h"
#include "cli/run_command.h"
#include "cli/store_commands.h"
#include "cli/tool_commands.h"

namespace {

int run_main(int argc, char** argv) {
  CLI::App app{"allma: run Allma flows whose steps invoke Lambda functions"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("allma 0.1.0"));

  allma::cli::GlobalOptions globals;
  std::string log_level = "warn";
  std::string log_format = isatty(STDERR_FILENO) ? "text" : "json";
  app.add_option("--store", globals.store_path,
                 "Execution store (SQLite file; default ~/.local/share/allma/allma.db)");
  app.add_option("--durability", globals.durability,
                 "full: every record survives a power cut (an fsync each); normal: records "
                 "survive a crash of allma, the last ones may be lost on power failure")
      ->check(CLI::IsMember({"full", "normal"}));
  app.add_option("--log-level", log_level, "debug, info, warn, error or off")
      ->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}));
  app.add_option("--log-format", log_format, "text (terminal) or json (one object per line)")
      ->check(CLI::IsMember({"text", "json"}));
  app.parse_complete_callback([&] {
    allma::log::configure(log_format == "json" ? allma::log::Format::kJson
                                               : allma::log::Format::kText,
                          allma::log::parse_level(log_level));
  });

  int exit_code = allma::cli::kExitOk;
  allma::cli::register_store_commands(app, &globals.store_path, &exit_code);
  allma::cli::register_run_commands(app, &globals, &exit_code);
  allma::cli::register_tool_commands(app, &exit_code);
  allma::cli::register_lambda_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command's own non-zero status, already reported
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints usage problems, or --help and --version
    return code == 0 ? 0 : allma::cli::kExitBadInput;
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_main(argc, argv);
  } catch (const std::exception& e) {
    allma::log::error("cli", "internal_error", {{"what", e.what()}});
    return allma::cli::kExitInternal;
  } catch (...) {
    allma::log::error("cli", "internal_error");
    return allma::cli::kExitInternal;
  }
}
