#include "host/http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <exception>
#include <list>

#include "base/log.h"

namespace allma::host {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using namespace std::chrono_literals;

// A body over the limit is read and thrown away up to this size, so the client can read our
// 413 answer; beyond it the connection is closed after the answer.
constexpr std::size_t kDrainCap = 64u << 20;
// Time allowed to receive one request, and to send one response.
constexpr auto kIoTimeout = 120s;

auto ec_awaitable(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// Where a handler's reply lands; the connection waits on `signal` until it is set.
struct ReplySlot {
  explicit ReplySlot(const asio::any_io_executor& ex)
      : signal(ex, asio::steady_timer::time_point::max()) {}
  asio::steady_timer signal;
  std::optional<HttpResponse> response;
  bool abandoned = false;
};

struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  std::shared_ptr<ReplySlot> waiting;
};

struct ReadResult {
  bool ok = false;
  bool keep_alive = false;
  HttpRequest request;
};

void copy_header(const http::request_parser<http::string_body>& parser, ReadResult& out) {
  const auto& h = parser.get();
  out.request.method = std::string(h.method_string());
  out.request.target = std::string(h.target());
  for (const auto& field : h) {
    out.request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.keep_alive = h.keep_alive();
}

asio::awaitable<bool> drain_body(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                 http::request_parser<http::string_body>&& parser) {
  http::request_parser<http::buffer_body> sink{std::move(parser)};
  sink.body_limit(boost::none);
  std::array<char, 16384> scratch;
  while (!sink.is_done()) {
    sink.get().body().data = scratch.data();
    sink.get().body().size = scratch.size();
    error_code ec;
    co_await http::async_read(stream, buffer, sink, ec_awaitable(ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return false;
  }
  co_return true;
}

asio::awaitable<ReadResult> read_request(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                         std::size_t limit) {
  ReadResult out;
  error_code ec;
  http::request_parser<http::string_body> parser;
  parser.header_limit(64 * 1024);
  // Beast checks Content-Length against the body limit while parsing the header; the limit is
  // set after it, so an oversized request still gets its answer.
  parser.body_limit(boost::none);
  stream.expires_after(kIoTimeout);
  co_await http::async_read_header(stream, buffer, parser, ec_awaitable(ec));
  // TODO: a request whose header is over 64 KB, or malformed, is dropped without an answer;
  // clients see the connection close. Needs a 431/400 answer before closing.
  if (ec) co_return out;
  copy_header(parser, out);
  parser.body_limit(limit);

  const auto length = parser.content_length();
  const bool over = length && *length > limit;
  const bool expects_continue = iequals(parser.get()[http::field::expect], "100-continue");
  if (over && (expects_continue || *length > kDrainCap)) {
    // The client has not sent the body (or it is too big to drain): answer, then close.
    out.request.body_too_large = true;
    out.keep_alive = false;
    out.ok = true;
    co_return out;
  }

  if (expects_continue && !parser.is_done()) {
    http::response<http::empty_body> proceed{http::status::continue_, parser.get().version()};
    co_await http::async_write(stream, proceed, ec_awaitable(ec));
    if (ec) co_return out;
  }

  if (over) {
    out.request.body_too_large = true;
    out.ok = co_await drain_body(stream, buffer, std::move(parser));
    co_return out;
  }

  co_await http::async_read(stream, buffer, parser, ec_awaitable(ec));
  if (ec == http::error::body_limit) {
    out.request.body_too_large = true;
    out.keep_alive = false;
    out.ok = true;
    co_return out;
  }
  if (ec) co_return out;
  out.request.body = std::move(parser.get().body());
  out.ok = true;
  co_return out;
}

asio::awaitable<bool> write_response(beast::tcp_stream& stream, HttpResponse r, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), 11};
  for (auto& [name, value] : r.headers) res.insert(name, value);
  if (r.status == 204 || r.status == 304) {
    res.keep_alive(keep_alive);
  } else {
    res.body() = std::move(r.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
  }
  error_code ec;
  stream.expires_after(kIoTimeout);
  co_await http::async_write(stream, res, ec_awaitable(ec));
  co_return !ec;
}

void log_failure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    log::error("host", "http_connection_failed", {{"what", ex.what()}});
  } catch (...) {
    log::error("host", "http_connection_failed");
  }
}

}  // namespace

struct HttpServer::State {
  explicit State(asio::io_context& io) : acceptor(io) {}
  tcp::acceptor acceptor;
  Handler handler;
  std::size_t body_limit = 0;
  bool closed = false;
  uint16_t port = 0;
  std::list<std::weak_ptr<Connection>> connections;
};

