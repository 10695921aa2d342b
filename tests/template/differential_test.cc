// Differential test against npm's handlebars 4.7.9 (tools/node/node_modules), driven through
// tests/template/hbs_oracle.js: many generated templates and contexts (fixed seed) plus a
// hand-written list of tricky ones are rendered by both engines; outputs must be equal, and an
// error on one side must be an error on the other. Fails when node or handlebars is missing.

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "template/template.h"

namespace allma::tmpl {
namespace {

namespace bj = boost::json;

struct Case {
  std::string tmpl;
  bj::value context;
};

const std::string kModules = std::string(ALLMA_SOURCE_DIR) + "/tools/node/node_modules";
const std::string kOracle = std::string(ALLMA_SOURCE_DIR) + "/tests/template/hbs_oracle.js";

// A small deterministic generator (the same sequence on every platform).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return s_;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }
  template <typename T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[below(N)];
  }

 private:
  std::uint64_t s_;
};

const char* const kKeys[] = {"a",    "b", "name",   "items", "o", "n",
                             "flag", "s", "region", "acct",  "1"};

bj::value random_value(Rng& r, int depth) {
  switch (r.below(depth > 2 ? 6 : 9)) {
    case 0:
      return bj::value(static_cast<std::int64_t>(r.below(21)) - 5);
    case 1:
      return bj::value(r.pick({0.5, -1.25, 1e21, 250.75, 3.0, 1e-7}));
    case 2:
      return bj::value(r.chance(50));
    case 3:
      return nullptr;
    case 4:
      return bj::value(r.pick({"", "x", "Ada", "0", "false", "a b", "$.a", "é"}));
    case 5:
      return bj::value(r.pick({"us-east-1", "123456789012", "prod", "{{a}}"}));
    case 6: {
      bj::array arr;
      for (std::size_t i = r.below(4); i > 0; --i) arr.push_back(random_value(r, depth + 1));
      return arr;
    }
    default: {
      bj::object obj;
      for (std::size_t i = r.below(4); i > 0; --i) {
        obj[kKeys[r.below(std::size(kKeys))]] = random_value(r, depth + 1);
      }
      return obj;
    }
  }
}

std::string random_path(Rng& r) {
  static const char* const kPaths[] = {"a",
                                       "b",
                                       "name",
                                       "items",
                                       "o",
                                       "n",
                                       "flag",
                                       "s",
                                       "o.a",
                                       "o.b.a",
                                       "items.[0]",
                                       "items.[1].a",
                                       "items.length",
                                       "this",
                                       ".",
                                       "this.a",
                                       "../a",
                                       "../../b",
                                       "@index",
                                       "@key",
                                       "@first",
                                       "@last",
                                       "@root.a",
                                       "@root.o.n",
                                       "s.length",
                                       "[a]",
                                       "o/a",
                                       "@../index",
                                       "region",
                                       "acct",
                                       "v",
                                       "k",
                                       "v.a",
                                       "[1]",
                                       "o.[1]",
                                       "items.[0].[1]",
                                       "@root.[1]"};
  return r.pick(kPaths);
}

std::string random_param(Rng& r) {
  switch (r.below(6)) {
    case 0:
      return r.pick({"\"x\"", "'Ada'", "\"\"", "\"0\""});
    case 1:
      return r.pick({"0", "1", "-2", "1.5", "10"});
    case 2:
      return r.pick({"true", "false", "null", "undefined"});
    case 3:
      return "(" + std::string(r.pick({"eq", "neq", "gt", "lt", "default"})) + " " +
             random_path(r) + " " + random_path(r) + ")";
    default:
      return random_path(r);
  }
}

std::string random_mustache(Rng& r) {
  std::string open = r.chance(15) ? "{{~" : "{{";
  std::string close = r.chance(15) ? "~}}" : "}}";
  std::string body;
  switch (r.below(12)) {
    case 10:
      body = "log " + random_param(r);
      break;
    case 11:
      body = "json " + random_path(r);
      break;
    case 0:
      body = "json " + random_param(r);
      break;
    case 1:
      body = std::string(r.pick({"eq", "neq", "gt", "lt"})) + " " + random_param(r) + " " +
             random_param(r);
      break;
    case 2:
      body = "default " + random_path(r) + " " + random_param(r);
      break;
    case 3:
      body = "base64 " + random_param(r);
      break;
    case 4:
      body = "slice " + random_path(r) + " " + random_param(r) +
             (r.chance(50) ? " " + random_param(r) : "");
      break;
    case 5:
      body = "lookup " + random_path(r) + " " + random_param(r);
      break;
    default:
      body = random_path(r);
      break;
  }
  if (r.chance(8)) return "{{{" + body + "}}}";
  return open + body + close;
}

