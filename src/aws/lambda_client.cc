#include "aws/lambda_client.h"

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "aws/encoding.h"
#include "aws/endpoint.h"
#include "aws/invoke_request.h"
#include "aws/lambda_errors.h"
#include "aws/sigv4.h"
#include "base/log.h"

namespace allma::aws {
namespace {

constexpr std::string_view kComponent = "lambda";
constexpr std::size_t kMaxResponseBytes = 8 * 1024 * 1024;
constexpr int kMaxEvents = 256;  // epoll events taken per wake-up
constexpr std::size_t kConnectionsPerShard = 256;
constexpr std::size_t kMaxShards = 64;
constexpr std::uint64_t kWakeTag = ~std::uint64_t{0};  // epoll tag of the wake-up eventfd
constexpr long kMaxIdleSecondsForReuse = 4;

using Clock = std::chrono::steady_clock;

// One call, from the queue to its callback.
struct Call {
  PreparedInvoke prepared;
  std::optional<Error> early_error;  // set: complete at once, nothing is sent
  engine::FunctionInvoker::Callback done;
  std::chrono::milliseconds timeout{0};

  // Transfer state, owned by the worker thread.
  std::uint32_t shard = 0;  // index of the multi handle it was handed to
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  std::string response_body;
  std::map<std::string, std::string> response_headers;  // lowercased names
  bool too_large = false;
  Clock::time_point started;
  char error_buffer[CURL_ERROR_SIZE] = {};
};

std::string amz_date_now() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[17];
  std::strftime(out, sizeof out, "%Y%m%dT%H%M%SZ", &tm);
  return out;
}

Error transport_error(ErrorCode code, std::string_view cause, std::string message) {
  Error error = make_error(code, std::move(message), "TransientStepError");
  boost::json::object details;
  details["cause"] = cause;
  error.details = std::move(details);
  return error;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  Call* call = static_cast<Call*>(user);
  std::size_t n = size * count;
  if (call->response_body.size() + n > kMaxResponseBytes) {
    call->too_large = true;
    return 0;
  }
  call->response_body.append(data, n);
  return n;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  Call* call = static_cast<Call*>(user);
  std::string_view line(data, size * count);
  if (line.substr(0, 5) == "HTTP/") {
    call->response_headers.clear();  // a new response (after 100 Continue, for instance)
    return line.size();
  }
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return line.size();
  }
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  call->response_headers[name] = std::string(value);
  return line.size();
}

std::string header_of(const Call& call, const std::string& name) {
  auto it = call.response_headers.find(name);
  return it == call.response_headers.end() ? std::string() : it->second;
}

}  // namespace

// The client's thread and its libcurl state.
//
// Transfers are spread over multi handles ("shards", one per 256 of max_connections, at most
// 64), each with its own connection cache, because libcurl 7.88 walks every connection of a
// multi handle once per transfer when it looks for one to reuse, and again in
// curl_multi_remove_handle(); with 10,000 connections open that made a burst quadratic
// (docs/benchmarks.md section 7). A call goes to the shard with the fewest transfers, the first
// one on a tie, so sequential calls all reuse one connection of shard 0. One epoll set watches
// the sockets of every shard and the wake-up eventfd.
class LambdaClient::Worker {
 public:
  Worker(LambdaClientOptions options, std::optional<Endpoint> endpoint)
      : options_(std::move(options)), endpoint_(std::move(endpoint)) {}

  ~Worker() {
    stop();
    close_shards();  // done by the thread unless it never ran
    for (int fd : {wake_fd_, epoll_fd_}) {
      if (fd >= 0) {
        close(fd);
      }
    }
  }

  // Creates the multi handles, the epoll set and the wake-up eventfd. kInternal when libcurl
  // or the kernel refuses one.
  Status open();

  // Completes every pending call with the shutdown error and joins the thread. Idempotent.
  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    wake();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  void start() {
    thread_ = std::thread([this] { run(); });
  }

