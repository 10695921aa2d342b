#pragma once

// Internal to src/host/: a small asynchronous HTTP/1.1 server over Boost.Beast. Beast stays in
// http_server.cc; this header only forward-declares the io_context.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace boost::asio {
class io_context;
}

namespace allma::host {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;
  std::string target;           // raw request target, percent-encoded, with the query
  HeaderList headers;           // names as received
  std::string body;             // empty when body_too_large
  bool body_too_large = false;  // the body was over the server's limit and was discarded

  // The first header named `name` (case-insensitive), or nullptr.
  const std::string* header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
  bool close = false;  // close the connection after this response
};

// Delivers the response of one request. Call exactly once, on the server's io_context thread;
// calling it after the server closed is harmless.
using Reply = std::function<void(HttpResponse)>;

// Handles one request. Runs on the io_context thread; must not block. It may call `reply` at
// once or keep it and call it later (long polls, invocations).
using Handler = std::function<void(HttpRequest request, Reply reply)>;

// Accepts connections on one TCP port and runs `handler` for each request, keeping connections
// alive. Bodies over `body_limit` bytes are read and discarded (up to a hard cap, then the
// connection is closed) and the handler sees body_too_large. All methods: io_context thread only
// after listen() returns (listen itself may run before the io_context runs).
class HttpServer {
 public:
  static Result<std::unique_ptr<HttpServer>> listen(boost::asio::io_context& io,
                                                    const std::string& address, uint16_t port,
                                                    std::size_t body_limit, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;

  // Stops accepting, closes every open connection, and wakes requests waiting for a reply.
  // Idempotent.
  void close();

  struct State;

 private:
  explicit HttpServer(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b);

}  // namespace allma::host