std::string random_text(Rng& r) {
  return r.pick({"x", " ", "\n", "  \n", "-", ":", "a b", "\n  ", "|", "\r\n", "\t", "\xC2\xA0",
                 "\xE2\x80\xA8", " \xC2\xA0\n", "\\", "}", "{", "é\n"});
}

std::string random_template(Rng& r, int depth);

std::string random_block(Rng& r, int depth) {
  static const char* const kBlocks[] = {
      "if",     "unless", "each", "with", "each",          "if", "#a", "#o",
      "#items", "^flag",  "#s",   "^a",   "with_json_path"};
  std::string helper = r.pick(kBlocks);
  std::string arg = r.chance(20) ? random_param(r) : random_path(r);
  std::string params;
  if ((helper == "each" || helper == "with") && r.chance(30)) params = " as |v k|";
  if (helper == "if" && r.chance(15)) params = " includeZero=true";
  if (helper[0] == '#' || helper[0] == '^') {
    // A mustache section: `{{#name}}` / `{{^name}}` without params.
    std::string name = helper.substr(1);
    std::string out = std::string("{{") + helper[0] + name + "}}";
    out += random_template(r, depth + 1);
    if (r.chance(30)) out += "{{else}}" + random_template(r, depth + 1);
    return out + "{{/" + name + "}}";
  }
  if (helper == "with_json_path") {
    // Only valid paths without filters: with_json_path's known divergences (see
    // render_helpers.cc) are invalid paths and filters reading members of null.
    arg = r.pick({"\"$.items[*]\"", "\"$..a\"", "\"$.o.a\"", "\"$.items[0]\"", "\"$\"", "\"$.*\"",
                  "\"$.items[-1:]\""});
    params = " as |v|";
  }
  auto tag = [&](const std::string& inner) {
    return std::string(r.chance(15) ? "{{~" : "{{") + inner + (r.chance(15) ? "~}}" : "}}");
  };
  auto nl = [&]() { return r.chance(40) ? std::string("\n") : std::string(); };
  std::string out = nl() + tag("#" + helper + " " + arg + params) + nl();
  out += random_template(r, depth + 1);
  if (r.chance(30)) {
    out += nl() + tag("else if " + random_path(r)) + nl() + random_template(r, depth + 1);
  }
  if (r.chance(10)) {
    out += nl() + tag(std::string("else ") + r.pick({"each", "with"}) + " " + random_path(r)) +
           random_template(r, depth + 1);
  }
  if (r.chance(40)) {
    out += nl() + tag(r.chance(25) ? "^" : "else") + nl() + random_template(r, depth + 1);
  }
  return out + nl() + tag("/" + helper) + nl();
}

std::string random_template(Rng& r, int depth) {
  std::string out;
  for (std::size_t i = r.below(4) + 1; i > 0; --i) {
    std::size_t k = r.below(10);
    if (k < 3) {
      out += random_text(r);
    } else if (k < 7 || depth >= 3) {
      out += random_mustache(r);
    } else if (k < 9) {
      out += random_block(r, depth);
    } else {
      out += r.chance(50) ? "{{! note }}" : "{{!-- c --}}";
    }
  }
  return out;
}

bj::value ctx(std::string_view text) { return bj::parse(text); }

