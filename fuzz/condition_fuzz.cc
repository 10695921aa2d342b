// The transition-condition language. Input: the condition; evaluated against the fixed document
// alone and layered as the engine layers runtime state under the context.

#include <boost/json/object.hpp>

#include "fuzz/fuzz_support.h"
#include "json/condition.h"
#include "json/scope.h"

namespace json = allma::json;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view condition = allma::fuzz::as_text(data, size);
  const boost::json::value& doc = allma::fuzz::fixed_document();

  (void)json::check_condition(condition);
  (void)json::evaluate_condition(condition, json::Scope(doc));

  static const boost::json::object runtime{{"currentStepInstanceId", "a"}, {"store", 1}};
  json::Scope layered{&runtime, &doc.as_object()};
  (void)json::evaluate_condition(condition, layered);
  return 0;
}
