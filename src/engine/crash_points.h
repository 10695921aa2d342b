#pragma once

#include <string_view>

namespace allma::engine {

// Fault injection for the durability tests: when the environment variable ALLMA_CRASH_POINT is
// "<point>:<step id>", the process kills itself with SIGKILL on reaching that point of that step,
// exactly as a crash would. Points: "attempt_recorded" (the attempt is stored, nothing sent),
// "outcome_recorded" (the function answered and the attempt's outcome is stored; the step's
// outcome may be too, as the executor commits the writes of one turn of its loop together),
// "step_recorded" (the step's outcome is stored, the next step not begun),
// "retry_scheduled" (a failed attempt is stored with its retry time, the wait has begun).
// Unset in normal use; reading it costs one comparison per point.
void crash_point(std::string_view point, std::string_view step_id);

}  // namespace allma::engine
