// JSONPath evaluation against npm jsonpath-plus (issue 5), and the JSON hot paths the engine
// runs for every step: conditions, target-path writes, parse and stringify.
//
// The documents are generated here from a fixed seed and, with --inputs_dir=DIR, also written
// to DIR (doc-1kb.json, doc-100kb.json, doc-10mb.json and jsonpath-cases.json, which lists every
// JSONPath scenario) so that bench/peers/jsonpath_peer.js measures the very same inputs.
// --inputs_only writes them and exits. Every other flag goes to Google Benchmark.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "json/condition.h"
#include "json/jsonpath.h"
#include "json/parse.h"
#include "json/scope.h"
#include "json/stringify.h"
#include "json/target_path.h"
#include "paired_main.h"

namespace {

using namespace allma;

struct DocSize {
  const char* label;
  std::size_t bytes;
};
constexpr DocSize kSizes[] = {{"1kb", 1u << 10}, {"100kb", 100u << 10}, {"10mb", 10u << 20}};

struct PathCase {
  const char* label;
  const char* path;
};
constexpr PathCase kPaths[] = {
    {"plain", "$.store.book[3].title"},
    {"filter", "$.store.book[?(@.price > 10 && @.category == 'fiction')]"},
    {"descendant", "$..author"},
};

// A bookstore of `bytes` (within one book) of compact JSON. Raw mt19937 output only, so the
// document is the same with every standard library.
boost::json::value make_document(std::size_t bytes, std::uint32_t seed) {
  static constexpr const char* kCategories[] = {"fiction", "reference", "poetry", "science"};
  std::mt19937 rng(seed);
  boost::json::array books;
  boost::json::object store{{"bicycle", {{"color", "red"}, {"price", 19.95}}}};
  boost::json::object doc{{"meta", {{"generator", "allma_json_bench"}, {"seed", seed}}}};
  std::size_t size = boost::json::serialize(doc).size() + 40;
  for (std::uint32_t i = 0; size < bytes || books.size() < 5; ++i) {
    boost::json::array reviews;
    for (std::uint32_t r = 0, n = rng() % 3; r < n; ++r) {
      reviews.push_back({{"author", "Reviewer " + std::to_string(rng() % 500)},
                         {"stars", static_cast<int>(rng() % 5) + 1}});
    }
    boost::json::object book{
        {"category", kCategories[rng() % 4]},
        {"author", "Author " + std::to_string(rng() % 1000)},
        {"title", "Title of book " + std::to_string(i)},
        {"price", static_cast<double>(rng() % 4000 + 100) / 100.0},
        {"isbn", "0-" + std::to_string(100000 + rng() % 900000)},
        {"tags", {"t" + std::to_string(rng() % 20), "t" + std::to_string(rng() % 20)}},
        {"reviews", std::move(reviews)}};
    size += boost::json::serialize(book).size() + 1;
    books.push_back(std::move(book));
  }
  store["book"] = std::move(books);
  doc["store"] = std::move(store);
  return doc;
}

struct Inputs {
  std::vector<std::string> texts;        // one per kSizes entry
  std::vector<boost::json::value> docs;  // the texts read back with json::parse
};

// The documents are read back with json::parse, so that they are laid out in memory as the
// engine's contexts and function responses are.
const Inputs& inputs() {
  static const Inputs in = [] {
    Inputs r;
    for (std::size_t k = 0; k < std::size(kSizes); ++k) {
      const auto seed = 20240501u + static_cast<unsigned>(k);
      r.texts.push_back(boost::json::serialize(make_document(kSizes[k].bytes, seed)));
      Result<boost::json::value> doc = json::parse(r.texts.back());
      if (!doc.ok()) {
        std::cerr << "generated document does not parse: " << doc.error().message << "\n";
        std::exit(2);
      }
      r.docs.push_back(std::move(*doc));
    }
    return r;
  }();
  return in;
}

// An experiment, not the engine's layout: the 10 MB document parsed into one
// boost::json::monotonic_resource, so that object tables, keys and strings lie packed in
// document order (with json::parse each key and each table is its own heap block). Shows what
// a change of who owns a parsed context would give (docs/benchmarks.md section 1).
struct PackedDoc {
  explicit PackedDoc(const std::string& text) : doc(boost::json::parse(text, &resource)) {}
  boost::json::monotonic_resource resource;
  boost::json::value doc;
};

const boost::json::value& packed_10mb() {
  static const PackedDoc packed(inputs().texts[2]);
  return packed.doc;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) std::cerr << "cannot write " << path << "\n";
  return static_cast<bool>(out);
}

