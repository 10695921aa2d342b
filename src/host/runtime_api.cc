// The Runtime API (2018-06-01) each runtime process talks to, on its own port.
#include <boost/json.hpp>

#include "base/log.h"
#include "host/environment.h"
#include "host/function_pool.h"
#include "host/process.h"

namespace allma::host {
namespace {

using Env = FunctionPool::Environment;
using State = Env::State;
constexpr std::string_view kRuntimePrefix = "/2018-06-01/runtime/";

}  // namespace

HttpResponse runtime_answer(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

void FunctionPool::on_runtime_request(const std::weak_ptr<Env>& weak, HttpRequest request,
                                      Reply reply) {
  std::shared_ptr<Env> env = weak.lock();
  if (!env || env->state == State::kDead || stopping_) {
    reply(runtime_answer(500, error_doc("the function host is stopping", "ServiceException")));
    return;
  }
  std::string path = request.target.substr(0, request.target.find('?'));
  log::debug(
      "host", "runtime_request",
      {{"function", spec_.name}, {"env", env->id}, {"method", request.method}, {"path", path}});
  if (path.rfind(kRuntimePrefix, 0) != 0) {
    reply(runtime_answer(404, error_doc("unknown path " + path, "InvalidPath")));
    return;
  }
  path.erase(0, kRuntimePrefix.size());
  const bool is_post = request.method == "POST";

  if (path == "invocation/next" && request.method == "GET") {
    on_next(*env, std::move(reply));
  } else if (path == "init/error" && is_post) {
    on_init_error(*env, request, reply);
  } else if (path.rfind("invocation/", 0) == 0 && is_post) {
    const std::string rest = path.substr(std::string_view("invocation/").size());
    const std::size_t slash = rest.find('/');
    const std::string id = rest.substr(0, slash);
    const std::string what = slash == std::string::npos ? "" : rest.substr(slash + 1);
    if (what == "response" || what == "error") {
      on_result(*env, id, what == "error", request, reply);
    } else {
      reply(runtime_answer(404, error_doc("unknown path " + request.target, "InvalidPath")));
    }
  } else {
    reply(runtime_answer(404, error_doc("unknown path or method", "InvalidPath")));
  }
}

void FunctionPool::on_next(Env& env, Reply reply) {
  if (env.current) {
    // The runtime asks for more work without answering: AWS treats this as a runtime failure.
    finish(env,
           error_doc("RequestId: " + env.current->request_id +
                         " Error: runtime asked for the next invocation without answering",
                     "Runtime.InvalidResponse"),
           "Unhandled");
  }
  if (env.pending_next) {
    (*env.pending_next)(runtime_answer(
        400, error_doc("a second concurrent next request", "InvalidStateTransition")));
  }
  if (env.state == State::kInitializing) {
    env.timer.cancel();
    log::debug("host", "runtime_ready", {{"function", spec_.name}, {"env", env.id}});
  }
  env.state = State::kIdle;
  env.pending_next = std::move(reply);
  pump();
}

void FunctionPool::on_result(Env& env, const std::string& id, bool is_error,
                             const HttpRequest& request, const Reply& reply) {
  if (!env.current || env.current->request_id != id) {
    reply(runtime_answer(400, error_doc("no running invocation " + id, "InvalidRequestID")));
    return;
  }
  if (request.body_too_large) {
    const std::string limit = std::to_string(kMaxResponseBytes);
    HttpResponse r = runtime_answer(
        413, error_doc("Exceeded maximum allowed payload size (" + limit + " bytes).",
                       "RequestEntityTooLarge"));
    r.close = true;
    reply(std::move(r));
    finish(env,
           error_doc(
               "Response payload size exceeded maximum allowed payload size (" + limit + " bytes).",
               "Function.ResponseSizeTooLarge"),
           "Unhandled");
    return;
  }
  reply(runtime_answer(202, R"({"status":"OK"})"));

  std::string payload = request.body;
  if (is_error && payload.empty()) {
    const std::string* type = request.header("Lambda-Runtime-Function-Error-Type");
    payload = error_doc("", type ? *type : "Unhandled");
  }
  finish(env, std::move(payload), is_error ? "Unhandled" : "");
}

void FunctionPool::on_init_error(Env& env, const HttpRequest& request, const Reply& reply) {
  if (env.state != State::kInitializing) {
    reply(runtime_answer(403,
                         error_doc("init/error after initialization", "InvalidStateTransition")));
    return;
  }
  std::string doc = request.body;
  if (doc.empty() || request.body_too_large) {
    const std::string* type = request.header("Lambda-Runtime-Function-Error-Type");
    doc = error_doc("", type ? *type : "Runtime.InitError");
  }
  env.init_error = std::move(doc);
  reply(runtime_answer(202, R"({"status":"OK"})"));
  log::warn("host", "runtime_init_failed", {{"function", spec_.name}, {"env", env.id}});
  // AWS discards an environment whose init failed; its exit delivers the error.
  signal_group(env.pid, SIGKILL);
}

}  // namespace allma::host
