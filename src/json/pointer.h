#pragma once

#include <string>
#include <string_view>

namespace allma::json {

// `pointer` followed by one more reference token, escaped as RFC 6901 says ("~" -> "~0",
// "/" -> "~1"): pointer_append("/steps", "a/b") is "/steps/a~1b". Used to say where in a
// document (flow, functions file, policy) a problem is.
std::string pointer_append(std::string_view pointer, std::string_view token);

}  // namespace allma::json