std::vector<Case> tricky_cases() {
  bj::value arn = ctx(R"({"region":"eu-west-1","acct":"123456789012",)"
                      R"("flow_variables":{"stage":"prod"},"n":5})");
  bj::value nested = ctx(R"({"p":"#","rows":[{"id":1,"tags":["a","b"]},{"id":2,"tags":[]}],)"
                         R"("o":{"2":"two","b":"bee","1":"one"}})");
  return {
      {"arn:aws:lambda:{{region}}:{{acct}}:function:calc-{{flow_variables.stage}}", arn},
      {"arn:aws:lambda:{{region}}:{{acct}}:function:calc-{{flow_variables.missing}}", arn},
      {"{{#each rows}}{{@index}}:{{id}}[{{#each tags}}{{../id}}{{@../index}}{{this}}"
       "{{@index}}{{/each}}]{{../p}}{{/each}}",
       nested},
      {"{{#each rows as |row i|}}{{i}}{{#each row.tags as |t|}}{{row.id}}{{t}}{{/each}}{{/each}}",
       nested},
      {"{{#each o}}{{@key}}={{this}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}};{{/each}}", nested},
      {"{{#if a}}A{{else if b}}B{{else if c}}C{{else}}D{{/if}}", ctx(R"({"c":1})")},
      {"{{#unless a}}U{{else}}E{{/unless}}", ctx(R"({"a":0})")},
      {"<ul>\n  {{#each rows}}\n  <li>{{id}}</li>\n  {{/each}}\n</ul>\n", nested},
      {"{{#if a}}\n  yes\n{{else}}\n  no\n{{/if}}\n", ctx(R"({"a":true})")},
      {"  {{#if a}}  \n x \n  {{~/if~}}  \n y", ctx(R"({"a":true})")},
      {"{{! standalone }}\n{{!-- block --}}\nafter", ctx("{}")},
      {"{{a}}{{b}}", ctx(R"({"a":1,"b":2})")},
      {"{{a}}{{b}}{{c}}", ctx(R"({"a":true,"b":2,"c":"s"})")},
      {"{{#if 1}}{{a}}{{b}}{{/if}}{{c}}", ctx(R"({"a":1,"b":2,"c":4})")},
      {"{{#each e}}{{else}}{{a}}{{b}}{{/each}}{{a}}", ctx(R"({"e":[],"a":1,"b":2})")},
      {"{{#o}}{{/o}}{{a}}{{b}}{{#o}}{{/o}}", ctx(R"({"o":{},"a":1,"b":2})")},
      {"{{#o}}{{/o}}{{a}}{{b}}", ctx(R"({"o":{},"a":1,"b":2})")},
      {"{{a}}{{b}}{{#o}}{{/o}}{{a}}{{b}}", ctx(R"({"o":{},"a":1,"b":2})")},
      {"{{arr.1}}", ctx(R"({"arr":[1,2]})")},
      {"{{foo bar}}", ctx("{}")},
      {"{{#foo}}x{{/foo}}{{^foo}}y{{/foo}}", ctx(R"({"foo":[1,2]})")},
      {"{{#if}}x{{/if}}", ctx("{}")},
      {"{{#each a}}x{{/if}}", ctx("{}")},
      {"\\{{a}} \\\\{{a}} {{a}}", ctx(R"({"a":1})")},
      {"{{#with o as |x|}}{{x.b}}{{b}}{{else}}none{{/with}}", nested},
      {"{{lookup o 1}}{{lookup rows.[0].tags 1}}{{lookup o.zz 'q'}}", nested},
      {R"({{#with_json_path "$.rows[*].id" as |ids|}}{{#each ids}}{{this}},{{/each}})"
       R"({{/with_json_path}})",
       nested},
      {"{{json rows}}|{{json o.b}}|{{json missing}}|{{slice rows.[0].tags 1}}", nested},
      {"{{#each (slice rows 0 1)}}{{id}}{{/each}}", nested},
      {"{{#if (gt n 4)}}big{{/if}}{{#if (eq region 'eu-west-1')}}eu{{/if}}", arn},
      {"{{default flow_variables.x 'dflt'}}-{{base64 region}}", arn},
      {"{{this}}|{{.}}|{{@root.region}}", arn},
      {"{{#each rows}}{{#with this}}{{../p}}{{id}}{{/with}}{{/each}}", nested},
      {"{{elsewhere}}{{[else]}}", ctx(R"({"elsewhere":1,"else":2})")},
      {"{{> partial}}", ctx("{}")},
      {"{{#each s}}x{{else}}not iterable{{/each}}", ctx(R"({"s":"str"})")},
      {"{{{{raw}}}} {{x}} {{{{/raw}}}}", ctx(R"({"raw":true,"x":1})")},
      {"{{{{raw}}}} {{{{x}}}} {{{{/x}}}} {{{{/raw}}}}|", ctx(R"({"raw":true})")},
      {"{{{{raw}}}}{{{{/raw}}}}", ctx(R"({"raw":true})")},
      {"{{{{raw}}}}a{{{{/raw2}}}}", ctx(R"({"raw":true})")},
      {"{{{{each a}}}}[{{this}}]{{{{/each}}}}", ctx(R"({"a":[1,2]})")},
      {"{{{{raw}}}}a{{{{/}}}}b{{{{/raw}}}}", ctx(R"({"raw":true})")},
      {"x\n{{{{raw}}}}\na\n{{{{/raw}}}}\ny", ctx(R"({"raw":true})")},
      {"{{{{raw}}}}abc", ctx(R"({"raw":true})")},
      {"{{{{missing}}}}abc{{{{/missing}}}}{{a}}{{a}}", ctx(R"({"a":1})")},
      {"{{#with 0}}zero{{else}}empty{{/with}}{{#if 0 includeZero=true}}z{{/if}}", ctx("{}")},
      {"{{a.b.c}}{{a.[b c]}}{{[a]}}", ctx(R"({"a":{"b":null,"b c":"sp"}})")},
      {"{{#each a}}{{this}}{{/each}}", ctx(R"({"a":[[1,2],{"x":1},null,true,1.5,"s"]})")},
      {"{{#if a}}{{#each b}}{{#unless @last}}{{this}},{{else}}{{this}}{{/unless}}{{/each}}{{/if}}",
       ctx(R"({"a":1,"b":["x","y","z"]})")},
  };
}

