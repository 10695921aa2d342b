#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aws/endpoint.h"
#include "base/result.h"
#include "engine/function_invoker.h"

namespace allma::aws {

// An Invoke API call checked and laid out for the wire, not yet signed.
struct PreparedInvoke {
  std::string url;                                           // full URL, query included
  std::string path;                                          // as on the wire, percent-encoded
  std::string query;                                         // "Qualifier=prod" or empty
  std::string region;                                        // signing region
  std::string host_header;                                   // Host
  std::vector<std::pair<std::string, std::string>> headers;  // to sign and send, Host included
  std::string payload;
  std::string display_name;  // the function name as given, for messages
};

// Validates `request` (see LambdaClient for the errors) and builds its URL, path, query and
// headers. `endpoint_override` is used when set, else the regional endpoint of the name's
// region or `default_region`. Pure; any thread. Consumes request.payload.
Result<PreparedInvoke> prepare_invoke(engine::InvokeRequest& request,
                                      const std::optional<Endpoint>& endpoint_override,
                                      std::string_view default_region);

}  // namespace allma::aws
