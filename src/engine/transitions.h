#pragma once

#include <string>
#include <unordered_map>

#include <boost/json/object.hpp>

#include "base/result.h"
#include "flow/flow.h"

namespace allma::engine {

struct NextStep {
  std::string step_id;      // empty: the path ends here
  std::string counter_key;  // the transition counter advanced, empty when none was
};

// Chooses where the flow goes after `step` (reference §10.1, §10.3): the first transition whose
// condition holds, else the default next step, else the end of the path; then applies the
// transition limit, advancing `counts`. Errors: a condition that cannot be evaluated, and
// PermanentStepError "Infinite loop prevented: ..." when a limit is reached (`counts` unchanged).
Result<NextStep> choose_next(const flow::Step& step, const boost::json::object& context,
                             const boost::json::object& runtime,
                             std::unordered_map<std::string, int>& counts);

}  // namespace allma::engine