// Damages a template the ways people do: cut short, stray or unknown tags.
std::string mutate(Rng& r, std::string t) {
  static const char* const kJunk[] = {"{{",        "}}",         "{{/if}}",  "{{foo x}}",
                                      "{{a.1}}",   "{{#if}}",    "{{else}}", "{{#each a b}}",
                                      "{{#with}}", "{{a/../b}}", "{{!-- x",  "{{x y=}}",
                                      "{{(a)}}",   "{{#if a}}",  "{{^}}",    "{{lookup}}"};
  if (r.chance(50) && !t.empty()) {
    t.resize(r.below(t.size()));
  }
  t.insert(r.below(t.size() + 1), r.pick(kJunk));
  return t;
}

std::vector<Case> all_cases() {
  std::vector<Case> cases = tricky_cases();
  Rng r(0x5eed1234abcdULL);
  for (int i = 0; i < 3000; ++i) {
    bj::object c;
    for (const char* k : kKeys) {
      if (r.chance(70)) c[k] = random_value(r, 0);
    }
    std::string t = random_template(r, 0);
    if (t.find("with_json_path") != std::string::npos) {
      // json::select visits members in insertion order, jsonpath-plus in JS order (array-index
      // keys first): reported to src/json; not exercised here.
      c.erase("1");
    } else if (r.chance(8)) {
      t = mutate(r, std::move(t));
    }
    cases.push_back({std::move(t), std::move(c)});
  }
  return cases;
}

// Templates made only of what the fast renderers handle (render.h: plain paths, `@index` and
// friends, #if / #unless / #each with one argument, else and else-if chains), and of near
// misses that send them back to the general renderer (`items.length`, `s.length`, #each over
// objects, `{{this}}` of strings).
std::string fast_path(Rng& r) {
  return r.pick({"a", "b", "name", "items", "o", "n", "flag", "s", "o.a", "o.b.a", "this", ".",
                 "@index", "@key", "@first", "@last", "region", "acct", "items.length",
                 "s.length", "this.a", "[1]"});
}

std::string fast_template(Rng& r, int depth) {
  std::string out;
  for (std::size_t i = r.below(4) + 1; i > 0; --i) {
    const std::size_t k = depth >= 3 ? r.below(7) : r.below(10);
    if (k < 3) {
      out += random_text(r);
    } else if (k < 7) {
      out += (r.chance(15) ? "{{~" : "{{") + fast_path(r) + (r.chance(15) ? "~}}" : "}}");
    } else {
      const std::string helper = r.pick({"if", "unless", "each"});
      const std::string arg =
          r.chance(15) ? r.pick({"true", "false", "0", "1", "\"x\"", "null", "undefined"})
                       : fast_path(r);
      out += "{{#" + helper + " " + arg + "}}" + fast_template(r, depth + 1);
      if (r.chance(20)) out += "{{else if " + fast_path(r) + "}}" + fast_template(r, depth + 1);
      if (r.chance(35)) out += "{{else}}" + fast_template(r, depth + 1);
      out += "{{/" + helper + "}}";
    }
  }
  return out;
}

struct Reply {
  bool ok = false;
  std::string text;
};

// Runs the oracle over all cases at once.
std::vector<Reply> run_oracle(const std::vector<Case>& cases, std::string& problem) {
  // A directory of this process's own: ctest -j runs the tests that call this in parallel.
  std::string dir = std::string(ALLMA_BINARY_DIR) + "/template_differential/" +
                    std::to_string(::getpid());
  std::system(("mkdir -p '" + dir + "'").c_str());
  std::string in_path = dir + "/cases.jsonl";
  std::string out_path = dir + "/replies.jsonl";
  {
    std::ofstream in(in_path);
    for (const Case& c : cases) {
      in << bj::serialize(bj::object{{"template", c.tmpl}, {"context", c.context}}) << "\n";
    }
  }
  std::string cmd =
      "node '" + kOracle + "' '" + kModules + "' < '" + in_path + "' > '" + out_path + "'";
  if (int rc = std::system(cmd.c_str()); rc != 0) {
    problem = "oracle failed (rc " + std::to_string(rc) + "): " + cmd;
    return {};
  }
  std::vector<Reply> replies;
  std::ifstream out(out_path);
  std::string line;
  while (std::getline(out, line)) {
    bj::object o = bj::parse(line).as_object();
    bool ok = o.at("ok").as_bool();
    replies.push_back({ok, std::string(o.at(ok ? "output" : "error").as_string())});
  }
  return replies;
}

