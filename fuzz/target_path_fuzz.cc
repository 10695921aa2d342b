// Output-mapping targets (TargetPath) and input-mapping targets (set_dot). Input: the target on
// the first line; the rest, when it is a JSON document, is the root to write into (else null).

#include "fuzz/fuzz_support.h"
#include "json/target_path.h"

namespace json = allma::json;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto [target, rest] = allma::fuzz::split_first_line(allma::fuzz::as_text(data, size));
  boost::json::value root = allma::fuzz::parse_or_null(rest);
  const boost::json::value value = boost::json::object{{"written", true}};

  allma::Result<json::TargetPath> path = json::TargetPath::parse(target);
  if (path.ok()) {
    boost::json::value copy = root;
    (void)path->write(copy, value);
    (void)path->write(copy, boost::json::value(7));  // over what the first write made
    boost::json::value fresh;
    (void)path->write(fresh, root);
  }

  boost::json::value copy = root;
  (void)json::set_dot(copy, target, value);
  (void)json::set_dot(copy, target, boost::json::value(nullptr));
  return 0;
}
