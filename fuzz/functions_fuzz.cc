// Function-declaration documents (functions.json). Input: the document; relative code
// directories resolve against examples/insurance-quote so the seeds' declarations are valid.

#include "fuzz/fuzz_support.h"
#include "host/function_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  allma::Result<boost::json::value> doc = allma::json::parse(allma::fuzz::as_text(data, size));
  if (!doc.ok()) {
    return 0;
  }
  (void)allma::host::parse_functions(*doc, ALLMA_SOURCE_DIR "/examples/insurance-quote",
                                     "functions.json");
  return 0;
}