  void submit(std::unique_ptr<Call> call) {
    bool was_empty = false;
    {
      std::lock_guard lock(mu_);
      if (!closed_) {
        was_empty = incoming_.empty();
        incoming_.push_back(std::move(call));
        call = nullptr;
      }
    }
    if (call != nullptr) {
      // The thread is gone (the client is being destroyed): complete here.
      call->done(transport_error(ErrorCode::kUnavailable, "shutdown",
                                 "lambda client shut down before the call was sent"));
      return;
    }
    // A queue that was not empty already has a wake-up the thread has not acted on yet.
    if (was_empty) {
      wake();
    }
  }

  const std::optional<Endpoint>& endpoint() const { return endpoint_; }
  const LambdaClientOptions& options() const { return options_; }

 private:
  // One libcurl multi handle: its own connection cache, its own timer.
  struct Shard {
    Worker* worker = nullptr;
    CURLM* multi = nullptr;
    std::uint32_t index = 0;
    std::size_t active = 0;                     // transfers handed to `multi`
    std::optional<Clock::time_point> deadline;  // its timer; none when unset
  };

  static int on_socket(CURL* easy, curl_socket_t socket, int what, void* shard, void* socketp);
  static int on_timer(CURLM* multi, long timeout_ms, void* shard);
  void watch(Shard& shard, curl_socket_t socket, int what, bool known);
  void wake();
  void run();
  void wait_and_act();
  int wait_milliseconds() const;
  void act(Shard& shard, curl_socket_t socket, std::uint32_t events);
  void act_on_timeout(Shard& shard);
  bool take_incoming();
  void start_waiting();
  void begin(std::unique_ptr<Call> call);
  curl_slist* signed_headers(Call& call);
  void configure(Call& call);
  void finish_done();
  void complete(Call& call, CURLcode code);
  Result<engine::InvokeResponse> outcome(Call& call, CURLcode code);
  Error transport_outcome(Call& call, CURLcode code);
  void shut_down();
  void close_shards();

  LambdaClientOptions options_;
  std::optional<Endpoint> endpoint_;
  std::vector<Shard> shards_;  // sized once by open(); callbacks hold pointers into it
  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: submit() and stop() write to it, the thread's epoll reads it
  std::thread thread_;

  std::mutex mu_;
  std::deque<std::unique_ptr<Call>> incoming_;  // guarded by mu_
  bool stopping_ = false;                       // guarded by mu_
  bool closed_ = false;                         // guarded by mu_

  // Worker thread only (and the destructor's curl_multi_cleanup, after the thread ended).
  std::deque<std::unique_ptr<Call>> waiting_;      // validated, waiting for a connection
  std::map<CURL*, std::unique_ptr<Call>> active_;  // handed to libcurl
};

Status LambdaClient::Worker::open() {
  std::size_t max = options_.max_connections;
  std::size_t count = std::clamp<std::size_t>(
      (max + kConnectionsPerShard - 1) / kConnectionsPerShard, 1, kMaxShards);
  // Placing each call on the least busy shard keeps every shard within its share of `max`.
  long share = static_cast<long>((max + count - 1) / count);
  shards_.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    Shard& shard = shards_[i];
    shard.worker = this;
    shard.index = static_cast<std::uint32_t>(i);
    shard.multi = curl_multi_init();
    if (shard.multi == nullptr) {
      return make_error(ErrorCode::kInternal, "curl_multi_init failed");
    }
    curl_multi_setopt(shard.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, share);
    curl_multi_setopt(shard.multi, CURLMOPT_MAXCONNECTS, share);
    curl_multi_setopt(shard.multi, CURLMOPT_SOCKETFUNCTION, &Worker::on_socket);
    curl_multi_setopt(shard.multi, CURLMOPT_SOCKETDATA, &shard);
    curl_multi_setopt(shard.multi, CURLMOPT_TIMERFUNCTION, &Worker::on_timer);
    curl_multi_setopt(shard.multi, CURLMOPT_TIMERDATA, &shard);
  }

  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kWakeTag;
  if (epoll_fd_ < 0 || wake_fd_ < 0 || epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event)) {
    return make_error(ErrorCode::kInternal,
                      std::string("cannot set up the event descriptors: ") + std::strerror(errno));
  }
  return ok_status();
}

