#pragma once

// Running the real `allma` binary (or any program) from tests: spawn with extra environment,
// feed standard input, capture standard output and error, wait or kill.

#include <sys/types.h>

#include <string>
#include <vector>

namespace allma::testing {

// The `allma` binary of this build tree.
std::string allma_binary();

struct ProcessResult {
  int exit_code = -1;    // the exit status, or -1 when killed by a signal
  int signal = 0;        // the signal that killed it, or 0
  std::string out, err;  // what it wrote
};

class Process {
 public:
  // Starts `argv[0]` with `argv`, the current environment plus `env` ("K=V"; a "K=" entry with
  // an empty value removes K), `stdin_text` on standard input. Output goes to files in /tmp.
  Process(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
          const std::string& stdin_text = "");
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  void kill(int signal);
  ProcessResult wait();  // waits for the end; reads the captured output

 private:
  pid_t pid_ = -1;
  bool waited_ = false;
  std::string out_path_, err_path_, in_path_;
};

// Runs to the end.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::vector<std::string>& env = {},
                          const std::string& stdin_text = "");

}  // namespace allma::testing