// The documents and the scenario list the Node peer reads (file names relative to `dir`).
bool write_inputs(const std::string& dir) {
  const Inputs& in = inputs();
  boost::json::array cases;
  for (std::size_t k = 0; k < std::size(kSizes); ++k) {
    const std::string file = std::string("doc-") + kSizes[k].label + ".json";
    if (!write_file(dir + "/" + file, in.texts[k])) return false;
    for (const PathCase& p : kPaths) {
      cases.push_back({{"name", std::string("jsonpath/") + p.label + "/" + kSizes[k].label},
                       {"doc", file},
                       {"path", p.path}});
    }
  }
  boost::json::object list{{"jsonpath", std::move(cases)},
                           {"parse", {{"name", "json/parse/100kb"}, {"doc", "doc-100kb.json"}}},
                           {"stringify",
                            {{"name", "json/stringify/100kb"}, {"doc", "doc-100kb.json"}}}};
  return write_file(dir + "/jsonpath-cases.json", boost::json::serialize(list));
}

// Paths with no peer scenario, on the 100 KB document, for the evaluator's other parts: a
// computed `.length`, a filter through the generic evaluator (arithmetic, `||`, a literal
// index, string concatenation), a wildcard with a union, a negative slice.
constexpr PathCase kMorePaths[] = {
    {"length", "$.store.book.length"},
    {"filter_expr", "$.store.book[?(@.price * 2 > 30 || @['category'] + '' == 'poetry')]"},
    {"filter_nested", "$.store.book[?(@.reviews.length > 1 && @.tags[0] != 't3')]"},
    {"wildcard_union", "$.store.book[*]['title','price']"},
    {"slice", "$.store.book[-3:]"},
};

// Evaluation only: the path is parsed once; select() returns pointers into the document, as
// jsonpath-plus returns references to its nodes. The result vector is the caller's and reused
// from call to call (the select() overload that fills one), so a call allocates nothing.
void select_loop(benchmark::State& state, const json::Scope& scope, const char* path_text) {
  Result<json::JsonPath> path = json::JsonPath::parse(path_text);
  if (!path.ok()) {
    state.SkipWithError("path does not parse");
    return;
  }
  std::vector<const boost::json::value*> hits;
  boost::json::value scratch;
  for (auto _ : state) {
    json::select(*path, scope, scratch, hits);
    benchmark::DoNotOptimize(hits.data());
  }
  state.counters["matches"] = static_cast<double>(hits.size());
}

void bm_select(benchmark::State& state, std::size_t size_index, const char* path_text) {
  select_loop(state, json::Scope(inputs().docs[size_index]), path_text);
}

// bm_select on the packed 10 MB document.
void bm_select_packed(benchmark::State& state, const char* path_text) {
  select_loop(state, json::Scope(packed_10mb()), path_text);
}

// The same through the select() that returns a new vector per call (one allocation, and the
// vector's growth for many matches).
void bm_select_fresh(benchmark::State& state, std::size_t size_index, const char* path_text) {
  const boost::json::value& doc = inputs().docs[size_index];
  Result<json::JsonPath> path = json::JsonPath::parse(path_text);
  if (!path.ok()) {
    state.SkipWithError("path does not parse");
    return;
  }
  const json::Scope scope(doc);
  std::size_t matches = 0;
  for (auto _ : state) {
    boost::json::value scratch;
    std::vector<const boost::json::value*> hits = json::select(*path, scope, scratch);
    matches = hits.size();
    benchmark::DoNotOptimize(hits.data());
  }
  state.counters["matches"] = static_cast<double>(matches);
}