// libcurl says which events a socket of a transfer now waits for, or that it is done with it.
// `socketp` is what curl_multi_assign() stored for the socket: non-null once it is in epoll.
int LambdaClient::Worker::on_socket(CURL*, curl_socket_t socket, int what, void* shard,
                                    void* socketp) {
  Shard* s = static_cast<Shard*>(shard);
  s->worker->watch(*s, socket, what, socketp != nullptr);
  return 0;
}

// A shard's single timer: -1 deletes it, 0 means "act at once". The loop calls
// curl_multi_socket_action(CURL_SOCKET_TIMEOUT) when it expires, never from here.
int LambdaClient::Worker::on_timer(CURLM*, long timeout_ms, void* shard) {
  Shard* s = static_cast<Shard*>(shard);
  if (timeout_ms < 0) {
    s->deadline.reset();
  } else {
    s->deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  }
  return 0;
}

void LambdaClient::Worker::watch(Shard& shard, curl_socket_t socket, int what, bool known) {
  if (what == CURL_POLL_REMOVE) {
    // libcurl may have closed the socket already (the kernel then dropped it from the set, and
    // its number may come back at once for a new socket, unknown to libcurl and to us).
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, socket, nullptr);
    return;
  }
  epoll_event event{};
  event.events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
  event.data.u64 = (std::uint64_t{shard.index} << 32) | static_cast<std::uint32_t>(socket);
  // A reused number can still be in the set (EEXIST), a known one can be gone (ENOENT).
  int op = known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(epoll_fd_, op, socket, &event) != 0) {
    int retry = errno == EEXIST ? EPOLL_CTL_MOD : errno == ENOENT ? EPOLL_CTL_ADD : -1;
    if (retry < 0 || epoll_ctl(epoll_fd_, retry, socket, &event) != 0) {
      // The transfer then ends by its own timeout.
      log::error(kComponent, "epoll_ctl_failed", {{"errno", errno}});
      return;
    }
  }
  if (!known) {
    curl_multi_assign(shard.multi, socket, &shard);
  }
}

void LambdaClient::Worker::wake() {
  std::uint64_t one = 1;
  // Deliberately unchecked: it fails only when the counter is saturated, which still wakes.
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
}

void LambdaClient::Worker::run() {
  // A write to a connection the peer closed must fail with EPIPE, not kill the process:
  // CURLOPT_NOSIGNAL stops libcurl from ignoring SIGPIPE itself, and TLS writes can raise it.
  sigset_t pipe_signal;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);

  while (take_incoming()) {
    start_waiting();
    wait_and_act();
    // Finished calls free connections for waiting ones, started on the next turn.
    finish_done();
  }
  shut_down();
}

// Waits for the sockets libcurl watches, the wake-up descriptor or a shard's timer, and hands
// each ready socket (only those) to its shard's multi handle.
void LambdaClient::Worker::wait_and_act() {
  std::array<epoll_event, kMaxEvents> events;
  int n = epoll_wait(epoll_fd_, events.data(), kMaxEvents, wait_milliseconds());
  for (int i = 0; i < n; ++i) {
    std::uint64_t tag = events[i].data.u64;
    if (tag == kWakeTag) {
      std::uint64_t count = 0;
      [[maybe_unused]] ssize_t r = read(wake_fd_, &count, sizeof count);
      continue;
    }
    act(shards_[tag >> 32], static_cast<curl_socket_t>(tag & 0xffffffffu), events[i].events);
  }
  Clock::time_point now = Clock::now();
  for (Shard& shard : shards_) {
    if (shard.deadline && now >= *shard.deadline) {
      act_on_timeout(shard);
    }
  }
}

// Until the earliest shard timer, rounded up; -1 (no limit) when none is set.
int LambdaClient::Worker::wait_milliseconds() const {
  std::optional<Clock::time_point> first;
  for (const Shard& shard : shards_) {
    if (shard.deadline && (!first || *shard.deadline < *first)) {
      first = shard.deadline;
    }
  }
  if (!first) {
    return -1;
  }
  auto left = std::chrono::ceil<std::chrono::milliseconds>(*first - Clock::now());
  return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 60'000));
}

