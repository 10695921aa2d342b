// Property: replaying the journalled writes of apply_output() on the starting context gives
// exactly the context apply_output() produced (the engine's resume depends on it). Checked over
// generated mappings, outputs and contexts (fixed seed, so failures reproduce).

#include <random>

#include "mapping/output_mapping.h"
#include "mapping_test_support.h"

namespace allma::mapping {
namespace {

using boost::json::value;

class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  // A small random JSON value over the members the paths below use.
  value json(int depth) {
    switch (pick(depth > 2 ? 4 : 7)) {
      case 0:
        return nullptr;
      case 1:
        return static_cast<std::int64_t>(pick(100));
      case 2:
        return value(boost::json::string("s" + std::to_string(pick(10))));
      case 3:
        return pick(2) == 0;
      case 4:
      case 5: {
        boost::json::object o;
        for (const char* k : {"a", "b", "c", "p", "q", "r", "x y"}) {
          if (pick(3) == 0) o[k] = json(depth + 1);
        }
        return o;
      }
      default: {
        boost::json::array a;
        for (std::size_t i = pick(4); i > 0; --i) a.push_back(json(depth + 1));
        return a;
      }
    }
  }

  boost::json::object mappings() {
    static const char* kTargets[] = {"$.a",      "$.a.b",   "$.a[0]", "$.a[1].c",        "$.b",
                                     "$['x y']", "$.c.p.q", "$",      "$.steps_output.s"};
    static const char* kSources[] = {"$",         "$.",  "$.p",  "$.q.r", "$.p[0]",
                                     "$.missing", "$.a", "$..c", "$.q[*]"};
    boost::json::object m;
    for (std::size_t i = pick(6); i > 0; --i) {
      m[kTargets[pick(std::size(kTargets))]] = kSources[pick(std::size(kSources))];
    }
    return m;
  }

 private:
  std::mt19937 rng_;
};

TEST(OutputReplay, JournalledWritesReproduceTheContext) {
  Generator gen(20240601);
  int writes_seen = 0;
  for (int round = 0; round < 2000; ++round) {
    boost::json::object mappings = gen.mappings();
    flow::Step step = testing::make_step(
        value{{"stepInstanceId", "s"}, {"stepType", "NO_OP"}, {"outputMappings", mappings}});
    value start = gen.json(0);
    boost::json::object context = start.is_object() ? start.as_object() : boost::json::object();
    const boost::json::object initial = context;
    value output = gen.json(0);
    value input = gen.json(0);
    std::vector<MappingEvent> events;
    Result<std::vector<Write>> writes = apply_output(step, output, input, context, events);
    ASSERT_TRUE(writes.ok()) << writes.error().message;
    writes_seen += static_cast<int>(writes->size());
    boost::json::object replayed = initial;
    ASSERT_TRUE(apply_writes(*writes, replayed).ok());
    ASSERT_EQ(boost::json::serialize(replayed), boost::json::serialize(context))
        << "round " << round << " mappings " << boost::json::serialize(mappings) << " output "
        << boost::json::serialize(output) << " start " << boost::json::serialize(initial);
  }
  EXPECT_GT(writes_seen, 1000);  // the generator really exercises writes
}

}  // namespace
}  // namespace allma::mapping
