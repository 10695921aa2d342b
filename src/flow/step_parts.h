#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "flow/checker.h"
#include "flow/flow.h"

namespace allma::flow::internal {

// Parts of build_step() (step_parts.cc): each reads its members of step object `o` (at
// pointer `ptr`) into `step`, reporting problems through `c`.
void parse_on_error(Checker& c, const boost::json::object& o, const std::string& ptr, Step& step);
void parse_delay(Checker& c, const boost::json::object& o, const std::string& ptr, Step& step);
// outputValidation.requiredFields and the S3 offload flags.
void parse_output_validation(Checker& c, const boost::json::object& o, const std::string& ptr,
                             Step& step);

}  // namespace allma::flow::internal
