#include "process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

extern char** environ;

namespace allma::testing {
namespace {

std::string temp_file(const char* tag) {
  std::string pattern = std::string("/tmp/allma-proc-") + tag + "-XXXXXX";
  int fd = mkstemp(pattern.data());
  if (fd >= 0) close(fd);
  return pattern;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string allma_binary() { return std::string(ALLMA_BINARY_DIR) + "/src/cli/allma"; }

Process::Process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                 const std::string& stdin_text)
    : out_path_(temp_file("out")), err_path_(temp_file("err")), in_path_(temp_file("in")) {
  std::ofstream(in_path_, std::ios::binary) << stdin_text;

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    bool overridden = false;
    for (const std::string& add : env) {
      std::string key = add.substr(0, add.find('=') + 1);
      if (entry.rfind(key, 0) == 0) overridden = true;
    }
    if (!overridden) env_strings.push_back(entry);
  }
  for (const std::string& add : env) {
    if (add.back() != '=') env_strings.push_back(add);
  }
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> argp;
  for (std::string& s : args) argp.push_back(s.data());
  argp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path_.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path_.c_str(), O_WRONLY | O_TRUNC, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err_path_.c_str(), O_WRONLY | O_TRUNC, 0);
  if (posix_spawnp(&pid_, argp[0], &actions, nullptr, argp.data(), envp.data()) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&actions);
}

Process::~Process() {
  if (pid_ > 0 && !waited_) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::remove(out_path_.c_str());
  std::remove(err_path_.c_str());
  std::remove(in_path_.c_str());
}

void Process::kill(int signal) {
  if (pid_ > 0 && !waited_) ::kill(pid_, signal);
}

ProcessResult Process::wait() {
  ProcessResult result;
  if (pid_ <= 0) {
    result.err = "could not start the process";
    return result;
  }
  int status = 0;
  if (!waited_) waitpid(pid_, &status, 0);
  waited_ = true;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.out = slurp(out_path_);
  result.err = slurp(err_path_);
  return result;
}

ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::string>& env, const std::string& stdin_text) {
  Process p(argv, env, stdin_text);
  return p.wait();
}

}  // namespace allma::testing
