// Differential test: select() against npm jsonpath-plus 10.4.0 (the dialect of DESIGN.md D6) on
// generated documents and paths. Requires node on PATH and jsonpath-plus under tools/node; the
// test fails when either is missing. Cases where DESIGN.md departs from jsonpath-plus (negative
// indices, quoted unions) are not generated here; jsonpath_test.cc covers them.
#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "json/compare.h"
#include "json/jsonpath.h"
#include "json/stringify.h"

namespace allma::json {
namespace {

// Keys avoid integer-like names: JS orders those first in objects, Boost keeps insertion order.
const std::vector<std::string> kKeys = {"a", "b", "c", "x", "price", "tag", "name", "b c", "d.e"};
const std::vector<std::string> kStrings = {"x", "y", "10", "", "abc", "5"};

class Gen {
 public:
  explicit Gen(unsigned seed) : rng_(seed) {}
  int pick(int n) { return static_cast<int>(rng_() % static_cast<unsigned>(n)); }

  boost::json::value doc(int depth) {
    const int kind = depth >= 4 ? pick(5) : depth < 3 && pick(10) < 7 ? 5 + pick(3) : pick(8);
    switch (kind) {
      case 0: return pick(20) - 5;
      case 1: return (pick(40) - 10) / 4.0;
      case 2: return boost::json::string(kStrings[pick(static_cast<int>(kStrings.size()))]);
      case 3: return pick(2) == 0;
      case 4: return nullptr;
      case 5: case 6: {
        boost::json::object obj;
        for (const std::string& k : kKeys) {
          if (pick(k.size() > 1 && k != "tag" && k != "name" && k != "price" ? 5 : 2) == 0) {
            obj[k] = doc(depth + 1);
          }
        }
        return obj;
      }
      default: {
        boost::json::array arr;
        for (int n = 1 + pick(4); n > 0; --n) arr.push_back(doc(depth + 1));
        return arr;
      }
    }
  }

  std::string key() { return kKeys[pick(static_cast<int>(kKeys.size()))]; }
  std::string simple_key() { return kKeys[pick(7)]; }

  std::string literal() {
    switch (pick(5)) {
      case 0: return std::to_string(pick(20) - 5);
      case 1: return "'" + kStrings[pick(static_cast<int>(kStrings.size()))] + "'";
      case 2: return pick(2) ? "true" : "false";
      case 3: return "null";
      default: return std::to_string(pick(10)) + ".5";
    }
  }

  std::string comparison() {
    static const char* kOps[] = {"==", "===", "!=", "!==", "<", "<=", ">", ">="};
    std::string left;
    switch (pick(6)) {
      case 0: left = "@ "; break;
      case 1: left = "@property"; break;
      case 2: left = "@.length"; break;
      case 3: left = "@." + simple_key() + " + 1"; break;
      default: left = "@." + simple_key();
    }
    return left + " " + kOps[pick(8)] + " " + literal();
  }

  std::string filter() {
    switch (pick(6)) {
      case 0: return "[?(" + comparison() + " && " + comparison() + ")]";
      case 1: return "[?(" + comparison() + " || " + comparison() + ")]";
      case 2: return "[?(!@." + simple_key() + ")]";
      case 3: return "[?(@." + simple_key() + ")]";
      default: return "[?(" + comparison() + ")]";
    }
  }

  std::string segment() {
    switch (pick(16)) {
      case 0: case 1: case 2: return "." + simple_key();
      case 3: return "['" + key() + "']";
      case 4: return "[\"" + key() + "\"]";
      case 5: return "[" + std::to_string(pick(4)) + "]";
      case 6: return ".*";
      case 7: return "[*]";
      case 8: return ".." + simple_key();
      case 9: return "..*";
      case 10: return "[" + std::to_string(pick(3)) + "," + std::to_string(pick(4)) + "]";
      case 11: return "[" + simple_key() + "," + simple_key() + "]";
      case 12: return "[" + std::to_string(pick(3)) + ":" + std::to_string(pick(5) - 1) + "]";
      case 13: return "[-" + std::to_string(1 + pick(3)) + ":]";
      case 14: return "[::" + std::to_string(1 + pick(2)) + "]";
      default: return filter();
    }
  }

