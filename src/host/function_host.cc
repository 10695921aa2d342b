#include "host/function_host.h"

#include <signal.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "base/log.h"
#include "base/uuid.h"
#include "host/encoding.h"
#include "host/function_pool.h"
#include "host/invoke_api.h"
#include "host/process.h"
#include "host/request_auth.h"
#include "json/parse.h"

namespace allma::host {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kRicRelative = "tools/node/node_modules/.bin/aws-lambda-ric";
constexpr std::size_t kMaxClientContextBytes = 3583;
constexpr auto kStopGrace = std::chrono::seconds(2);
// Long enough for SIGKILL to land; not for init to reap orphaned zombies, which can be slow.
constexpr auto kGroupGoneWait = std::chrono::milliseconds(100);

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

bool is_executable(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

Result<std::string> find_node_ric(const std::string& configured) {
  if (!configured.empty()) {
    if (is_executable(configured)) return configured;
    return make_error(ErrorCode::kInvalidArgument, "aws-lambda-ric not executable: " + configured);
  }
  const std::string from_env = env_or("ALLMA_NODE_RIC", "");
  if (!from_env.empty()) {
    if (is_executable(from_env)) return from_env;
    return make_error(ErrorCode::kInvalidArgument,
                      "ALLMA_NODE_RIC is not an executable: " + from_env);
  }
  std::error_code ec;
  fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (; !ec && !dir.empty(); dir = dir.parent_path()) {
    if (is_executable(dir / kRicRelative)) return (dir / kRicRelative).string();
    if (dir == dir.root_path()) break;
  }
  const std::string source = env_or("ALLMA_SOURCE_DIR", "");
  if (!source.empty() && is_executable(fs::path(source) / kRicRelative)) {
    return (fs::path(source) / kRicRelative).string();
  }
  return make_error(ErrorCode::kInvalidArgument,
                    "aws-lambda-ric not found (run scripts/setup.sh, or set ALLMA_NODE_RIC)");
}

// The environment AWS gives a runtime process, minus the per-process entries.
std::vector<std::string> runtime_environment(const FunctionSpec& spec, const std::string& region,
                                             const std::string& runtime_dir) {
  std::vector<std::pair<std::string, std::string>> env;
  auto set = [&env](const std::string& key, const std::string& value) {
    for (auto& [k, v] : env) {
      if (k == key) {
        v = value;
        return;
      }
    }
    env.emplace_back(key, value);
  };
  set("PATH", env_or("PATH", "/usr/local/bin:/usr/bin:/bin"));
  for (const char* name : {"HOME", "LANG", "TMPDIR", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                           "AWS_SESSION_TOKEN"}) {
    const std::string value = env_or(name, "");
    if (!value.empty()) set(name, value);
  }
  set("TZ", ":UTC");
  set("_HANDLER", spec.handler);
  set("LAMBDA_TASK_ROOT", spec.code_dir);
  set("LAMBDA_RUNTIME_DIR", runtime_dir);
  set("AWS_LAMBDA_FUNCTION_NAME", spec.name);
  set("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
  set("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", std::to_string(spec.memory_mb));
  set("AWS_REGION", region);
  set("AWS_DEFAULT_REGION", region);
  set("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + spec.name);
  set("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
  if (spec.runtime == Runtime::kNodejs) set("AWS_EXECUTION_ENV", "AWS_Lambda_nodejs20.x");
  for (const auto& [key, value] : spec.environment) {
    // The pool sets these per process; a second copy would shadow or be shadowed.
    if (key == "AWS_LAMBDA_RUNTIME_API" || key == "AWS_LAMBDA_LOG_STREAM_NAME") continue;
    set(key, value);
  }
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

std::string trace_id() {
  std::string hex = generate_uuid_v4();
  std::erase(hex, '-');
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  char time_hex[16];
  std::snprintf(time_hex, sizeof(time_hex), "%08llx", static_cast<unsigned long long>(secs));
  return std::string("Root=1-") + time_hex + "-" + hex.substr(0, 24) +
         ";Parent=" + hex.substr(16, 16) + ";Sampled=0";
}

}  // namespace

struct FunctionHost::Impl {
  asio::io_context io;  // first: destroyed last
  HostOptions options;
  std::string region;
  std::vector<AccessKey> keys;
  bool check_auth = false;
  uint16_t port = 0;
  std::map<std::string, std::unique_ptr<FunctionPool>> pools;
  std::unique_ptr<HttpServer> server;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
  std::mutex stop_mutex;
  bool stopped = false;

  void handle(HttpRequest request, Reply reply);
  std::optional<HttpResponse> check(const HttpRequest& request, const std::string& id);
  std::optional<HttpResponse> check_function(const InvokeTarget& target,
                                             const std::string& id) const;
  std::optional<HttpResponse> check_parameters(const HttpRequest& request,
                                               const std::string& id) const;
  void run_invocation(FunctionPool& pool, std::shared_ptr<Invocation> inv, bool tail, Reply reply);
  Status build_pools(const HostOptions& options);
  void stop();
};

namespace {

HttpResponse invoke_answer(const InvocationResult& result, const Invocation& inv, bool tail) {
  if (!result.service_error.empty()) {
    return service_error(500, result.service_error, result.service_message, inv.request_id);
  }
  HttpResponse r;
  r.status = 200;
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("X-Amz-Executed-Version", inv.executed_version);
  r.headers.emplace_back("x-amzn-RequestId", inv.request_id);
  r.headers.emplace_back("X-Amzn-Trace-Id", inv.trace_id);
  if (!result.function_error.empty()) {
    r.headers.emplace_back("X-Amz-Function-Error", result.function_error);
  }
  if (tail) r.headers.emplace_back("X-Amz-Log-Result", base64_encode(result.log));
  r.body = result.payload;
  return r;
}

// Decodes X-Amz-Client-Context into one line of JSON; nullopt when invalid.
std::optional<std::string> decode_client_context(const std::string& header) {
  if (header.size() > kMaxClientContextBytes) return std::nullopt;
  std::optional<std::string> text = base64_decode(header);
  if (!text) return std::nullopt;
  Result<boost::json::value> doc = json::parse(*text, json::ParseLimits{4096, 64});
  if (!doc.ok() || !doc->is_object()) return std::nullopt;
  return boost::json::serialize(*doc);
}

// Wraps `reply` so that the answer is access-logged (no bodies, no headers, no query).
Reply access_logged(Reply reply, const HttpRequest& request, const std::string& id) {
  const auto begun = std::chrono::steady_clock::now();
  const std::string path = request.target.substr(0, request.target.find('?'));
  return [reply = std::move(reply), id, begun, path, method = request.method](HttpResponse r) {
    const auto took = std::chrono::steady_clock::now() - begun;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
    log::info("host", "invoke_request",
              {{"method", method},
               {"path", path},
               {"status", r.status},
               {"duration_ms", static_cast<long long>(ms)},
               {"request_id", id}});
    reply(std::move(r));
  };
}

HttpResponse bare_answer(int status, const std::string& id) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("x-amzn-RequestId", id);
  return r;
}

// The invocation a validated request asks for.
std::shared_ptr<Invocation> make_invocation(const FunctionPool& pool, const InvokeTarget& target,
                                            HttpRequest& request, const std::string& id) {
  auto inv = std::make_shared<Invocation>();
  inv->request_id = id;
  inv->invoked_arn = pool.arn() + (target.qualifier.empty() ? "" : ":" + target.qualifier);
  const auto alias = pool.spec().aliases.find(target.qualifier);
  inv->executed_version = alias != pool.spec().aliases.end() ? alias->second
                          : target.qualifier.empty()         ? "$LATEST"
                                                             : target.qualifier;
  inv->payload = request.body.empty() ? "{}" : std::move(request.body);
  if (const std::string* cc = request.header("X-Amz-Client-Context")) {
    inv->client_context = decode_client_context(*cc).value_or("");
  }
  const std::string* trace = request.header("X-Amzn-Trace-Id");
  inv->trace_id = trace ? *trace : trace_id();
  return inv;
}

}  // namespace

void FunctionHost::Impl::handle(HttpRequest request, Reply reply) {
  const std::string id = generate_uuid_v4();
  Reply logged = access_logged(std::move(reply), request, id);
  if (std::optional<HttpResponse> refused = check(request, id)) {
    logged(std::move(*refused));
    return;
  }

  // check() has validated everything below.
  const InvokeTarget target = *parse_invoke_target(request.target);
  FunctionPool& pool = *pools.at(target.function_name);
  const std::string* type = request.header("X-Amz-Invocation-Type");
  const std::string invocation_type = type ? *type : "RequestResponse";
  if (invocation_type == "DryRun") {
    logged(bare_answer(204, id));
    return;
  }

  std::shared_ptr<Invocation> inv = make_invocation(pool, target, request, id);
  if (invocation_type == "Event") {
    inv->is_event = true;
    pool.enqueue(inv);
    logged(bare_answer(202, id));
    return;
  }
  const std::string* log_type = request.header("X-Amz-Log-Type");
  run_invocation(pool, std::move(inv), log_type != nullptr && *log_type == "Tail",
                 std::move(logged));
}

void FunctionHost::Impl::run_invocation(FunctionPool& pool, std::shared_ptr<Invocation> inv,
                                        bool tail, Reply reply) {
  Invocation* raw = inv.get();
  inv->done = [raw, tail, reply](InvocationResult result) {
    reply(invoke_answer(result, *raw, tail));
  };
  if (!pool.invoke(inv)) {
    inv->done = nullptr;
    reply(service_error(429, "TooManyRequestsException", "Rate Exceeded.", inv->request_id));
  }
}

// Everything that can refuse an Invoke request before it runs, in AWS's order.
std::optional<HttpResponse> FunctionHost::Impl::check(const HttpRequest& request,
                                                      const std::string& id) {
  Result<InvokeTarget> target = parse_invoke_target(request.target);
  if (!target.ok() && target.error().code == ErrorCode::kNotFound) {
    return service_error(404, "UnknownOperationException",
                         "Unknown operation " + request.method + " " +
                             request.target.substr(0, request.target.find('?')),
                         id);
  }
  if (request.method != "POST") {
    return service_error(405, "UnknownOperationException", "Invoke takes POST", id);
  }
  if (request.body_too_large) {
    return service_error(413, "RequestTooLargeException",
                         "Request must be smaller than " + std::to_string(kMaxRequestBytes) +
                             " bytes for the InvokeFunction operation",
                         id);
  }
  if (check_auth) {
    std::optional<AuthFailure> failure =
        verify_request(request, keys, std::chrono::system_clock::now());
    if (failure) return service_error(403, failure->type, failure->message, id);
  }
  if (!target.ok()) return service_error(400, target.error().name, target.error().message, id);

  if (auto missing = check_function(*target, id)) return missing;
  return check_parameters(request, id);
}

std::optional<HttpResponse> FunctionHost::Impl::check_function(const InvokeTarget& target,
                                                               const std::string& id) const {
  const std::string arn_prefix =
      "arn:aws:lambda:" + region + ":" + options.account_id + ":function:" + target.function_name;
  const auto pool = pools.find(target.function_name);
  if (pool == pools.end()) {
    return service_error(404, "ResourceNotFoundException", "Function not found: " + arn_prefix, id);
  }
  const FunctionSpec& spec = pool->second->spec();
  const std::string& q = target.qualifier;
  bool known = q.empty() || q == "$LATEST" || spec.aliases.count(q) > 0;
  for (const auto& [alias, version] : spec.aliases) known = known || version == q;
  if (!known) {
    return service_error(404, "ResourceNotFoundException",
                         "Function not found: " + arn_prefix + ":" + q, id);
  }
  return std::nullopt;
}

std::optional<HttpResponse> FunctionHost::Impl::check_parameters(const HttpRequest& request,
                                                                 const std::string& id) const {
  const std::string* type = request.header("X-Amz-Invocation-Type");
  if (type && *type != "RequestResponse" && *type != "Event" && *type != "DryRun") {
    return service_error(400, "InvalidParameterValueException",
                         "X-Amz-Invocation-Type must be RequestResponse, Event or DryRun", id);
  }
  const std::string* log_type = request.header("X-Amz-Log-Type");
  if (log_type && *log_type != "None" && *log_type != "Tail") {
    return service_error(400, "InvalidParameterValueException",
                         "X-Amz-Log-Type must be None or Tail", id);
  }
  const std::string* cc = request.header("X-Amz-Client-Context");
  if (cc && !decode_client_context(*cc)) {
    return service_error(400, "InvalidRequestContentException",
                         "Client context must be a valid Base64-encoded JSON object.", id);
  }
  if (!request.body.empty()) {
    Result<boost::json::value> payload = json::parse(request.body);
    if (!payload.ok()) {
      return service_error(400, "InvalidRequestContentException",
                           "Could not parse request body into json: " + payload.error().message,
                           id);
    }
  }
  return std::nullopt;
}

void FunctionHost::Impl::stop() {
  std::lock_guard<std::mutex> lock(stop_mutex);
  if (stopped) return;
  stopped = true;

  std::promise<std::vector<pid_t>> closed;
  asio::post(io, [this, &closed] {
    server->close();
    std::vector<pid_t> pids;
    for (auto& [name, pool] : pools) {
      for (pid_t pid : pool->shutdown()) pids.push_back(pid);
    }
    closed.set_value(std::move(pids));
  });
  const std::vector<pid_t> pids = closed.get_future().get();

  // SIGTERM went out; give the processes a moment. The I/O thread keeps running meanwhile:
  // when it ends, PR_SET_PDEATHSIG kills the processes it started. The pools no longer reap.
  const auto deadline = std::chrono::steady_clock::now() + kStopGrace;
  for (pid_t pid : pids) {
    while (!has_exited(pid) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  work.reset();
  io.stop();
  thread.join();

  // SIGKILL whatever is left of each group while its leader is still unreaped, then reap.
  for (pid_t pid : pids) {
    signal_group(pid, SIGKILL);
    reap(pid);
  }
  // SIGKILL takes effect asynchronously: wait, briefly, until each group is empty. Members
  // orphaned by the SIGKILL stay as zombies until init reaps them; that wait is bounded.
  const auto gone_deadline = std::chrono::steady_clock::now() + kGroupGoneWait;
  for (pid_t pid : pids) {
    while (group_exists(pid) && std::chrono::steady_clock::now() < gone_deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  pools.clear();
  server.reset();
  log::info("host", "host_stopped", {{"processes", static_cast<unsigned long>(pids.size())}});
}

Status FunctionHost::Impl::build_pools(const HostOptions& options) {
  std::optional<std::string> ric;
  for (const FunctionSpec& spec : options.functions) {
    PoolSettings settings;
    settings.arn = "arn:aws:lambda:" + region + ":" + options.account_id + ":function:" + spec.name;
    if (spec.runtime == Runtime::kNodejs) {
      if (!ric) {
        Result<std::string> found = find_node_ric(options.node_ric);
        if (!found.ok()) return found.error().in("function " + spec.name);
        ric = *found;
      }
      settings.program = *ric;
      settings.args = {spec.handler};
    } else {
      settings.program = (fs::path(spec.code_dir) / "bootstrap").string();
    }
    settings.env =
        runtime_environment(spec, region, fs::path(settings.program).parent_path().string());
    settings.echo_output = options.echo_function_output;
    settings.event_retries = options.event_retries;
    settings.event_retry_delay = options.event_retry_delay;
    pools[spec.name] = std::make_unique<FunctionPool>(io, spec, std::move(settings));
  }

  return ok_status();
}

Result<std::unique_ptr<FunctionHost>> FunctionHost::start(HostOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->region = !options.region.empty()
                     ? options.region
                     : env_or("AWS_REGION", env_or("AWS_DEFAULT_REGION", "us-east-1"));
  if (!options.auth_keys_file.empty()) {
    Result<std::vector<AccessKey>> keys = load_access_keys(options.auth_keys_file);
    if (!keys.ok()) return keys.error().in("--auth");
    impl->keys = std::move(*keys);
    impl->check_auth = true;
  }

  if (Status built = impl->build_pools(options); !built.ok()) return built.error();

  Impl* raw = impl.get();
  auto server = HttpServer::listen(impl->io, options.bind_address, options.port, kMaxRequestBytes,
                                   [raw](HttpRequest request, Reply reply) {
                                     raw->handle(std::move(request), std::move(reply));
                                   });
  if (!server.ok()) return server.error();
  impl->server = std::move(*server);
  impl->port = impl->server->port();
  impl->options = std::move(options);
  impl->work.emplace(impl->io.get_executor());
  impl->thread = std::thread([raw] {
    for (;;) {
      try {
        raw->io.run();
        return;
      } catch (const std::exception& e) {
        log::error("host", "io_thread_exception", {{"what", e.what()}});
      }
    }
  });
  log::info("host", "host_started",
            {{"address", raw->options.bind_address},
             {"port", raw->server->port()},
             {"functions", static_cast<unsigned long>(raw->pools.size())},
             {"auth", raw->check_auth}});
  return std::unique_ptr<FunctionHost>(new FunctionHost(std::move(impl)));
}

FunctionHost::FunctionHost(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FunctionHost::~FunctionHost() { stop(); }

void FunctionHost::stop() { impl_->stop(); }

uint16_t FunctionHost::port() const { return impl_->port; }

std::string FunctionHost::endpoint_url() const {
  std::string host = impl_->options.bind_address;
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port());
}

std::string FunctionHost::function_arn(const std::string& name) const {
  return "arn:aws:lambda:" + impl_->region + ":" + impl_->options.account_id + ":function:" + name;
}

}  // namespace allma::host
