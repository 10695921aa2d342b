#include "host/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace allma::host {
namespace {

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (!WIFSIGNALED(status)) return "unknown status " + std::to_string(status);
  // Worded as AWS words it (Go's names for signals).
  switch (WTERMSIG(status)) {
    case SIGKILL:
      return "signal: killed";
    case SIGSEGV:
      return "signal: segmentation fault";
    case SIGABRT:
      return "signal: aborted";
    case SIGTERM:
      return "signal: terminated";
    case SIGBUS:
      return "signal: bus error";
    case SIGINT:
      return "signal: interrupt";
    case SIGFPE:
      return "signal: floating point exception";
    case SIGILL:
      return "signal: illegal instruction";
    case SIGPIPE:
      return "signal: broken pipe";
    default:
      return "signal: " + std::to_string(WTERMSIG(status));
  }
}

// The guard and the runtime run in forked children of a multi-threaded process: only
// async-signal-safe calls from here to execve.
constexpr int kHostDiedSignal = SIGUSR1;

void write_stderr(const char* message, std::size_t size) { (void)!write(2, message, size); }

[[noreturn]] void kill_group() {
  kill(0, SIGKILL);  // the whole group, the guard included
  _exit(137);
}

void reset_signals() {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, kHostDiedSignal}) {
    signal(sig, SIG_DFL);
  }
}

[[noreturn]] void exec_runtime(const SpawnSpec& spec, char* const* argv, char* const* envp,
                               pid_t guard) {
  reset_signals();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != guard) _exit(127);
  if (chdir(spec.cwd.c_str()) != 0) {
    constexpr char kMessage[] = "allma host: cannot change to the code directory\n";
    write_stderr(kMessage, sizeof(kMessage) - 1);
    _exit(127);
  }
  execve(spec.program.c_str(), argv, envp);
  constexpr char kMessage[] = "allma host: cannot execute the runtime program\n";
  write_stderr(kMessage, sizeof(kMessage) - 1);
  _exit(127);
}

// Ends the guard the way the runtime ended.
[[noreturn]] void exit_like(int status) {
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    signal(sig, SIG_DFL);
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, sig);
    sigprocmask(SIG_UNBLOCK, &only, nullptr);
    kill(getpid(), sig);
    _exit(128 + sig);
  }
  _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 127);
}

[[noreturn]] void run_guard(const SpawnSpec& spec, char* const* argv, char* const* envp, int out_fd,
                            pid_t parent) {
  setpgid(0, 0);
  reset_signals();
  // The guard takes its two events synchronously (sigwaitinfo below), not in a handler: the
  // host's death (PR_SET_PDEATHSIG) and the runtime's end (SIGCHLD). Blocked, both stay pending
  // until taken, whenever they come. (A handler also missed the host's death under
  // ThreadSanitizer, which defers handlers of a process forked without exec.)
  sigset_t events;
  sigemptyset(&events);
  sigaddset(&events, kHostDiedSignal);
  sigaddset(&events, SIGCHLD);
  sigprocmask(SIG_BLOCK, &events, nullptr);
  prctl(PR_SET_PDEATHSIG, kHostDiedSignal);
  if (getppid() != parent) kill_group();

  const int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd >= 0) dup2(null_fd, 0);
  dup2(out_fd, 1);
  dup2(out_fd, 2);
  syscall(SYS_close_range, 3u, ~0u, 0u);

  // vfork: the runtime borrows the guard's memory until it execs, so starting it costs no copy
  // of the host's page tables (the guard is a fork of the host); exec_runtime only makes
  // system calls, as a vfork child must.
  const pid_t guard = getpid();
  const pid_t runtime = vfork();
  if (runtime < 0) _exit(127);
  if (runtime == 0) exec_runtime(spec, argv, envp, guard);

  // Stopping is the host's business, through the group; the guard outlives the runtime.
  signal(SIGTERM, SIG_IGN);
  signal(SIGINT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(runtime, &status, WNOHANG);
    if (r == runtime) exit_like(status);
    if (r < 0 && errno != EINTR) _exit(127);
    siginfo_t info;
    if (sigwaitinfo(&events, &info) == kHostDiedSignal) kill_group();
  }
}

Error unavailable(const std::string& what) {
  return make_error(ErrorCode::kUnavailable, what + ": " + std::strerror(errno));
}

}  // namespace

Result<ChildProcess> spawn_process(const SpawnSpec& spec) {
  // Everything the child needs is built before fork: the child may not allocate.
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(spec.program.c_str()));
  for (const std::string& a : spec.args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return unavailable("cannot create a pipe");
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    Error e = unavailable("cannot fork");
    close(fds[0]);
    close(fds[1]);
    return e;
  }
  if (pid == 0) run_guard(spec, argv.data(), envp.data(), fds[1], parent);

  close(fds[1]);
  // Also set here, so the group exists before the parent signals it.
  setpgid(pid, pid);
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    Error e = unavailable("cannot watch the runtime process");
    signal_group(pid, SIGKILL);
    reap(pid);
    close(fds[0]);
    return e;
  }
  return ChildProcess{pid, pidfd, fds[0]};
}

void signal_group(pid_t pid, int sig) {
  if (pid <= 0) return;
  if (kill(-pid, sig) != 0) kill(pid, sig);
}

bool group_exists(pid_t pgid) { return pgid > 0 && kill(-pgid, 0) == 0; }

bool has_exited(pid_t pid) {
  siginfo_t info{};
  if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    return true;  // not our child any more: nothing to wait for
  }
  return info.si_pid != 0;
}

std::optional<std::string> try_reap(pid_t pid) {
  int status = 0;
  const pid_t r = waitpid(pid, &status, WNOHANG);
  if (r == 0) return std::nullopt;
  if (r < 0) return std::string("already reaped");
  return describe_status(status);
}

std::string reap(pid_t pid) {
  int status = 0;
  pid_t r;
  do {
    r = waitpid(pid, &status, 0);
  } while (r < 0 && errno == EINTR);
  if (r < 0) return "already reaped";
  return describe_status(status);
}

}  // namespace allma::host