void LambdaClient::Worker::act(Shard& shard, curl_socket_t socket, std::uint32_t events) {
  // ERR or HUP alone leave the mask 0: libcurl then checks the socket itself.
  int mask = (events & EPOLLIN ? CURL_CSELECT_IN : 0) | (events & EPOLLOUT ? CURL_CSELECT_OUT : 0);
  int running = 0;
  curl_multi_socket_action(shard.multi, socket, mask, &running);
}

void LambdaClient::Worker::act_on_timeout(Shard& shard) {
  int running = 0;
  curl_multi_socket_action(shard.multi, CURL_SOCKET_TIMEOUT, 0, &running);
  // libcurl calls on_timer only when its next expiry changes, so a wake-up slightly before it
  // would lose the timer: ask for it instead.
  long next_ms = -1;
  curl_multi_timeout(shard.multi, &next_ms);
  on_timer(shard.multi, next_ms, &shard);
}

// Moves new calls to the waiting list, completing the ones that failed validation. Returns
// false once the client is stopping.
bool LambdaClient::Worker::take_incoming() {
  std::deque<std::unique_ptr<Call>> batch;
  bool stopping = false;
  {
    std::lock_guard lock(mu_);
    batch.swap(incoming_);
    stopping = stopping_;
  }
  for (std::unique_ptr<Call>& call : batch) {
    if (call->early_error) {
      call->done(std::move(*call->early_error));
    } else {
      waiting_.push_back(std::move(call));
    }
  }
  return !stopping;
}

void LambdaClient::Worker::start_waiting() {
  while (!waiting_.empty() && active_.size() < options_.max_connections) {
    std::unique_ptr<Call> call = std::move(waiting_.front());
    waiting_.pop_front();
    begin(std::move(call));
  }
}

void LambdaClient::Worker::begin(std::unique_ptr<Call> call) {
  call->header_list = signed_headers(*call);
  CURL* easy = curl_easy_init();
  if (easy == nullptr) {
    curl_slist_free_all(call->header_list);
    call->done(make_error(ErrorCode::kInternal, "curl_easy_init failed"));
    return;
  }
  call->easy = easy;
  configure(*call);
  call->started = Clock::now();
  Shard& shard =
      *std::min_element(shards_.begin(), shards_.end(),
                        [](const Shard& a, const Shard& b) { return a.active < b.active; });
  if (curl_multi_add_handle(shard.multi, easy) != CURLM_OK) {
    curl_easy_cleanup(easy);
    curl_slist_free_all(call->header_list);
    call->done(make_error(ErrorCode::kInternal, "curl_multi_add_handle failed"));
    return;
  }
  ++shard.active;
  call->shard = shard.index;
  active_.emplace(easy, std::move(call));
}

// Signs the call now and returns every header to send, Authorization included.
curl_slist* LambdaClient::Worker::signed_headers(Call& call) {
  PreparedInvoke& p = call.prepared;
  SigningInput input;
  input.method = "POST";
  input.path = p.path;
  input.query = p.query;
  input.headers = p.headers;
  input.payload = std::move(p.payload);  // lent to the signer, not copied
  input.region = p.region;
  input.service = "lambda";
  input.amz_date = amz_date_now();
  Signature signature = sign_v4(input, options_.credentials);
  p.payload = std::move(input.payload);

  curl_slist* list = nullptr;
  for (const auto& [name, value] : p.headers) {
    list = curl_slist_append(list, (name + ": " + value).c_str());
  }
  list = curl_slist_append(list, ("X-Amz-Date: " + input.amz_date).c_str());
  if (!options_.credentials.session_token.empty()) {
    list = curl_slist_append(
        list, ("X-Amz-Security-Token: " + options_.credentials.session_token).c_str());
  }
  list = curl_slist_append(list, ("Authorization: " + signature.authorization).c_str());
  return curl_slist_append(list, "Expect:");  // no 100-continue round trip for large events
}

