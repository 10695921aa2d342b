#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "base/result.h"

namespace allma::json {

// Writes `v` into `root` at an input-mapping target key (reference section 6.1): a dot path
// "a.b.c" where "[n]" (digits only) is the same as ".n"; every other character is part of a key
// ("a['x']" is the key "a['x']"). Missing or null intermediates are created, as an array when
// the next segment is all digits (DESIGN.md D7), else as an object; a null `root` becomes an
// object. The last segment is replaced; writing past an array's end pads it with null.
// Errors (kInvalidArgument, name "InvalidTarget", root unchanged): an empty segment, a segment
// below a string/number/boolean ("cannot write 'a.b.c': 'a.b' is a string"), a name segment on
// an array, an index over 1,000,000.
Status set_dot(boost::json::value& root, std::string_view dot_path, boost::json::value v);

// An output-mapping target (reference section 9.7 with DESIGN.md D7): "$.a.b", "$.a.items[0].x",
// "$['odd key'].x". Only member and index segments; a numeric segment creates an array when the
// member is missing or null. "$" or "$." is the whole root. Immutable; thread-safe.
class TargetPath {
 public:
  // Errors: kInvalidArgument, name "InvalidPath", with the position (see JsonPath::parse), also
  // for wildcards, filters, slices, unions, `..` and negative indices.
  static Result<TargetPath> parse(std::string_view text);

  // Writes `v` at this path in `root` (a null root becomes an object), replacing what was there.
  // For "$" an object `v` is merged into the root member by member (shallow); any other value
  // is an error. Writing below a string/number/boolean or a name segment on an array is an
  // error naming the segment (kInvalidArgument, "InvalidTarget"); `root` is then unchanged.
  Status write(boost::json::value& root, boost::json::value v) const;

  const std::string& text() const { return text_; }

 private:
  struct Step {
    std::string name;
    std::int64_t index = -1;  // canonical array index the name denotes, else -1
  };
  std::string text_;
  std::vector<Step> steps_;
};

}  // namespace allma::json
