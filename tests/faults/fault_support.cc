#include "fault_support.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

// g++ says __SANITIZE_ADDRESS__, clang 14 only __has_feature(address_sanitizer).
#if defined(__SANITIZE_ADDRESS__)
#define ALLMA_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ALLMA_ADDRESS_SANITIZER 1
#endif
#endif
#ifndef ALLMA_ADDRESS_SANITIZER
#define ALLMA_ADDRESS_SANITIZER 0
#endif

namespace allma::faults {
namespace {

const std::string kAllma = std::string(ALLMA_BINARY_DIR) + "/src/cli/allma";
const std::string kFaultDir = std::string(ALLMA_SOURCE_DIR) + "/tests/faults";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<boost::json::object> json_lines(const std::string& path) {
  std::vector<boost::json::object> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    out.push_back(boost::json::parse(line).as_object());
  }
  return out;
}

// The current environment with `env` applied ("K=V" sets, "K=" removes).
std::vector<std::string> merged_env(const std::vector<std::string>& env) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    bool overridden = false;
    for (const std::string& add : env) {
      if (entry.rfind(add.substr(0, add.find('=') + 1), 0) == 0) overridden = true;
    }
    if (!overridden) out.push_back(entry);
  }
  for (const std::string& add : env) {
    if (add.back() != '=') out.push_back(add);
  }
  return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

Child::Child(const std::vector<std::string>& argv, const std::vector<std::string>& env,
             const std::string& dir)
    : started_(std::chrono::steady_clock::now()) {
  static int counter = 0;
  std::string tag = std::to_string(getpid()) + "-" + std::to_string(++counter);
  out_path_ = dir + "/child-" + tag + ".out";
  err_path_ = dir + "/child-" + tag + ".err";
  std::vector<std::string> env_strings = merged_env(env);
  std::vector<std::string> args = argv;
  std::vector<char*> envp = pointers(env_strings);
  std::vector<char*> argp = pointers(args);
  const char* out = out_path_.c_str();
  const char* err = err_path_.c_str();

  // Only async-signal-safe calls between fork and exec: the test binary has threads.
  pid_ = fork();
  if (pid_ == 0) {
#if !ALLMA_ADDRESS_SANITIZER  // ASan reserves terabytes of shadow address space
    struct rlimit cap = {kMemoryCapBytes, kMemoryCapBytes};
    setrlimit(RLIMIT_AS, &cap);
#endif
    int in_fd = open("/dev/null", O_RDONLY);
    int out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err_fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(argp[0], argp.data(), envp.data());
    _exit(127);
  }
}

Child::~Child() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

