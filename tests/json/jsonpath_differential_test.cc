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
    switch (pick(10)) {
      case 0: left = "@ "; break;
      case 1: left = "@property"; break;
      case 2: left = "@.length"; break;
      case 3: left = "@." + simple_key() + " + 1"; break;
      case 4: left = "@['" + key() + "']"; break;
      case 5: left = "@[" + std::to_string(pick(3)) + "]"; break;
      case 6: left = "@." + simple_key() + "." + simple_key(); break;
      case 7: left = "(@.name.length || @." + simple_key() + ")"; break;
      default: left = "@." + simple_key();
    }
    return left + " " + kOps[pick(8)] + " " + literal();
  }

  std::string filter() {
    switch (pick(8)) {
      case 0: return "[?(" + comparison() + " && " + comparison() + ")]";
      case 1: return "[?(" + comparison() + " || " + comparison() + ")]";
      case 2: return "[?(!@." + simple_key() + ")]";
      case 3: return "[?(@." + simple_key() + ")]";
      case 4: return "[?(!(" + comparison() + ") && (@." + simple_key() + " || @." +
                     simple_key() + "))]";
      case 5: return "[?(@." + simple_key() + " == @." + simple_key() + ")]";
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

struct Case {
  boost::json::value doc;
  std::string path;
};

// Runs every case through select() and through jsonpath-plus (tests/json/jsonpath_oracle.js)
// and reports each disagreement (the first 20) as a test failure.
void expect_same_as_jsonpath_plus(const std::vector<Case>& cases, const char* tag) {
  ASSERT_EQ(std::system("command -v node > /dev/null 2>&1"), 0) << "node is not on PATH";
  const std::string package =
      std::string(ALLMA_SOURCE_DIR) + "/tools/node/node_modules/jsonpath-plus";
  ASSERT_TRUE(std::ifstream(package + "/package.json").good()) << "missing " << package;
  const std::string in_path = temp_file((std::string(tag) + "_in").c_str());
  const std::string out_path = temp_file((std::string(tag) + "_out").c_str());
  {
    std::ofstream in(in_path);
    for (const Case& c : cases) {
      in << stringify(boost::json::object{{"path", c.path}, {"json", c.doc}}) << "\n";
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

TEST(JsonPathDifferential, MatchesJsonpathPlusOnGeneratedCases) {
  Gen gen(20240601);
  std::vector<Case> cases;
  for (int i = 0; i < 3000; ++i) {
    Case c{gen.doc(0), gen.path()};
    if (i % 3 == 0) {
      c.doc = boost::json::object{{"a", gen.doc(1)}, {"b", gen.doc(1)}, {"price", gen.doc(2)}};
    }
    cases.push_back(std::move(c));
  }
  expect_same_as_jsonpath_plus(cases, "jp");
}

// Filters over a list of small records, so that nearly every comparison meets values of its own
// range (equal, just below, just above) and every operator's edge is exercised.
TEST(JsonPathDifferential, FiltersOverRecordsMatchJsonpathPlus) {
  Gen gen(20261204);
  std::vector<Case> cases;
  for (int i = 0; i < 2000; ++i) {
    boost::json::array records;
    for (int n = 3 + gen.pick(6); n > 0; --n) {
      boost::json::object r;
      for (const std::string& k : {std::string("a"), std::string("b"), std::string("price"),
                                   std::string("tag"), std::string("name")}) {
        if (gen.pick(6) == 0) continue;
        switch (gen.pick(7)) {
          case 0: r[k] = gen.pick(2) == 0; break;
          case 1: r[k] = boost::json::string(kStrings[gen.pick(6)]); break;
          case 2: r[k] = nullptr; break;
          case 3: r[k] = gen.pick(10) + 0.5; break;
          case 4: r[k] = boost::json::object{{"a", gen.pick(5)}}; break;
          default: r[k] = gen.pick(12) - 2;
        }
      }
      records.push_back(std::move(r));
    }
    cases.push_back({boost::json::object{{"items", std::move(records)}}, "$.items" + gen.filter()});
  }
  expect_same_as_jsonpath_plus(cases, "jpf");
}

// Splits an object into `n` layers: every member goes to one layer, some also to a lower one
// with a different value (which the higher layer must hide), so that the merged order and
// precedence are exercised.
std::vector<boost::json::object> split_layers(const boost::json::object& obj, Gen& gen, int n) {
  std::vector<boost::json::object> layers(static_cast<std::size_t>(n));
  for (const auto& m : obj) {
    const int at = gen.pick(n);
    if (at > 0 && gen.pick(3) == 0) layers[static_cast<std::size_t>(gen.pick(at))][m.key()] = 0;
    layers[static_cast<std::size_t>(at)][m.key()] = m.value();
  }
  return layers;
}

// select() on a layered scope must select what it selects on the materialised root (the same
// values in the same order), without the copy.
TEST(JsonPathLayered, SelectsWhatTheMaterialisedRootSelects) {
  Gen gen(20261203);
  std::size_t compared = 0, non_empty = 0;
  for (int i = 0; i < 3000; ++i) {
    boost::json::value doc = gen.doc(0);
    const std::string text = gen.path();
    if (!doc.is_object()) continue;
    const std::vector<boost::json::object> layers = split_layers(doc.get_object(), gen, 3);
    const Scope scope({&layers[0], &layers[1], &layers[2]});
    boost::json::value merged;
    scope.materialize(merged);
    Result<JsonPath> path = JsonPath::parse(text);
    ASSERT_TRUE(path.ok()) << path.error().message;
    boost::json::value scratch_a, scratch_b;
    boost::json::array layered, single;
    for (const boost::json::value* v : select(*path, scope, scratch_a)) layered.push_back(*v);
    for (const boost::json::value* v : select(*path, Scope(merged), scratch_b)) {
      single.push_back(*v);
    }
    ++compared;
    if (!single.empty()) ++non_empty;
    ASSERT_TRUE(same(layered, single)) << "path " << text << "\n merged " << stringify(merged)
                                       << "\n layered " << stringify(layered);
  }
  EXPECT_GT(compared, 500u);
  EXPECT_GT(non_empty, compared / 5);
}

}  // namespace
}  // namespace allma::json
