#include "cli/lambda_command.h"

#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "base/log.h"
#include "host/function_host.h"
#include "host/function_spec.h"

namespace allma::cli {
namespace {

struct ServeOptions {
  std::string functions_file;
  std::string bind_address = "127.0.0.1";
  uint16_t port = 0;
  std::string auth_keys_file;
  bool quiet_functions = false;
};

// Blocks until SIGINT or SIGTERM arrives; the signals must already be blocked.
int wait_for_stop_signal(const sigset_t& signals) {
  int received = 0;
  while (sigwait(&signals, &received) != 0) {
  }
  return received;
}

int serve(const ServeOptions& options) {
  Result<std::vector<host::FunctionSpec>> functions = host::load_functions(options.functions_file);
  if (!functions.ok()) {
    std::fprintf(stderr, "allma lambda serve: %s\n", functions.error().message.c_str());
    return 1;
  }

  // Blocked before the host starts its thread, so only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  host::HostOptions host_options;
  host_options.bind_address = options.bind_address;
  host_options.port = options.port;
  host_options.functions = std::move(*functions);
  host_options.auth_keys_file = options.auth_keys_file;
  host_options.echo_function_output = !options.quiet_functions;
  Result<std::unique_ptr<host::FunctionHost>> host = host::FunctionHost::start(host_options);
  if (!host.ok()) {
    pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
    std::fprintf(stderr, "allma lambda serve: %s\n", host.error().message.c_str());
    return 1;
  }
  std::printf("%s\n", (*host)->endpoint_url().c_str());
  std::fflush(stdout);

  const int received = wait_for_stop_signal(signals);
  log::info("host", "stop_signal", {{"signal", received}});
  (*host)->stop();
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  return 0;
}

}  // namespace

void register_lambda_command(CLI::App& app) {
  CLI::App* lambda = app.add_subcommand("lambda", "Local Lambda functions");
  lambda->require_subcommand(1);
  CLI::App* serve_cmd = lambda->add_subcommand(
      "serve", "Serve the Lambda Invoke API for the functions declared in a file");
  auto options = std::make_shared<ServeOptions>();
  serve_cmd->add_option("--functions", options->functions_file, "Functions file (JSON)")
      ->required();
  serve_cmd->add_option("--port", options->port, "Port of the Invoke API (0: any free port)");
  serve_cmd->add_option("--bind", options->bind_address, "Address to listen on");
  serve_cmd->add_option("--auth", options->auth_keys_file,
                        "Keys file {\"keys\":[{\"accessKeyId\",\"secretAccessKey\"}]}: require "
                        "SigV4 signatures by these keys");
  serve_cmd->add_flag("--quiet-functions", options->quiet_functions,
                      "Do not copy the functions' output to stderr");
  serve_cmd->callback([options] {
    const int rc = serve(*options);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace allma::cli
