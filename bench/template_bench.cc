// Handlebars rendering against npm handlebars (issue 5): the templates Allma steps render (an
// ARN, a literal with {{#each}}/{{#if}}, a greeting), compiled once and rendered many times,
// plus parse + render on every call (the reference compiles a template per render) and the
// engine's literal path (render_nested).
//
// With --inputs_dir=DIR the scenarios (template source, context, and our rendered output) are
// written to DIR/template-cases.json for bench/peers/handlebars_peer.js, which renders the same
// templates against the same contexts and checks that its output is ours. --inputs_only writes
// them and exits. Every other flag goes to Google Benchmark.
#include <benchmark/benchmark.h>

#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "json/scope.h"
#include "paired_main.h"
#include "template/template.h"

namespace {

using namespace allma;

struct TemplateCase {
  const char* label;
  const char* source;
};
constexpr TemplateCase kTemplates[] = {
    {"arn", "arn:aws:lambda:{{region}}:{{account}}:function:premium-{{flow_variables.stage}}"},
    {"literal",
     "Order {{orderId}} for {{customer.name}}: {{#each items}}{{#if active}}{{@index}}:{{sku}}"
     " x{{qty}}{{#unless @last}}, {{/unless}}{{/if}}{{/each}}"},
    {"greeting", "Hi {{customer.name}}"},
};

// More templates, ours only, for the renderer's other paths: a template of plain paths whose
// path meets an array (the straight loop hands it to the general renderer), and an #if/else
// outside a loop.
constexpr TemplateCase kMoreTemplates[] = {
    {"fallback", "{{items.length}} items for {{customer.name}}"},
    {"if_else", "{{#if customer.tier}}tier {{customer.tier}}{{else}}none{{/if}}"},
};

// The context every template renders against: a step context's shape, with ten order lines.
const boost::json::value& context() {
  static const boost::json::value ctx = [] {
    boost::json::array items;
    for (int i = 0; i < 10; ++i) {
      items.push_back({{"sku", "SKU-" + std::to_string(1000 + i)},
                       {"qty", i % 4 + 1},
                       {"active", i % 3 != 0}});
    }
    return boost::json::value{{"region", "eu-west-1"},
                              {"account", "123456789012"},
                              {"flow_variables", {{"stage", "prod"}}},
                              {"customer", {{"name", "Jane Doe"}, {"tier", "gold"}}},
                              {"orderId", "o-42"},
                              {"items", std::move(items)}};
  }();
  return ctx;
}

bool write_inputs(const std::string& dir) {
  boost::json::array cases;
  for (const TemplateCase& t : kTemplates) {
    Result<tmpl::Template> parsed = tmpl::Template::parse(t.source);
    if (!parsed.ok()) {
      std::cerr << t.label << ": " << parsed.error().message << "\n";
      return false;
    }
    Result<std::string> out = parsed->render(json::Scope(context()));
    if (!out.ok()) {
      std::cerr << t.label << ": " << out.error().message << "\n";
      return false;
    }
    cases.push_back({{"name", std::string("template/render/") + t.label},
                     {"source", t.source},
                     {"expected", *out},
                     {"compile_each_time", false}});
  }
  // The reference compiles a template on every render (reference section 7.1).
  for (std::size_t k = 0; k < 2; ++k) {
    cases.push_back({{"name", std::string("template/compile_render/") + kTemplates[k].label},
                     {"source", kTemplates[k].source},
                     {"expected", cases[k].as_object().at("expected")},
                     {"compile_each_time", true}});
  }
  boost::json::object doc{{"context", context()}, {"templates", std::move(cases)}};
  const std::string path = dir + "/template-cases.json";
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << boost::json::serialize(doc);
  out.close();
  if (!out) std::cerr << "cannot write " << path << "\n";
  return static_cast<bool>(out);
}

// Parsed once; each iteration renders into a fresh string, as a step does.
void bm_render(benchmark::State& state, const char* source) {
  Result<tmpl::Template> t = tmpl::Template::parse(source);
  if (!t.ok()) {
    state.SkipWithError("template does not parse");
    return;
  }
  const json::Scope scope(context());
  for (auto _ : state) {
    Result<std::string> out = t->render(scope);
    benchmark::DoNotOptimize(out);
  }
}

// Parse and render on every call, as the reference does with Handlebars.compile.
void bm_compile_render(benchmark::State& state, const char* source) {
  const json::Scope scope(context());
  for (auto _ : state) {
    Result<tmpl::Template> t = tmpl::Template::parse(source);
    if (!t.ok()) {
      state.SkipWithError("template does not parse");
      return;
    }
    Result<std::string> out = t->render(scope);
    benchmark::DoNotOptimize(out);
  }
}

// A literal string the way the engine renders `literals`: render_nested (which may keep parsed
// templates between calls).
void bm_render_nested(benchmark::State& state, const char* source) {
  const boost::json::value literal(source);
  const json::Scope scope(context());
  for (auto _ : state) {
    auto out = tmpl::render_nested(literal, scope);
    benchmark::DoNotOptimize(out);
  }
}

void BM_ParseLiteral(benchmark::State& state) {
  for (auto _ : state) {
    Result<tmpl::Template> t = tmpl::Template::parse(kTemplates[1].source);
    benchmark::DoNotOptimize(t);
  }
}

void register_benchmarks() {
  for (const TemplateCase& t : kTemplates) {
    benchmark::RegisterBenchmark((std::string("template/render/") + t.label).c_str(), bm_render,
                                 t.source);
  }
  for (std::size_t k = 0; k < 2; ++k) {
    benchmark::RegisterBenchmark(
        (std::string("template/compile_render/") + kTemplates[k].label).c_str(),
        bm_compile_render, kTemplates[k].source);
  }
  for (const TemplateCase& t : kMoreTemplates) {
    benchmark::RegisterBenchmark((std::string("template/render_more/") + t.label).c_str(),
                                 bm_render, t.source);
  }
  benchmark::RegisterBenchmark("template/render_nested/literal", bm_render_nested,
                               kTemplates[1].source);
  benchmark::RegisterBenchmark("template/parse/literal", BM_ParseLiteral);
}

}  // namespace

int main(int argc, char** argv) {
  return allma::bench::paired_main(argc, argv, write_inputs, register_benchmarks);
}