Reply render_here(const Case& c) {
  auto t = Template::parse(c.tmpl);
  if (!t.ok()) return {false, t.error().message};
  auto out = t->render(json::Scope(c.context));
  if (!out.ok()) return {false, out.error().message};
  return {true, *out};
}

// The fast renderers (plain-path templates, #if/#unless/#each) against handlebars.
TEST(TemplateDifferential, FastSubsetSameAsHandlebars) {
  std::vector<Case> cases;
  Rng r(0xfa57c0de2026ULL);
  // Mostly objects and arrays of objects, so that paths inside blocks find objects (what the
  // fast renderers follow) more often than not.
  auto record = [&r]() {
    bj::object o;
    for (const char* k : {"a", "b", "name", "flag", "n", "s"}) {
      if (r.chance(70)) o[k] = random_value(r, 3);
    }
    return o;
  };
  for (int i = 0; i < 3000; ++i) {
    bj::object c;
    for (const char* k : kKeys) {
      if (!r.chance(70)) continue;
      if (r.chance(50)) {
        bj::array list;
        for (std::size_t n = r.below(4); n > 0; --n) list.push_back(record());
        c[k] = std::move(list);
      } else {
        c[k] = r.chance(50) ? bj::value(record()) : random_value(r, 0);
      }
    }
    cases.push_back({fast_template(r, 0), std::move(c)});
  }
  std::string problem;
  std::vector<Reply> expected = run_oracle(cases, problem);
  ASSERT_TRUE(problem.empty()) << problem;
  ASSERT_EQ(expected.size(), cases.size());
  int mismatches = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    Reply got = render_here(cases[i]);
    bool same = got.ok == expected[i].ok && (!got.ok || got.text == expected[i].text);
    if (!same && ++mismatches <= 15) {
      ADD_FAILURE() << "case " << i << "\n template: " << bj::serialize(bj::value(cases[i].tmpl))
                    << "\n context:  " << bj::serialize(cases[i].context) << "\n handlebars "
                    << bj::serialize(bj::value(expected[i].text)) << "\n allma "
                    << bj::serialize(bj::value(got.text));
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << cases.size() << " cases";
}

TEST(TemplateDifferential, HandlebarsIsInstalled) {
  ASSERT_EQ(std::system("node --version > /dev/null 2>&1"), 0) << "node is not on PATH";
  std::ifstream pkg(kModules + "/handlebars/package.json");
  ASSERT_TRUE(pkg.good()) << "handlebars missing under " << kModules;
  std::stringstream text;
  text << pkg.rdbuf();
  EXPECT_EQ(bj::parse(text.str()).at("version").as_string(), "4.7.9");
}

TEST(TemplateDifferential, SameOutputsAndErrorsAsHandlebars) {
  std::vector<Case> cases = all_cases();
  std::string problem;
  std::vector<Reply> expected = run_oracle(cases, problem);
  ASSERT_TRUE(problem.empty()) << problem;
  ASSERT_EQ(expected.size(), cases.size());
  int mismatches = 0;
  int errors = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    Reply got = render_here(cases[i]);
    errors += expected[i].ok ? 0 : 1;
    bool same = got.ok == expected[i].ok && (!got.ok || got.text == expected[i].text);
    if (!same && ++mismatches <= 15) {
      ADD_FAILURE() << "case " << i << "\n template: " << bj::serialize(bj::value(cases[i].tmpl))
                    << "\n context:  " << bj::serialize(cases[i].context) << "\n handlebars "
                    << (expected[i].ok ? "output: " : "error: ")
                    << bj::serialize(bj::value(expected[i].text)) << "\n allma "
                    << (got.ok ? "output: " : "error: ") << bj::serialize(bj::value(got.text));
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << cases.size() << " cases";
  EXPECT_GT(errors, 5) << "the corpus should exercise errors too";
  EXPECT_LT(errors, static_cast<int>(cases.size()) / 3) << "too many errors to be meaningful";
}

}  // namespace
}  // namespace allma::tmpl
