#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "template/template.h"

namespace allma::tmpl::testing {

// Renders `source` against the JSON text `context`; failures come back as "ERROR: <message>".
inline std::string render(std::string_view source, std::string_view context = "{}") {
  boost::json::value ctx = boost::json::parse(context);
  auto t = Template::parse(source);
  if (!t.ok()) {
    return "ERROR: " + t.error().message;
  }
  auto out = t->render(json::Scope(ctx));
  if (!out.ok()) {
    return "ERROR: " + out.error().message;
  }
  return *out;
}

}  // namespace allma::tmpl::testing
