#pragma once

#include <sys/types.h>

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace allma::aws::testing {

// A helper process for tests (Python servers and oracles), with pipes to its stdin and stdout;
// its stderr is inherited so failures show in the test log. The destructor closes stdin, gives
// the child a moment to exit, then kills it (SIGKILL) and reaps it, so no test leaves one
// behind. One thread at a time.
class ChildProcess {
 public:
  // Starts `argv[0]` (searched in PATH) with `extra_env` ("K=V") added to the environment.
  // Returns nullopt and sets `error` when fork/exec fails.
  static std::optional<ChildProcess> start(const std::vector<std::string>& argv,
                                           const std::vector<std::string>& extra_env,
                                           std::string& error);

  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&&) = delete;
  ~ChildProcess();

  // Writes all of `text` to the child's stdin. False when the pipe is closed.
  bool write(const std::string& text);

  // Reads one line (without '\n'), waiting at most `timeout`. nullopt on timeout or EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);

  // Closes stdin (the children used here exit on EOF) and waits up to `timeout` for the exit
  // status; returns it, or nullopt if the child is still running.
  std::optional<int> finish(std::chrono::milliseconds timeout);

  pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, int in, int out) : pid_(pid), stdin_(in), stdout_(out) {}

  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  std::string buffer_;
  bool reaped_ = false;
};

// Starts tests/aws/<script> under python3 with `extra_env`, and reads its first stdout line, a
// JSON object, into `ready`. Returns "" on success, else why it failed, including the script's
// own {"error": ...} report (a missing moto, for instance). For SetUpTestSuite, where an
// assertion would only skip the tests: the fixture's SetUp asserts on the returned text.
std::string start_script(const std::string& script, const std::vector<std::string>& extra_env,
                         std::chrono::seconds wait, std::optional<ChildProcess>& process,
                         boost::json::object& ready);

// The absolute path of a file in tests/aws/.
std::string test_script(const std::string& name);

}  // namespace allma::aws::testing