// The engine evaluates mapping sources and conditions against a layered scope,
// {...runtimeState, ...context} (json/scope.h); here the document is the context layer under a
// small runtime layer. A path whose first segment is not a member name (`$..x`, `$.*`, `$[?()]`)
// visits the merged root's members in place (before, it copied the whole root first).
void bm_select_layered(benchmark::State& state, std::size_t size_index, const char* path_text) {
  const boost::json::object& doc = inputs().docs[size_index].get_object();
  const boost::json::object runtime{{"flowExecutionId", "e-1"}, {"currentStepInstanceId", "s1"}};
  select_loop(state, json::Scope{&runtime, &doc}, path_text);
}

// resolve(): the same, plus copying the matches out, as mappings do.
void bm_resolve(benchmark::State& state, std::size_t size_index, const char* path_text) {
  const boost::json::value& doc = inputs().docs[size_index];
  Result<json::JsonPath> path = json::JsonPath::parse(path_text);
  if (!path.ok()) {
    state.SkipWithError("path does not parse");
    return;
  }
  const json::Scope scope(doc);
  for (auto _ : state) {
    std::optional<boost::json::value> v = json::resolve(*path, scope);
    benchmark::DoNotOptimize(v);
  }
}

// Floors: the same three queries hand-written against Boost.JSON (no path, no filter
// interpreter), to show how much of select()'s time is the evaluator and how much the data.
const boost::json::value* find_in(const boost::json::value* v, std::string_view key) {
  const boost::json::object* obj = v == nullptr ? nullptr : v->if_object();
  return obj == nullptr ? nullptr : obj->if_contains(key);
}

const boost::json::array* books_of(const boost::json::value& doc) {
  const boost::json::value* books = find_in(find_in(&doc, "store"), "book");
  return books == nullptr ? nullptr : books->if_array();
}

void floor_plain(const boost::json::value& doc, std::vector<const boost::json::value*>& out) {
  const boost::json::array* books = books_of(doc);
  if (books == nullptr || books->size() <= 3) return;
  if (const boost::json::value* title = find_in(&(*books)[3], "title")) out.push_back(title);
}

void floor_filter(const boost::json::value& doc, std::vector<const boost::json::value*>& out) {
  const boost::json::array* books = books_of(doc);
  if (books == nullptr) return;
  for (const boost::json::value& book : *books) {
    const boost::json::value* price = find_in(&book, "price");
    const boost::json::value* category = find_in(&book, "category");
    if (price != nullptr && price->is_number() && price->to_number<double>() > 10 &&
        category != nullptr && category->is_string() && category->get_string() == "fiction") {
      out.push_back(&book);
    }
  }
}

void floor_descendant(const boost::json::value& v, std::vector<const boost::json::value*>& out) {
  if (const boost::json::object* obj = v.if_object()) {
    if (const boost::json::value* author = obj->if_contains("author")) out.push_back(author);
    for (const auto& m : *obj) {
      if (m.value().is_structured()) floor_descendant(m.value(), out);
    }
  } else if (const boost::json::array* arr = v.if_array()) {
    for (const boost::json::value& c : *arr) {
      if (c.is_structured()) floor_descendant(c, out);
    }
  }
}

using FloorFn = void (*)(const boost::json::value&, std::vector<const boost::json::value*>&);

void bm_floor(benchmark::State& state, std::size_t size_index, FloorFn fn) {
  const boost::json::value& doc = inputs().docs[size_index];
  std::vector<const boost::json::value*> hits;  // reused, as bm_select's
  for (auto _ : state) {
    hits.clear();
    fn(doc, hits);
    benchmark::DoNotOptimize(hits.data());
  }
  state.counters["matches"] = static_cast<double>(hits.size());
}

// A step context of the engine's shape, for the hot-path micro-benchmarks.
boost::json::value step_context() {
  return boost::json::parse(R"({
    "flowExecutionId": "e-1", "orderId": "o-42",
    "customer": {"name": "Jane", "tier": "gold", "age": 41},
    "flow_variables": {"stage": "prod", "region": "eu-west-1"},
    "steps_output": {"calc": {"premium": 142.5, "riskLevel": "LOW", "items": [1, 2, 3]}}})");
}

