#include "aws/credentials.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace allma::aws {
namespace {

namespace fs = std::filesystem;

// A fresh HOME with ~/.aws/ for one test, removed afterwards.
class SharedFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "allma-aws-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    home_ = pattern;
    fs::create_directories(home_ / ".aws");
    env_["HOME"] = home_.string();
  }
  void TearDown() override { fs::remove_all(home_); }

  void write(const std::string& leaf, const std::string& text) {
    std::ofstream(home_ / ".aws" / leaf) << text;
  }

  fs::path home_;
  Environment env_;
};

TEST_F(SharedFiles, EnvironmentKeysWinOverFiles) {
  write("credentials",
        "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n");
  env_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  env_["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  env_["AWS_SESSION_TOKEN"] = "envtoken";
  Result<AwsSettings> s = load_aws_settings(env_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->credentials.access_key_id, "ENVKEY");
  EXPECT_EQ(s->credentials.secret_access_key, "envsecret");
  EXPECT_EQ(s->credentials.session_token, "envtoken");
  EXPECT_EQ(s->credentials_source, "environment");
}

TEST_F(SharedFiles, ReadsTheDefaultProfileFromTheCredentialsFile) {
  write("credentials",
        "# comment\n[other]\naws_access_key_id=X\naws_secret_access_key=Y\n\n[default]\n"
        "aws_access_key_id = AKIDFILE\n  \naws_secret_access_key = s3cr3t/+=\n"
        "aws_session_token = tok\n");
  Result<AwsSettings> s = load_aws_settings(env_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->credentials.access_key_id, "AKIDFILE");
  EXPECT_EQ(s->credentials.secret_access_key, "s3cr3t/+=");
  EXPECT_EQ(s->credentials.session_token, "tok");
  EXPECT_EQ(s->profile, "default");
}

TEST_F(SharedFiles, AwsProfileSelectsAConfigFileProfileSection) {
  write("config",
        "[default]\nregion = us-east-1\n[profile dev]\nregion = eu-central-1\n"
        "aws_access_key_id = DEVKEY\naws_secret_access_key = devsecret\n"
        "s3 =\n  max_concurrent_requests = 20\n");
  env_["AWS_PROFILE"] = "dev";
  Result<AwsSettings> s = load_aws_settings(env_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->credentials.access_key_id, "DEVKEY");
  EXPECT_EQ(s->region, "eu-central-1");
  EXPECT_EQ(s->profile, "dev");
}

TEST_F(SharedFiles, FileVariablesOverrideTheDefaultPaths) {
  fs::path other = home_ / "elsewhere";
  std::ofstream(other) << "[default]\naws_access_key_id=OTHER\naws_secret_access_key=o\n";
  env_["AWS_SHARED_CREDENTIALS_FILE"] = other.string();
  Result<AwsSettings> s = load_aws_settings(env_);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->credentials.access_key_id, "OTHER");
}

TEST_F(SharedFiles, RegionComesFromAwsRegionFirst) {
  write("config", "[default]\nregion = us-west-2\n");
  env_["AWS_DEFAULT_REGION"] = "eu-west-1";
  env_["AWS_REGION"] = "ap-south-1";
  EXPECT_EQ(*load_region(env_), "ap-south-1");
  env_.erase("AWS_REGION");
  EXPECT_EQ(*load_region(env_), "eu-west-1");
  env_.erase("AWS_DEFAULT_REGION");
  EXPECT_EQ(*load_region(env_), "us-west-2");
}

TEST_F(SharedFiles, NoCredentialsAnywhereIsCredentialsNotFound) {
  Result<AwsSettings> s = load_aws_settings(env_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(s.error().name, "CredentialsNotFound");
}

TEST_F(SharedFiles, AnAssumeRoleProfileIsNamedAsUnsupported) {
  write("config",
        "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\n"
        "source_profile = default\n");
  env_["AWS_PROFILE"] = "ops";
  Result<AwsSettings> s = load_aws_settings(env_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().name, "CredentialsNotFound");
  EXPECT_NE(s.error().message.find("role_arn"), std::string::npos) << s.error().message;
}

TEST_F(SharedFiles, AnUnknownExplicitProfileIsAnError) {
  write("credentials", "[default]\naws_access_key_id=K\naws_secret_access_key=S\n");
  env_["AWS_PROFILE"] = "nope";
  Result<AwsSettings> s = load_aws_settings(env_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().name, "InvalidCredentials");
  EXPECT_NE(s.error().message.find("\"nope\""), std::string::npos);
}

TEST_F(SharedFiles, OnlyOneKeyIsAnErrorThatNamesNoValue) {
  env_["AWS_ACCESS_KEY_ID"] = "LONELYKEY";
  Result<AwsSettings> s = load_aws_settings(env_);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().name, "InvalidCredentials");
  EXPECT_EQ(s.error().message.find("LONELYKEY"), std::string::npos);
}

TEST_F(SharedFiles, AMalformedLineIsLocatedWithoutQuotingIt) {
  write("credentials", "[default]\naws_access_key_id = K\nsecretwithoutequals\n");
  Result<AwsSettings> s = load_aws_settings(env_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("credentials:3: expected key = value"), std::string::npos)
      << s.error().message;
  EXPECT_EQ(s.error().message.find("secretwithoutequals"), std::string::npos);
}

TEST(ProcessEnvironment, SeesTheProcessEnvironment) {
  ASSERT_EQ(setenv("ALLMA_AWS_TEST_MARKER", "present", 1), 0);
  Environment env = process_environment();
  EXPECT_EQ(env["ALLMA_AWS_TEST_MARKER"], "present");
}

}  // namespace
}  // namespace allma::aws