  std::string path() {
    std::string p = "$";
    for (int n = 1 + pick(3); n > 0; --n) p += segment();
    if (pick(10) == 0) p += ".length";
    return p;
  }

 private:
  std::mt19937 rng_;
};

// JSON equality with JS number semantics (int, uint and double alike).
bool same(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_object() && b.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& m : x) {
      const boost::json::value* other = y.if_contains(m.key());
      if (other == nullptr || !same(m.value(), *other)) return false;
    }
    return true;
  }
  if (a.is_array() && b.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!same(x[i], y[i])) return false;
    }
    return true;
  }
  return strict_equals(&a, &b);
}

std::string temp_file(const char* name) {
  return ::testing::TempDir() + "/" + name + std::to_string(::getpid());
}

TEST(JsonPathDifferential, MatchesJsonpathPlusOnGeneratedCases) {
  ASSERT_EQ(std::system("command -v node > /dev/null 2>&1"), 0) << "node is not on PATH";
  const std::string package = std::string(ALLMA_SOURCE_DIR) + "/tools/node/node_modules/jsonpath-plus";
  ASSERT_TRUE(std::ifstream(package + "/package.json").good()) << "missing " << package;

  Gen gen(20240601);
  struct Case {
    boost::json::value doc;
    std::string path;
  };
  std::vector<Case> cases;
  const std::string in_path = temp_file("jp_in");
  const std::string out_path = temp_file("jp_out");
  {
    std::ofstream in(in_path);
    for (int i = 0; i < 3000; ++i) {
      Case c{gen.doc(0), gen.path()};
      if (i % 3 == 0) c.doc = boost::json::object{{"a", gen.doc(1)}, {"b", gen.doc(1)}, {"price", gen.doc(2)}};
      in << stringify(boost::json::object{{"path", c.path}, {"json", c.doc}}) << "\n";
      cases.push_back(std::move(c));
    }
  }
  const std::string script = std::string(ALLMA_SOURCE_DIR) + "/tests/json/jsonpath_oracle.js";
  const std::string command =
      "node '" + script + "' '" + package + "' < '" + in_path + "' > '" + out_path + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;

  std::ifstream out(out_path);
  std::string line;
  std::size_t index = 0, compared = 0, failures = 0, non_empty = 0;
  while (std::getline(out, line) && index < cases.size()) {
    const Case& c = cases[index++];
    const boost::json::value answer = boost::json::parse(line);
    Result<JsonPath> path = JsonPath::parse(c.path);
    ASSERT_TRUE(path.ok()) << path.error().message;
    boost::json::value scratch;
    boost::json::array ours;
    for (const boost::json::value* v : select(*path, Scope(c.doc), scratch)) ours.push_back(*v);
    boost::json::value expected = boost::json::array();
    if (answer.at("ok").as_bool()) {
      // jsonpath-plus answers undefined (no "result") for a falsy document: nothing selected.
      if (const boost::json::value* r = answer.as_object().if_contains("result")) expected = *r;
    } else {
      // jsonpath-plus throws when a filter reads a member of undefined; select() yields nothing.
      const std::string error(answer.at("error").as_string());
      ASSERT_NE(error.find("Cannot read properties"), std::string::npos) << c.path << ": " << error;
    }
    ++compared;
    if (!ours.empty()) ++non_empty;
    if (!same(ours, expected) && ++failures <= 20) {
      ADD_FAILURE() << "path " << c.path << "\n doc " << stringify(c.doc) << "\n ours "
                    << stringify(ours) << "\n jsonpath-plus " << stringify(expected);
    }
  }
  EXPECT_EQ(compared, cases.size());
  // The generator must exercise real selections, not only empty ones.
  EXPECT_GT(non_empty, cases.size() / 5);
  EXPECT_EQ(failures, 0u);
  std::remove(in_path.c_str());
  std::remove(out_path.c_str());
}

}  // namespace
}  // namespace allma::json
