#pragma once

// Internal to src/host/: starting and stopping runtime processes.

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace allma::host {

struct SpawnSpec {
  std::string program;            // absolute path, executed directly (a #! script is fine)
  std::vector<std::string> args;  // argv[1..]
  std::vector<std::string> env;   // "KEY=value", the whole environment
  std::string cwd;
};

// A started runtime. `pid` is a small guard process, forked from us, that leads a new process
// group and runs the runtime program as its only child in that group. The guard exits as the
// runtime does (same exit status, or the same signal), ignores SIGTERM/SIGINT (the runtime gets
// them through the group), and when the thread that started it dies (PR_SET_PDEATHSIG, e.g. the
// host was SIGKILLed) it SIGKILLs the whole group, so no descendant of the runtime outlives
// the host. The runtime has stdin on /dev/null and stdout and stderr on one pipe whose
// non-blocking read end is `output_fd`. `pidfd` (of the guard) becomes readable when it exits.
// The caller owns both descriptors and must reap the guard.
//
// TODO: a descendant that leaves the runtime's process group (setsid, setpgid) escapes both the
// host's group signals and the guard's final SIGKILL, and may outlive the host. Needs a cgroup
// per runtime, or the guard as a child subreaper that kills what it inherits.
struct ChildProcess {
  pid_t pid = -1;
  int pidfd = -1;
  int output_fd = -1;
};

// Forks and executes `spec`. Fails with kUnavailable when the pipe, pidfd or fork fails. An exec
// failure shows as the child exiting with status 127 after writing a line to its output.
Result<ChildProcess> spawn_process(const SpawnSpec& spec);

// Sends `sig` to the whole process group led by `pid`. Safe while the leader is unreaped.
void signal_group(pid_t pid, int sig);

// True while the process group `pgid` has a member (zombies included).
bool group_exists(pid_t pgid);

// True when `pid` has exited (it is not reaped).
bool has_exited(pid_t pid);

// Reaps `pid` without blocking. Returns how it ended ("exit status 1", "signal: killed") or
// nullopt when it is still running.
std::optional<std::string> try_reap(pid_t pid);

// Reaps `pid`, blocking until it exits. Returns how it ended.
std::string reap(pid_t pid);

}  // namespace allma::host