void BM_ConditionCompare(benchmark::State& state) {
  const boost::json::value ctx = step_context();
  const json::Scope scope(ctx);
  const char* condition =
      "$.steps_output.calc.premium > 100 && $.flow_variables.stage == 'prod'";
  for (auto _ : state) {
    Result<bool> r = json::evaluate_condition(condition, scope);
    benchmark::DoNotOptimize(r);
  }
}

void BM_ConditionTruthy(benchmark::State& state) {
  const boost::json::value ctx = step_context();
  const json::Scope scope(ctx);
  for (auto _ : state) {
    Result<bool> r = json::evaluate_condition("$.steps_output.calc.items", scope);
    benchmark::DoNotOptimize(r);
  }
}

// A pre-parsed output-mapping target replacing a member three levels down.
void BM_TargetPathWrite(benchmark::State& state) {
  boost::json::value ctx = step_context();
  Result<json::TargetPath> target = json::TargetPath::parse("$.steps_output.calc.premium");
  if (!target.ok()) {
    state.SkipWithError("target does not parse");
    return;
  }
  for (auto _ : state) {
    Status s = target->write(ctx, boost::json::value(99.5));
    benchmark::DoNotOptimize(s);
  }
}

// An input-mapping target with an array index (DESIGN.md D7), into a fresh step input.
void BM_SetDotFresh(benchmark::State& state) {
  for (auto _ : state) {
    boost::json::value input;
    Status s = json::set_dot(input, "order.items[2].sku", boost::json::value("A-1"));
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(input);
  }
}

void BM_Parse100kb(benchmark::State& state) {
  const std::string& text = inputs().texts[1];
  for (auto _ : state) {
    Result<boost::json::value> v = json::parse(text);
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void BM_Stringify100kb(benchmark::State& state) {
  const boost::json::value& doc = inputs().docs[1];
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string s = json::stringify(doc);
    bytes = s.size();
    benchmark::DoNotOptimize(s.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

void register_benchmarks() {
  for (std::size_t k = 0; k < std::size(kSizes); ++k) {
    for (const PathCase& p : kPaths) {
      const std::string suffix = std::string(p.label) + "/" + kSizes[k].label;
      benchmark::RegisterBenchmark(("jsonpath/" + suffix).c_str(), bm_select, k, p.path);
      benchmark::RegisterBenchmark(("jsonpath_fresh/" + suffix).c_str(), bm_select_fresh, k,
                                   p.path);
      benchmark::RegisterBenchmark(("jsonpath_resolve/" + suffix).c_str(), bm_resolve, k,
                                   p.path);
      benchmark::RegisterBenchmark(("jsonpath_layered/" + suffix).c_str(), bm_select_layered,
                                   k, p.path);
    }
    constexpr FloorFn kFloors[] = {floor_plain, floor_filter, floor_descendant};
    for (std::size_t f = 0; f < std::size(kFloors); ++f) {
      const std::string name =
          std::string("jsonpath_floor/") + kPaths[f].label + "/" + kSizes[k].label;
      benchmark::RegisterBenchmark(name.c_str(), bm_floor, k, kFloors[f]);
    }
  }
  for (const PathCase& p : kPaths) {
    benchmark::RegisterBenchmark((std::string("jsonpath_packed/") + p.label + "/10mb").c_str(),
                                 bm_select_packed, p.path);
  }
  for (const PathCase& p : kMorePaths) {
    benchmark::RegisterBenchmark((std::string("jsonpath_more/") + p.label + "/100kb").c_str(),
                                 bm_select, 1, p.path);
  }
  benchmark::RegisterBenchmark("condition/compare", BM_ConditionCompare);
  benchmark::RegisterBenchmark("condition/truthy", BM_ConditionTruthy);
  benchmark::RegisterBenchmark("target_path/write", BM_TargetPathWrite);
  benchmark::RegisterBenchmark("target_path/set_dot_fresh", BM_SetDotFresh);
  benchmark::RegisterBenchmark("json/parse/100kb", BM_Parse100kb);
  benchmark::RegisterBenchmark("json/stringify/100kb", BM_Stringify100kb);
}

}  // namespace

int main(int argc, char** argv) {
  return allma::bench::paired_main(argc, argv, write_inputs, register_benchmarks);
}