void LambdaClient::Worker::configure(Call& call) {
  CURL* easy = call.easy;
  const PreparedInvoke& p = call.prepared;
  curl_easy_setopt(easy, CURLOPT_URL, p.url.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, call.header_list);
  curl_easy_setopt(easy, CURLOPT_POST, 1L);
  curl_easy_setopt(easy, CURLOPT_POSTFIELDS, p.payload.data());
  curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(p.payload.size()));
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "allma");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  // Reuse only connections idle for less than common server keep-alive timeouts (Node's 5 s),
  // so libcurl rarely meets one the server already closed (see the TODO in the header).
  curl_easy_setopt(easy, CURLOPT_MAXAGE_CONN, kMaxIdleSecondsForReuse);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(call.timeout.count()));
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min(call.timeout, options_.connect_timeout).count()));
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) {
    curl_easy_setopt(easy, CURLOPT_CAINFO, options_.ca_file.c_str());
  }
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &call);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &call);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, call.error_buffer);
}

void LambdaClient::Worker::finish_done() {
  // Collected first: removing a handle walks libcurl's list of unread messages.
  std::vector<std::pair<CURL*, CURLcode>> finished;
  for (Shard& shard : shards_) {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(shard.multi, &left)) {
      if (msg->msg == CURLMSG_DONE) {
        finished.emplace_back(msg->easy_handle, msg->data.result);
      }
    }
  }
  for (auto [easy, code] : finished) {
    auto it = active_.find(easy);
    if (it == active_.end()) {
      continue;
    }
    std::unique_ptr<Call> call = std::move(it->second);
    active_.erase(it);
    Shard& shard = shards_[call->shard];
    --shard.active;
    curl_multi_remove_handle(shard.multi, easy);
    complete(*call, code);
  }
}

void LambdaClient::Worker::complete(Call& call, CURLcode code) {
  long status = 0;
  curl_easy_getinfo(call.easy, CURLINFO_RESPONSE_CODE, &status);
  auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - call.started);
  log::debug(kComponent, "invoke_request",
             {{"method", "POST"},
              {"host", call.prepared.host_header},
              {"path", call.prepared.path},
              {"status", status},
              {"request_bytes", call.prepared.payload.size()},
              {"response_bytes", call.response_body.size()},
              {"latency_ms", static_cast<long long>(latency.count())},
              {"curl_code", static_cast<int>(code)}});

  Result<engine::InvokeResponse> result = outcome(call, code);
  curl_easy_cleanup(call.easy);
  curl_slist_free_all(call.header_list);
  call.easy = nullptr;
  call.header_list = nullptr;
  call.done(std::move(result));
}

Result<engine::InvokeResponse> LambdaClient::Worker::outcome(Call& call, CURLcode code) {
  if (code != CURLE_OK) {
    return transport_outcome(call, code);
  }
  long status = 0;
  curl_easy_getinfo(call.easy, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    Error error = service_error(static_cast<int>(status), header_of(call, "x-amzn-errortype"),
                                call.response_body, header_of(call, "x-amzn-requestid"));
    return error.in("invoke \"" + call.prepared.display_name + "\"");
  }

  engine::InvokeResponse response;
  response.status_code = static_cast<int>(status);
  response.payload = std::move(call.response_body);
  response.function_error = header_of(call, "x-amz-function-error");
  response.executed_version = header_of(call, "x-amz-executed-version");
  response.request_id = header_of(call, "x-amzn-requestid");
  std::string log_result = header_of(call, "x-amz-log-result");
  if (!log_result.empty()) {
    // Deliberately lenient: a log tail that is not base64 is dropped, not an error.
    response.log_tail = base64_decode(log_result).value_or(std::string());
  }
  return response;
}

Error LambdaClient::Worker::transport_outcome(Call& call, CURLcode code) {
  std::string prefix = "invoke \"" + call.prepared.display_name + "\": ";
  if (call.too_large) {
    return make_error(ErrorCode::kContentError, prefix + "answer is larger than " +
                                                    std::to_string(kMaxResponseBytes) + " bytes");
  }
  std::string detail = call.error_buffer[0] != '\0' ? call.error_buffer : curl_easy_strerror(code);
  long sent = 0;  // bytes of request headers written; 0 when never connected
  curl_easy_getinfo(call.easy, CURLINFO_REQUEST_SIZE, &sent);

  Error error;
  if (code == CURLE_OPERATION_TIMEDOUT && sent > 0) {
    error = transport_error(
        ErrorCode::kDeadlineExceeded, "timeout",
        prefix + "no answer within " + std::to_string(call.timeout.count()) + " ms");
    error.details.as_object()["timeoutMs"] = call.timeout.count();
  } else if (sent == 0 || code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
             code == CURLE_OPERATION_TIMEDOUT) {
    error = transport_error(ErrorCode::kUnavailable, "connection",
                            prefix + "cannot connect: " + detail);
  } else {
    error = transport_error(ErrorCode::kUnavailable, "connection_lost",
                            prefix + "connection lost: " + detail);
  }
  error.details.as_object()["curlCode"] = static_cast<int>(code);
  return error;
}