namespace {

// Waits for the handler's reply to one request. Returns nullopt when the server closed first.
asio::awaitable<std::optional<HttpResponse>> handle(HttpServer::State& st, Connection& conn,
                                                    HttpRequest request) {
  auto slot = std::make_shared<ReplySlot>(conn.stream.get_executor());
  conn.waiting = slot;
  std::weak_ptr<ReplySlot> weak = slot;
  st.handler(std::move(request), [weak](HttpResponse response) {
    std::shared_ptr<ReplySlot> s = weak.lock();
    if (!s || s->response) return;
    s->response = std::move(response);
    s->signal.cancel();
  });
  if (!slot->response && !slot->abandoned) {
    error_code ec;
    co_await slot->signal.async_wait(ec_awaitable(ec));
  }
  conn.waiting.reset();
  co_return std::move(slot->response);
}

asio::awaitable<void> serve(std::shared_ptr<HttpServer::State> st,
                            std::shared_ptr<Connection> conn) {
  auto self = st->connections.insert(st->connections.end(), conn);
  beast::flat_buffer buffer;
  while (!st->closed) {
    ReadResult in = co_await read_request(conn->stream, buffer, st->body_limit);
    if (!in.ok || st->closed) break;
    conn->stream.expires_never();
    std::optional<HttpResponse> out = co_await handle(*st, *conn, std::move(in.request));
    if (!out || st->closed) break;
    const bool keep_alive = in.keep_alive && !out->close;
    if (!co_await write_response(conn->stream, std::move(*out), keep_alive) || !keep_alive) break;
  }
  error_code ignored;
  conn->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  conn->stream.socket().close(ignored);
  st->connections.erase(self);
}

asio::awaitable<void> accept_loop(std::shared_ptr<HttpServer::State> st) {
  asio::steady_timer backoff(st->acceptor.get_executor());
  while (!st->closed) {
    error_code ec;
    tcp::socket socket = co_await st->acceptor.async_accept(ec_awaitable(ec));
    if (st->closed) break;
    if (ec) {
      // Out of descriptors and the like: wait a little instead of spinning.
      log::warn("host", "accept_failed", {{"error", ec.message()}});
      backoff.expires_after(100ms);
      co_await backoff.async_wait(ec_awaitable(ec));
      continue;
    }
    auto conn = std::make_shared<Connection>(std::move(socket));
    asio::co_spawn(st->acceptor.get_executor(), serve(st, std::move(conn)), log_failure);
  }
}

}  // namespace

const std::string* HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return &value;
  }
  return nullptr;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

Result<std::unique_ptr<HttpServer>> HttpServer::listen(asio::io_context& io,
                                                       const std::string& address, uint16_t port,
                                                       std::size_t body_limit, Handler handler) {
  error_code ec;
  const asio::ip::address ip = asio::ip::make_address(address, ec);
  if (ec) {
    return make_error(ErrorCode::kInvalidArgument, "not an IP address: \"" + address + "\"");
  }
  auto st = std::make_shared<State>(io);
  st->handler = std::move(handler);
  st->body_limit = body_limit;
  const tcp::endpoint endpoint(ip, port);
  const std::string where = address + ":" + std::to_string(port);
  st->acceptor.open(endpoint.protocol(), ec);
  if (!ec) st->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) st->acceptor.bind(endpoint, ec);
  if (!ec) st->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) st->port = st->acceptor.local_endpoint(ec).port();
  if (ec) {
    return make_error(ErrorCode::kUnavailable, "cannot listen on " + where + ": " + ec.message());
  }
  asio::co_spawn(io, accept_loop(st), log_failure);
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(st)));
}

HttpServer::HttpServer(std::shared_ptr<State> state) : state_(std::move(state)) {}

HttpServer::~HttpServer() { close(); }

uint16_t HttpServer::port() const { return state_->port; }

void HttpServer::close() {
  State& st = *state_;
  if (st.closed) return;
  st.closed = true;
  error_code ignored;
  st.acceptor.close(ignored);
  for (const auto& weak : st.connections) {
    std::shared_ptr<Connection> conn = weak.lock();
    if (!conn) continue;
    conn->stream.socket().close(ignored);
    if (conn->waiting) {
      conn->waiting->abandoned = true;
      conn->waiting->signal.cancel();
    }
  }
}

}  // namespace allma::host
