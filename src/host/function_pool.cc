#include "host/function_pool.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <cstdio>
#include <optional>

#include "base/clock.h"
#include "base/log.h"
#include "base/uuid.h"
#include "host/environment.h"
#include "host/process.h"

namespace allma::host {

namespace asio = boost::asio;

std::string error_doc(std::string_view message, std::string_view type) {
  boost::json::object doc;
  doc["errorMessage"] = message;
  if (!type.empty()) doc["errorType"] = type;
  return boost::json::serialize(doc);
}

namespace {

using Env = FunctionPool::Environment;
using State = Env::State;

void trim_log(std::string& log) {
  if (log.size() > 2 * kLogTailBytes) log.erase(0, log.size() - kLogTailBytes);
}

std::string log_tail(const std::string& log) {
  return log.size() <= kLogTailBytes ? log : log.substr(log.size() - kLogTailBytes);
}

long long epoch_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// "2026/12/03/[$LATEST]<32 hex>", the shape of AWS's log stream names.
std::string log_stream_name() {
  std::string hex = generate_uuid_v4();
  std::erase(hex, '-');
  const auto now = std::chrono::system_clock::now();
  const std::string day = format_iso8601(now).substr(0, 10);
  return fmt::format("{}/{}/{}/[$LATEST]{}", day.substr(0, 4), day.substr(5, 2), day.substr(8, 2),
                     hex);
}

}  // namespace

FunctionPool::FunctionPool(asio::io_context& io, FunctionSpec spec, PoolSettings settings)
    : io_(io), spec_(std::move(spec)), settings_(std::move(settings)) {}

FunctionPool::~FunctionPool() = default;

bool FunctionPool::invoke(std::shared_ptr<Invocation> inv) {
  if (stopping_) {
    fail_service(*inv, "the function host is stopping");
    return true;
  }
  if (in_flight_ >= spec_.reserved_concurrency) return false;
  ++in_flight_;
  ready_.push_back(std::move(inv));
  pump();
  return true;
}

void FunctionPool::enqueue(std::shared_ptr<Invocation> inv) {
  if (stopping_) {
    fail_service(*inv, "the function host is stopping");
    return;
  }
  events_.push_back(std::move(inv));
  pump();
}

void FunctionPool::admit_events() {
  while (in_flight_ < spec_.reserved_concurrency && !events_.empty()) {
    ++in_flight_;
    ready_.push_back(std::move(events_.front()));
    events_.pop_front();
  }
}

// Hands admitted invocations to idle processes, and starts processes for the rest unless enough
// are already starting or about to ask for work.
void FunctionPool::pump() {
  if (stopping_) return;
  admit_events();
  for (const auto& env : envs_) {
    if (ready_.empty()) break;
    if (env->state == State::kIdle && env->pending_next) {
      std::shared_ptr<Invocation> inv = std::move(ready_.front());
      ready_.pop_front();
      deliver(*env, std::move(inv));
    }
  }

  std::size_t coming = 0;
  for (const auto& env : envs_) {
    const bool finishing = env->state == State::kBusy && !env->current;
    if (env->state == State::kInitializing || finishing) ++coming;
  }
  while (ready_.size() > coming &&
         envs_.size() < static_cast<std::size_t>(spec_.reserved_concurrency)) {
    const std::size_t before = envs_.size();
    spawn();
    if (envs_.size() == before) break;  // spawn failed and answered an invocation
    ++coming;
  }
}

void FunctionPool::spawn() {
  auto env = std::make_shared<Env>(io_);
  env->id = next_env_id_++;
  std::weak_ptr<Env> weak = env;
  auto api = HttpServer::listen(io_, "127.0.0.1", 0, kMaxResponseBytes,
                                [this, weak](HttpRequest request, Reply reply) {
                                  on_runtime_request(weak, std::move(request), std::move(reply));
                                });
  if (!api.ok()) {
    log::error("host", "runtime_api_failed",
               {{"function", spec_.name}, {"error", api.error().message}});
    if (!ready_.empty()) fail_service(*ready_.front(), api.error().message);
    return;
  }
  env->api = std::move(*api);

  SpawnSpec spawn_spec{settings_.program, settings_.args, settings_.env, spec_.code_dir};
  spawn_spec.env.push_back("AWS_LAMBDA_RUNTIME_API=127.0.0.1:" + std::to_string(env->api->port()));
  spawn_spec.env.push_back("AWS_LAMBDA_LOG_STREAM_NAME=" + log_stream_name());
  Result<ChildProcess> child = spawn_process(spawn_spec);
  if (!child.ok()) {
    log::error("host", "runtime_start_failed",
               {{"function", spec_.name}, {"error", child.error().message}});
    if (!ready_.empty()) fail_service(*ready_.front(), child.error().message);
    return;
  }
  env->pid = child->pid;
  env->pid_watch.assign(child->pidfd);
  env->output.assign(child->output_fd);
  envs_.push_back(env);
  log::info("host", "runtime_started",
            {{"function", spec_.name}, {"env", env->id}, {"pid", static_cast<long>(env->pid)}});

  watch_exit(env);
  read_output(env);
  env->timer.expires_after(settings_.init_timeout);
  env->timer.async_wait([this, weak](const boost::system::error_code& ec) {
    std::shared_ptr<Env> e = weak.lock();
    if (!ec && e && e->state == State::kInitializing) on_init_timeout(e);
  });
}

void FunctionPool::watch_exit(const std::shared_ptr<Env>& env) {
  std::weak_ptr<Env> weak = env;
  env->pid_watch.async_wait(asio::posix::descriptor_base::wait_read,
                            [this, weak](const boost::system::error_code& ec) {
                              std::shared_ptr<Env> e = weak.lock();
                              if (!ec && e && !stopping_) on_exit(e);
                            });
}

void FunctionPool::read_output(const std::shared_ptr<Env>& env) {
  std::weak_ptr<Env> weak = env;
  env->output.async_read_some(asio::buffer(env->read_buffer),
                              [this, weak](const boost::system::error_code& ec, std::size_t n) {
                                std::shared_ptr<Env> e = weak.lock();
                                if (ec || !e) return;
                                append_output(*e, e->read_buffer.data(), n);
                                read_output(e);
                              });
}

void FunctionPool::append_output(Env& env, const char* data, std::size_t n) {
  if (settings_.echo_output) {
    std::fwrite(data, 1, n, stderr);
    std::fflush(stderr);
  }
  std::string& log = env.current ? env.current->log : env.init_log;
  log.append(data, n);
  trim_log(log);
}

// Reads whatever the process has written so far, so it lands in the invocation it belongs to.
void FunctionPool::drain_output(Env& env) {
  if (!env.output.is_open()) return;
  for (;;) {
    const ssize_t n =
        ::read(env.output.native_handle(), env.read_buffer.data(), env.read_buffer.size());
    if (n <= 0) return;
    append_output(env, env.read_buffer.data(), static_cast<std::size_t>(n));
  }
}

void FunctionPool::on_exit(const std::shared_ptr<Env>& env) {
  drain_output(*env);
  // Sweep what the runtime left in its group (curl, sleep) while the leader is still unreaped.
  signal_group(env->pid, SIGKILL);
  const std::string how = try_reap(env->pid).value_or("unknown");
  const State was = env->state;
  env->state = State::kDead;
  env->api->close();
  env->timer.cancel();
  log::info("host", "runtime_exited",
            {{"function", spec_.name},
             {"env", env->id},
             {"pid", static_cast<long>(env->pid)},
             {"how", how}});

  if (env->current) {
    const std::string id = env->current->request_id;
    finish(*env,
           error_doc("RequestId: " + id + " Error: Runtime exited with error: " + how,
                     "Runtime.ExitError"),
           "Unhandled");
  } else if (was == State::kInitializing && !ready_.empty()) {
    // The invocation that waited for this process gets its init failure, as on AWS.
    std::shared_ptr<Invocation> inv = std::move(ready_.front());
    ready_.pop_front();
    --in_flight_;
    std::string doc = env->init_error;
    if (doc.empty()) {
      doc = env->init_timed_out
                ? error_doc("RequestId: " + inv->request_id + " Error: init timed out after " +
                                std::to_string(settings_.init_timeout.count()) + ".00 seconds",
                            "Runtime.InitError")
                : error_doc(
                      "RequestId: " + inv->request_id + " Error: Runtime exited with error: " + how,
                      "Runtime.ExitError");
    }
    inv->log = env->init_log + inv->log;
    complete(inv, InvocationResult{doc, "Unhandled", log_tail(inv->log), {}, {}});
  }
  envs_.remove(env);
  pump();
}

void FunctionPool::on_init_timeout(const std::shared_ptr<Env>& env) {
  log::warn("host", "runtime_init_timeout", {{"function", spec_.name}, {"env", env->id}});
  env->init_timed_out = true;
  signal_group(env->pid, SIGKILL);
}

void FunctionPool::on_timeout(const std::shared_ptr<Env>& env) {
  Invocation& inv = *env->current;
  const std::string message = format_iso8601(std::chrono::system_clock::now()) + " " +
                              inv.request_id + " Task timed out after " +
                              std::to_string(spec_.timeout.count()) + ".00 seconds";
  log::warn("host", "invocation_timed_out",
            {{"function", spec_.name}, {"request_id", inv.request_id}, {"env", env->id}});
  signal_group(env->pid, SIGKILL);
  drain_output(*env);
  inv.log += message + "\n";
  finish(*env, error_doc(message, ""), "Unhandled");
}

void FunctionPool::deliver(Env& env, std::shared_ptr<Invocation> inv) {
  Reply reply = std::move(*env.pending_next);
  env.pending_next.reset();
  env.state = State::kBusy;
  inv->started = std::chrono::steady_clock::now();
  inv->log = env.init_log + inv->log + "START RequestId: " + inv->request_id +
             " Version: " + inv->executed_version + "\n";
  env.init_log.clear();
  env.current = inv;

  const auto deadline = std::chrono::system_clock::now() + spec_.timeout;
  HttpResponse r = runtime_answer(200, inv->payload);
  r.headers.emplace_back("Lambda-Runtime-Aws-Request-Id", inv->request_id);
  r.headers.emplace_back("Lambda-Runtime-Deadline-Ms", std::to_string(epoch_ms(deadline)));
  r.headers.emplace_back("Lambda-Runtime-Invoked-Function-Arn", inv->invoked_arn);
  r.headers.emplace_back("Lambda-Runtime-Trace-Id", inv->trace_id);
  if (!inv->client_context.empty()) {
    r.headers.emplace_back("Lambda-Runtime-Client-Context", inv->client_context);
  }

  std::weak_ptr<Env> weak;
  for (const auto& e : envs_) {
    if (e.get() == &env) weak = e;
  }
  const std::string id = inv->request_id;
  env.timer.expires_after(spec_.timeout);
  env.timer.async_wait([this, weak, id](const boost::system::error_code& ec) {
    std::shared_ptr<Env> e = weak.lock();
    if (!ec && e && e->current && e->current->request_id == id) on_timeout(e);
  });
  reply(std::move(r));
}

void FunctionPool::finish(Env& env, std::string payload, std::string function_error) {
  drain_output(env);
  std::shared_ptr<Invocation> inv = std::move(env.current);
  env.current.reset();
  env.timer.cancel();
  --in_flight_;

  const auto took = std::chrono::steady_clock::now() - inv->started;
  const double ms = std::chrono::duration<double, std::milli>(took).count();
  inv->log += "END RequestId: " + inv->request_id + "\n";
  inv->log += fmt::format(
      "REPORT RequestId: {}\tDuration: {:.2f} ms\tBilled Duration: {} ms\tMemory Size: {} MB\n",
      inv->request_id, ms, static_cast<long long>(ms) + 1, spec_.memory_mb);
  InvocationResult result{
      std::move(payload), std::move(function_error), log_tail(inv->log), {}, {}};
  complete(inv, std::move(result));
  pump();
}

void FunctionPool::complete(const std::shared_ptr<Invocation>& inv, InvocationResult result) {
  if (inv->finished) return;
  if (inv->is_event && !result.function_error.empty() && retry_event(inv)) return;
  inv->finished = true;
  if (inv->is_event && !result.function_error.empty()) {
    log::warn("host", "event_failed",
              {{"function", spec_.name},
               {"request_id", inv->request_id},
               {"attempts", inv->attempt + 1}});
  }
  if (inv->done) inv->done(std::move(result));
}

// Schedules another run of a failed event, as AWS does; false when its retries are used up.
bool FunctionPool::retry_event(const std::shared_ptr<Invocation>& inv) {
  if (stopping_ || inv->attempt >= settings_.event_retries) return false;
  const auto delay = settings_.event_retry_delay * (1 << inv->attempt);
  ++inv->attempt;
  ++retries_waiting_;
  log::warn("host", "event_retry_scheduled",
            {{"function", spec_.name},
             {"request_id", inv->request_id},
             {"attempt", inv->attempt},
             {"delay_ms", static_cast<long long>(delay.count())}});
  auto timer = std::make_shared<asio::steady_timer>(io_, delay);
  timer->async_wait([this, timer, inv](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    --retries_waiting_;
    inv->log.clear();
    events_.push_back(inv);
    pump();
  });
  return true;
}

void FunctionPool::fail_service(Invocation& inv, const std::string& message) {
  if (inv.finished) return;
  inv.finished = true;
  InvocationResult result;
  result.service_error = "ServiceException";
  result.service_message = message;
  if (inv.done) inv.done(std::move(result));
}

std::vector<pid_t> FunctionPool::shutdown() {
  stopping_ = true;
  if (!events_.empty() || retries_waiting_ > 0) {
    log::warn("host", "events_dropped",
              {{"function", spec_.name},
               {"queued", static_cast<unsigned long>(events_.size())},
               {"waiting_for_retry", retries_waiting_}});
  }
  for (auto* queue : {&ready_, &events_}) {
    for (const auto& inv : *queue) fail_service(*inv, "the function host is stopping");
    queue->clear();
  }
  std::vector<pid_t> pids;
  for (const auto& env : envs_) {
    if (env->current) fail_service(*env->current, "the function host is stopping");
    env->current.reset();
    env->pending_next.reset();
    env->api->close();
    env->timer.cancel();
    signal_group(env->pid, SIGTERM);
    pids.push_back(env->pid);
  }
  return pids;
}

}  // namespace allma::host
