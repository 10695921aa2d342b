// Flow loading and validation. Input: a flow document (JSON); with its first byte odd, loaded
// as the stored format (timestamps required).

#include "flow/flow_loader.h"
#include "fuzz/fuzz_support.h"

namespace flow = allma::flow;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  allma::Result<boost::json::value> doc = allma::json::parse(allma::fuzz::as_text(data, size));
  if (!doc.ok()) {
    return 0;
  }
  flow::LoadOptions options;
  options.require_timestamps = size > 0 && (data[0] & 1) != 0;
  flow::LoadResult loaded = flow::load_flow(*doc, "fuzz.json", options);
  (void)flow::format_issues(loaded.issues);
  return 0;
}
