// `host_main lambda serve ...`: the `allma lambda serve` command on a bare CLI::App, so the
// host's client tests never depend on the `allma` binary.
#include <CLI/CLI.hpp>

#include "cli/lambda_command.h"

int main(int argc, char** argv) {
  CLI::App app{"allma local function host (test driver)"};
  app.require_subcommand(1);
  allma::cli::register_lambda_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
