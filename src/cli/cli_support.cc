#include "cli/cli_support.h"

#include <iostream>
#include <iterator>

#include "aws/credentials.h"
#include "aws/endpoint.h"
#include "aws/invoke_policy.h"
#include "aws/lambda_client.h"
#include "base/log.h"
#include "flow/flow_loader.h"
#include "host/function_host.h"
#include "json/parse.h"

namespace allma::cli {
namespace {

// Local endpoints accept any signature: these stand in when no credentials are configured.
constexpr std::string_view kLocalAccessKey = "allma-local";
constexpr std::string_view kLocalSecret = "allma-local-secret";

bool is_loopback(std::string_view url) {
  return url.find("://127.") != std::string_view::npos ||
         url.find("://localhost") != std::string_view::npos ||
         url.find("://[::1]") != std::string_view::npos;
}

}  // namespace

InvokeStack::~InvokeStack() {
  invoker.reset();
  host.reset();
}

void print_error(const std::string& message) { std::cerr << "allma: " << message << "\n"; }

Result<boost::json::value> read_json_input(const std::string& path) {
  if (path != "-") {
    return json::parse_file(path);
  }
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  Result<boost::json::value> parsed = json::parse(text);
  if (!parsed.ok()) return parsed.error().in("<stdin>");
  return parsed;
}

std::shared_ptr<const flow::Flow> load_flow_or_report(const std::string& path) {
  flow::LoadResult loaded = flow::load_flow_file(path);
  if (!loaded.flow) {
    std::cerr << flow::format_issues(loaded.issues);
    std::cerr << "allma: " << path << ": " << loaded.issues.size()
              << (loaded.issues.size() == 1 ? " problem" : " problems")
              << "; the flow cannot run\n";
  }
  return loaded.flow;
}

Result<std::unique_ptr<InvokeStack>> build_invoke_stack(const InvokeOptions& options) {
  auto stack = std::make_unique<InvokeStack>();
  aws::Environment env = aws::process_environment();

  std::string endpoint = aws::resolve_endpoint_override(env, options.lambda_endpoint);
  if (!options.functions_file.empty()) {
    Result<std::vector<host::FunctionSpec>> specs = host::load_functions(options.functions_file);
    if (!specs.ok()) return specs.error();
    host::HostOptions host_options;
    host_options.functions = std::move(*specs);
    // TODO: what functions print is not shown by `run --functions`: echoing it also shows the
    // runtime client's complaints when the host stops, which reads like a failure. Needs the
    // host to stop echoing before it stops the processes. Meanwhile `lambda serve` shows it.
    Result<std::unique_ptr<host::FunctionHost>> started =
        host::FunctionHost::start(std::move(host_options));
    if (!started.ok()) return started.error().in("local function host");
    stack->host = std::move(*started);
    endpoint = stack->host->endpoint_url();
  }

  aws::LambdaClientOptions client;
  client.endpoint_override = endpoint;
  Result<std::string> region = aws::load_region(env);
  if (!region.ok()) return region.error();
  stack->region = region->empty() ? "us-east-1" : *region;
  client.default_region = stack->region;
  Result<aws::AwsSettings> settings = aws::load_aws_settings(env);
  if (settings.ok()) {
    client.credentials = settings->credentials;
  } else if ((!endpoint.empty() && is_loopback(endpoint)) || !options.require_credentials) {
    client.credentials.access_key_id = kLocalAccessKey;
    client.credentials.secret_access_key = kLocalSecret;
  } else {
    return settings.error().in("AWS credentials");
  }
  Result<std::unique_ptr<aws::LambdaClient>> created = aws::LambdaClient::create(client);
  if (!created.ok()) return created.error();
  stack->invoker = std::move(*created);

  if (!options.policy_file.empty()) {
    Result<boost::json::value> doc = json::parse_file(options.policy_file);
    if (!doc.ok()) return doc.error();
    Result<aws::InvokePolicy> policy = aws::InvokePolicy::from_json(*doc);
    if (!policy.ok()) return policy.error().in(options.policy_file);
    stack->policy = std::make_unique<aws::InvokePolicy>(std::move(*policy));
  } else {
    log::warn("cli", "no_invoke_policy",
              {{"note", "every function may be invoked; pass --policy FILE to restrict"}});
  }
  return stack;
}

}  // namespace allma::cli