void LambdaClient::Worker::shut_down() {
  auto shutdown_error = [] {
    return transport_error(ErrorCode::kUnavailable, "shutdown",
                           "lambda client shut down before the answer");
  };
  for (auto& [easy, call] : active_) {
    curl_multi_remove_handle(shards_[call->shard].multi, easy);
    curl_easy_cleanup(easy);
    curl_slist_free_all(call->header_list);
    call->done(shutdown_error());
  }
  active_.clear();
  for (std::unique_ptr<Call>& call : waiting_) {
    call->done(shutdown_error());
  }
  waiting_.clear();

  // On this thread, where SIGPIPE is blocked: closing a TLS connection writes to it.
  close_shards();

  // Calls submitted meanwhile (also from the callbacks above) are completed here too.
  while (true) {
    std::deque<std::unique_ptr<Call>> batch;
    {
      std::lock_guard lock(mu_);
      batch.swap(incoming_);
      if (batch.empty()) {
        closed_ = true;
        return;
      }
    }
    for (std::unique_ptr<Call>& call : batch) {
      call->done(call->early_error ? std::move(*call->early_error) : shutdown_error());
    }
  }
}

// Closes the cached connections and the multi handles. Idempotent.
void LambdaClient::Worker::close_shards() {
  for (Shard& shard : shards_) {
    if (shard.multi != nullptr) {
      curl_multi_cleanup(shard.multi);  // may call on_socket: the epoll set is still open
      shard.multi = nullptr;
    }
  }
}

Result<LambdaClientOptions> lambda_client_options(const Environment& env,
                                                  std::string_view command_line_endpoint) {
  Result<AwsSettings> settings = load_aws_settings(env);
  if (!settings.ok()) {
    return settings.error();
  }
  LambdaClientOptions options;
  options.credentials = std::move(settings->credentials);
  options.default_region = std::move(settings->region);
  options.endpoint_override = resolve_endpoint_override(env, command_line_endpoint);
  return options;
}

Result<std::unique_ptr<LambdaClient>> LambdaClient::create(LambdaClientOptions options) {
  static std::once_flag curl_ready;
  static CURLcode init_code = CURLE_OK;
  std::call_once(curl_ready, [] { init_code = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (init_code != CURLE_OK) {
    return make_error(ErrorCode::kInternal, "libcurl initialisation failed");
  }

  std::optional<Endpoint> endpoint;
  if (!options.endpoint_override.empty()) {
    Result<Endpoint> parsed = parse_endpoint(options.endpoint_override);
    if (!parsed.ok()) {
      return parsed.error();
    }
    endpoint = std::move(*parsed);
  }
  if (options.max_connections == 0) {
    options.max_connections = 1;
  }

  auto worker = std::make_unique<Worker>(std::move(options), std::move(endpoint));
  Status opened = worker->open();
  if (!opened.ok()) {
    return opened.error();
  }
  worker->start();
  return std::unique_ptr<LambdaClient>(new LambdaClient(std::move(worker)));
}

LambdaClient::LambdaClient(std::unique_ptr<Worker> worker) : worker_(std::move(worker)) {}

LambdaClient::~LambdaClient() { worker_->stop(); }

void LambdaClient::invoke(engine::InvokeRequest request, Callback done) {
  auto call = std::make_unique<Call>();
  call->done = std::move(done);
  call->timeout = request.timeout;
  Result<PreparedInvoke> prepared =
      prepare_invoke(request, worker_->endpoint(), worker_->options().default_region);
  if (prepared.ok()) {
    call->prepared = std::move(*prepared);
  } else {
    call->early_error = std::move(prepared).error();
  }
  worker_->submit(std::move(call));
}

}  // namespace allma::aws
