#include "host/function_spec.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

namespace allma::host {
namespace {

const std::string kDir = ALLMA_HOST_FUNCTIONS_DIR;

Result<std::vector<FunctionSpec>> parse(const std::string& text) {
  return parse_functions(boost::json::parse(text), kDir, "functions.json");
}

std::string error_of(const std::string& text) {
  Result<std::vector<FunctionSpec>> r = parse(text);
  return r.ok() ? "(no error)" : r.error().message;
}

TEST(FunctionsFile, OmittedFieldsTakeTheirDefaults) {
  auto r = parse(R"({"functions":[{"name":"f","runtime":"provided","codeDir":"tutorial"}]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const FunctionSpec& f = r->at(0);
  EXPECT_EQ(f.timeout, std::chrono::seconds(3));
  EXPECT_EQ(f.memory_mb, 128);
  EXPECT_EQ(f.reserved_concurrency, 10);
  EXPECT_TRUE(f.environment.empty());
  EXPECT_TRUE(f.aliases.empty());
}

TEST(FunctionsFile, AllFieldsAreRead) {
  auto r = parse(R"({"functions":[{"name":"f","runtime":"nodejs","handler":"index.handler",
    "codeDir":"node","environment":{"A":"1"},"timeoutSeconds":9,"memoryMb":512,
    "reservedConcurrency":3,"aliases":{"prod":"2"}}]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const FunctionSpec& f = r->at(0);
  EXPECT_EQ(f.runtime, Runtime::kNodejs);
  EXPECT_EQ(f.handler, "index.handler");
  EXPECT_EQ(f.environment.at(0), std::make_pair(std::string("A"), std::string("1")));
  EXPECT_EQ(f.timeout, std::chrono::seconds(9));
  EXPECT_EQ(f.memory_mb, 512);
  EXPECT_EQ(f.reserved_concurrency, 3);
  EXPECT_EQ(f.aliases.at("prod"), "2");
}

TEST(FunctionsFile, RelativeCodeDirIsResolvedAgainstTheFilesDirectory) {
  auto r = parse(R"({"functions":[{"name":"f","runtime":"provided","codeDir":"tutorial"}]})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->at(0).code_dir, std::filesystem::canonical(kDir + "/tutorial").string());
}

TEST(FunctionsFile, BadRuntimeIsReportedWithItsPointer) {
  EXPECT_EQ(error_of(R"({"functions":[{"name":"a","runtime":"provided","codeDir":"tutorial"},
                       {"name":"b","runtime":"python","codeDir":"tutorial"}]})"),
            "functions.json: /functions/1/runtime: must be \"provided\" or \"nodejs\"");
}

TEST(FunctionsFile, MissingNameIsReportedAtTheFunction) {
  EXPECT_EQ(error_of(R"({"functions":[{"runtime":"provided","codeDir":"tutorial"}]})"),
            "functions.json: /functions/0: missing required key \"name\"");
}

TEST(FunctionsFile, NodejsRequiresAHandler) {
  EXPECT_EQ(error_of(R"({"functions":[{"name":"n","runtime":"nodejs","codeDir":"node"}]})"),
            "functions.json: /functions/0: missing required key \"handler\"");
}

TEST(FunctionsFile, TimeoutOutOfRangeIsReportedWithItsPointer) {
  EXPECT_EQ(error_of(R"({"functions":[{"name":"f","runtime":"provided","codeDir":"tutorial",
                       "timeoutSeconds":901}]})"),
            "functions.json: /functions/0/timeoutSeconds: must be an integer from 1 to 900");
}

TEST(FunctionsFile, FractionalConcurrencyIsAnError) {
  EXPECT_EQ(error_of(R"({"functions":[{"name":"f","runtime":"provided","codeDir":"tutorial",
                       "reservedConcurrency":1.5}]})"),
            "functions.json: /functions/0/reservedConcurrency: must be an integer from 1 to 1000");
}

TEST(FunctionsFile, NonStringEnvironmentValueIsReportedWithItsPointer) {
  EXPECT_EQ(error_of(R"({"functions":[{"name":"f","runtime":"provided","codeDir":"tutorial",
                       "environment":{"a/b":1}}]})"),
            "functions.json: /functions/0/environment/a~1b: must be a string");
}

TEST(FunctionsFile, UnknownKeyIsAnError) {
  EXPECT_EQ(error_of(R"({"functions":[{"name":"f","runtime":"provided","codeDir":"tutorial",
                       "timeout":3}]})")
                .rfind("functions.json: /functions/0/timeout: unknown key", 0),
            0u);
}

TEST(FunctionsFile, DuplicateNamesAreAnError) {
  EXPECT_EQ(error_of(R"({"functions":[{"name":"f","runtime":"provided","codeDir":"tutorial"},
                       {"name":"f","runtime":"provided","codeDir":"tutorial"}]})"),
            "functions.json: /functions/1/name: duplicate function name \"f\"");
}

TEST(FunctionsFile, InvalidFunctionNameIsAnError) {
  EXPECT_EQ(error_of(R"({"functions":[{"name":"a b","runtime":"provided","codeDir":"tutorial"}]})"),
            "functions.json: /functions/0/name: must be 1-64 of [A-Za-z0-9_-]");
}

TEST(FunctionsFile, ProvidedWithoutBootstrapIsAnError) {
  const std::string message =
      error_of(R"({"functions":[{"name":"f","runtime":"provided","codeDir":"node"}]})");
  EXPECT_EQ(message.rfind("functions.json: /functions/0/codeDir: no executable bootstrap", 0), 0u)
      << message;
}

TEST(FunctionsFile, MissingCodeDirIsAnError) {
  const std::string message =
      error_of(R"({"functions":[{"name":"f","runtime":"provided","codeDir":"nowhere"}]})");
  EXPECT_EQ(message.rfind("functions.json: /functions/0/codeDir: not a directory", 0), 0u)
      << message;
}

TEST(FunctionsFile, FunctionsMustBeAnArray) {
  EXPECT_EQ(error_of(R"({"functions":{}})"), "functions.json: /functions: must be an array");
}

TEST(FunctionsFile, MissingFileIsNotFound) {
  Result<std::vector<FunctionSpec>> r = load_functions(kDir + "/no-such-file.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST(FunctionsFile, InvalidJsonNamesTheFileAndLine) {
  const std::string path = ::testing::TempDir() + "/bad-functions.json";
  std::ofstream(path) << "{\"functions\": [\n  {,}\n]}";
  Result<std::vector<FunctionSpec>> r = load_functions(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message.find(path + ": line 2"), std::string::npos) << r.error().message;
}

TEST(FunctionsFile, ShippedExampleFileLoads) {
  Result<std::vector<FunctionSpec>> r = load_functions(kDir + "/functions.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_GE(r->size(), 5u);
}

}  // namespace
}  // namespace allma::host