RunResult Child::wait(std::chrono::milliseconds limit) {
  RunResult result;
  if (pid_ <= 0 || reaped_) {
    result.err = "not started, or already waited for";
    return result;
  }
  int status = 0;
  struct rusage usage {};
  for (;;) {
    pid_t done = wait4(pid_, &status, WNOHANG, &usage);
    if (done == pid_) break;
    if (std::chrono::steady_clock::now() - started_ > limit) {
      result.timed_out = true;
      ::kill(pid_, SIGKILL);
      wait4(pid_, &status, 0, &usage);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  reaped_ = true;
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started_);
  result.max_rss_kb = usage.ru_maxrss;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.out = slurp(out_path_);
  result.err = slurp(err_path_);
  return result;
}

std::vector<std::string> allma_env() {
  return {"AWS_ACCESS_KEY_ID=testing",
          "AWS_SECRET_ACCESS_KEY=testing",
          "AWS_DEFAULT_REGION=us-east-1",
          "AWS_REGION=us-east-1",
          "AWS_SESSION_TOKEN=",
          "AWS_PROFILE=",
          "AWS_ENDPOINT_URL=",
          "AWS_ENDPOINT_URL_LAMBDA=",
          "ALLMA_CRASH_POINT="};
}

void FaultTest::SetUp() {
  char pattern[] = "/tmp/allma-faults-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  dir_ = pattern;
}

void FaultTest::TearDown() {
  if (dir_.empty()) return;
  umount2(path("disk").c_str(), MNT_DETACH);  // the disk-full test's tmpfs, when mounted
  std::filesystem::remove_all(dir_);
}

void FaultTest::write(const std::string& name, const std::string& bytes) const {
  std::ofstream(path(name), std::ios::binary) << bytes;
}

RunResult FaultTest::run_against(const std::string& flow, const std::string& endpoint) const {
  return allma({"run", flow, "--input", path("input.json"), "--lambda-endpoint", endpoint,
                "--execution-id", kExecutionId});
}

std::vector<std::string> FaultTest::allma_argv(const std::vector<std::string>& args) const {
  std::vector<std::string> argv{kAllma, "--store", store(), "--log-level", "error"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

RunResult FaultTest::allma(const std::vector<std::string>& args,
                           std::chrono::milliseconds limit) const {
  Child child(allma_argv(args), allma_env(), dir_);
  return child.wait(limit);
}

std::string FaultTest::functions(const std::string& file, const std::string& name,
                                 const std::string& mode, const boost::json::object& extra_env,
                                 int timeout_seconds) const {
  boost::json::object env{
      {"FAULT_LOG", path(name + ".log")}, {"FAULT_MODE", mode}, {"FAULT_MARKER", dir_}};
  for (const auto& member : extra_env) env[member.key()] = member.value();
  boost::json::object function{{"name", name},
                               {"runtime", "provided"},
                               {"handler", "fault"},
                               {"codeDir", kFaultDir + "/functions/fault"},
                               {"timeoutSeconds", timeout_seconds},
                               {"environment", env}};
  boost::json::object doc{{"functions", boost::json::array{function}}};
  write(file, boost::json::serialize(doc));
  return path(file);
}

std::vector<boost::json::object> FaultTest::invocations(const std::string& name) const {
  return json_lines(path(name + ".log"));
}

std::string FaultTest::one_step_flow(const std::string& arn,
                                     const boost::json::object& step_extra) const {
  boost::json::object a{{"stepInstanceId", "a"},
                        {"stepType", "CUSTOM_LAMBDA_INVOKE"},
                        {"lambdaFunctionArnTemplate", arn},
                        {"inputMappings", {{"x", "$.x"}}},
                        {"defaultNextStepInstanceId", "end"}};
  for (const auto& member : step_extra) a[member.key()] = member.value();
  boost::json::object flow{
      {"id", "faults"},
      {"version", 1},
      {"startStepInstanceId", "a"},
      {"steps", {{"a", a}, {"end", {{"stepInstanceId", "end"}, {"stepType", "END_FLOW"}}}}}};
  write("flow.json", boost::json::serialize(flow));
  write("input.json", R"({"x":1})");
  return path("flow.json");
}

std::string FaultTest::remote_flow(int retries, int timeout_seconds) const {
  boost::json::object step{
      {"onError", {{"retries", {{"count", retries}, {"intervalSeconds", 0.1}}}}}};
  if (timeout_seconds > 0) step["timeoutSeconds"] = timeout_seconds;
  return one_step_flow("remote", step);
}

boost::json::value FaultTest::show(const std::string& execution_id) const {
  RunResult shown = allma({"executions", "show", "--json", execution_id});
  EXPECT_EQ(shown.exit_code, 0) << "executions show failed: " << shown.err;
  if (shown.exit_code != 0) return nullptr;
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(shown.out, ec);
  EXPECT_FALSE(ec) << "executions show printed something that is not JSON";
  return ec ? boost::json::value() : doc;
}

std::vector<pid_t> FaultTest::marked_processes() const {
  std::vector<pid_t> out;
  const std::string needle = "FAULT_MARKER=" + dir_;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string environment = slurp(entry.path().string() + "/environ");
    std::string status = slurp(entry.path().string() + "/status");
    if (status.find("State:\tZ") != std::string::npos) continue;  // a zombie runs nothing
    for (std::size_t at = 0; at < environment.size();) {
      std::size_t end = environment.find('\0', at);
      if (end == std::string::npos) end = environment.size();
      if (environment.compare(at, end - at, needle) == 0) out.push_back(std::stoi(name));
      at = end + 1;
    }
  }
  return out;
}

FaultServer::FaultServer(const std::string& dir, const std::string& modes)
    : log_(dir + "/server.log") {
  const std::string port_file = dir + "/server.port";
  child_ = std::make_unique<Child>(
      std::vector<std::string>{"/usr/bin/env", "python3", kFaultDir + "/fault_server.py", port_file,
                               log_, modes},
      std::vector<std::string>{}, dir);
  for (int i = 0; i < 400 && port_ == 0; ++i) {
    std::string text = slurp(port_file);
    if (!text.empty()) port_ = std::stoi(text);
    if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_NE(port_, 0) << "fault_server.py did not start";
}

FaultServer::~FaultServer() = default;  // the Child SIGKILLs the server

std::vector<boost::json::object> FaultServer::requests() const { return json_lines(log_); }

int closed_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string string_at(const boost::json::value& doc, const char* pointer) {
  boost::system::error_code ec;
  const boost::json::value* v = doc.find_pointer(pointer, ec);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

std::string execution_status(const boost::json::value& history) {
  const boost::json::object* doc = history.if_object();
  const boost::json::value* execution = doc ? doc->if_contains("execution") : nullptr;
  const boost::json::value* status =
      execution && execution->is_object() ? execution->as_object().if_contains("status") : nullptr;
  return status && status->is_string() ? std::string(status->as_string()) : "";
}

const boost::json::array& attempts(const boost::json::value& history) {
  static const boost::json::array kNone;
  if (!history.is_object()) return kNone;
  const boost::json::value* list = history.as_object().if_contains("attempts");
  return list && list->is_array() ? list->as_array() : kNone;
}

}  // namespace allma::faults
