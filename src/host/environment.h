#pragma once

// Internal to src/host/ (function_pool.cc and runtime_api.cc): one execution environment, a
// runtime process with its own Runtime API port. Includes Asio; never include it elsewhere.

#include <sys/types.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "host/function_pool.h"

namespace allma::host {

struct FunctionPool::Environment {
  explicit Environment(boost::asio::io_context& io) : pid_watch(io), output(io), timer(io) {}

  enum class State { kInitializing, kIdle, kBusy, kDead };

  int id = 0;
  pid_t pid = -1;
  boost::asio::posix::stream_descriptor pid_watch;
  boost::asio::posix::stream_descriptor output;
  boost::asio::steady_timer timer;  // init timeout, then each invocation's timeout
  std::unique_ptr<HttpServer> api;
  State state = State::kInitializing;
  std::optional<Reply> pending_next;    // the runtime's long poll, while kIdle
  std::shared_ptr<Invocation> current;  // while kBusy; null once answered
  std::string init_log;                 // output before the first invocation
  std::string init_error;               // the document posted to /init/error
  bool init_timed_out = false;
  std::array<char, 8192> read_buffer{};
};

// {"errorMessage": message, "errorType": type}; no errorType when `type` is empty.
std::string error_doc(std::string_view message, std::string_view type);

// A Runtime API answer with a JSON body.
HttpResponse runtime_answer(int status, std::string body);

}  // namespace allma::host
