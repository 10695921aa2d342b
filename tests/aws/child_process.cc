#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;  // NOLINT: POSIX

namespace allma::aws::testing {

std::optional<ChildProcess> ChildProcess::start(const std::vector<std::string>& argv,
                                                const std::vector<std::string>& extra_env,
                                                std::string& error) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    error = std::string("pipe: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::vector<std::string> env_strings;
  for (char** p = environ; *p != nullptr; ++p) {
    env_strings.emplace_back(*p);
  }
  for (const std::string& e : extra_env) {
    env_strings.push_back(e);
  }
  std::vector<char*> envp, args;
  for (std::string& e : env_strings) {
    envp.push_back(e.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (std::string& a : argv_copy) {
    args.push_back(a.data());
  }
  args.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    error = std::string("fork: ") + std::strerror(errno);
    return std::nullopt;
  }
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    execvpe(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  signal(SIGPIPE, SIG_IGN);
  return ChildProcess(pid, in[1], out[0]);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_),
      stdin_(other.stdin_),
      stdout_(other.stdout_),
      buffer_(std::move(other.buffer_)),
      reaped_(other.reaped_) {
  other.pid_ = -1;
  other.stdin_ = -1;
  other.stdout_ = -1;
}

ChildProcess::~ChildProcess() {
  if (pid_ < 0) {
    return;
  }
  if (!finish(std::chrono::milliseconds(5000))) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (stdout_ >= 0) {
    close(stdout_);
  }
}

bool ChildProcess::write(const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(stdin_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return std::nullopt;
    }
    pollfd fd{stdout_, POLLIN, 0};
    int ready = poll(&fd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      return std::nullopt;
    }
    char chunk[65536];
    ssize_t n = read(stdout_, chunk, sizeof chunk);
    if (n <= 0) {
      return std::nullopt;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

std::optional<int> ChildProcess::finish(std::chrono::milliseconds timeout) {
  if (stdin_ >= 0) {
    close(stdin_);
    stdin_ = -1;
  }
  if (reaped_) {
    return 0;
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return std::nullopt;
    }
    // Polling a child's exit; not a test sleep.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::string start_script(const std::string& script, const std::vector<std::string>& extra_env,
                         std::chrono::seconds wait, std::optional<ChildProcess>& process,
                         boost::json::object& ready) {
  std::string error;
  std::optional<ChildProcess> started =
      ChildProcess::start({"python3", test_script(script)}, extra_env, error);
  if (!started) {
    return "cannot start " + script + ": " + error;
  }
  process.emplace(std::move(*started));
  std::optional<std::string> line = process->read_line(wait);
  if (!line) {
    return script + " printed nothing within " + std::to_string(wait.count()) +
           " s (is python3 installed? see its stderr above)";
  }
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(*line, ec);
  if (ec || !parsed.is_object()) {
    return script + " printed something other than a JSON object: " + *line;
  }
  ready = parsed.as_object();
  if (const boost::json::value* reported = ready.if_contains("error")) {
    return script + ": " + boost::json::serialize(*reported);
  }
  return "";
}

std::string test_script(const std::string& name) {
  return std::string(ALLMA_SOURCE_DIR) + "/tests/aws/" + name;
}

}  // namespace allma::aws::testing
