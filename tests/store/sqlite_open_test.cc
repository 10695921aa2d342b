// Opening store files: creation, migrations, and the bad states of issue 4 (foreign, corrupt,
// newer, locked, full), each of which must leave the stored data as it was.

#include <stdlib.h>
#include <sys/mount.h>

#include <chrono>
#include <filesystem>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "store/sqlite_execution_store.h"
#include "store_test_support.h"

namespace allma::store {
namespace {

using testing::open_store;
using testing::read_bytes;
using testing::sample_attempt;
using testing::sample_execution;
using testing::TempDir;
using testing::write_bytes;

std::int64_t pragma(const std::string& path, const std::string& name) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return db.execAndGet("PRAGMA " + name).getInt64();
}

Error open_error(const std::string& path, OpenOptions options = {}) {
  Result<std::unique_ptr<SqliteExecutionStore>> store = SqliteExecutionStore::open(path, options);
  EXPECT_FALSE(store.ok());
  return store.ok() ? Error{} : store.error();
}

TEST(SqliteStoreOpen, MigratesAnEmptyFileToTheCurrentSchema) {
  TempDir dir;
  std::string path = dir.file("allma.db");
  write_bytes(path, "");

  ASSERT_NE(open_store(path), nullptr);

  EXPECT_EQ(pragma(path, "user_version"), kStoreSchemaVersion);
  EXPECT_EQ(pragma(path, "application_id"), kStoreApplicationId);
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("SELECT max(version) FROM schema_migrations").getInt(),
            kStoreSchemaVersion);
}

TEST(SqliteStoreOpen, UsesWriteAheadLogging) {
  TempDir dir;
  std::string path = dir.file("allma.db");

  ASSERT_NE(open_store(path), nullptr);

  SQLite::Database db(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST(SqliteStoreOpen, CreatesMissingParentDirectories) {
  TempDir dir;
  std::string path = dir.file("a/b/c/allma.db");

  ASSERT_NE(open_store(path), nullptr);

  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(SqliteStoreOpen, MissingFileIsNotFoundWhenCreationIsOff) {
  TempDir dir;
  std::string path = dir.file("absent.db");
  OpenOptions options;
  options.create_if_missing = false;

  Error e = open_error(path, options);

  EXPECT_EQ(e.code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(SqliteStoreOpen, ParentThatIsAFileIsUnavailable) {
  TempDir dir;
  write_bytes(dir.file("plain"), "x");

  Error e = open_error(dir.file("plain/allma.db"));

  EXPECT_EQ(e.code, ErrorCode::kUnavailable);
  EXPECT_NE(e.message.find("cannot create directory"), std::string::npos) << e.message;
}

TEST(SqliteStoreOpen, DirectoryPathIsUnavailable) {
  TempDir dir;

  Error e = open_error(dir.path());

  EXPECT_EQ(e.code, ErrorCode::kUnavailable);
  EXPECT_NE(e.message.find(dir.path()), std::string::npos) << e.message;
}

TEST(SqliteStoreOpen, ReopeningKeepsTheData) {
  TempDir dir;
  std::string path = dir.file("allma.db");
  {
    auto store = open_store(path);
    ASSERT_TRUE(store->create_execution(sample_execution("e-1")).ok());
    ASSERT_TRUE(store->put_attempt(sample_attempt("e-1", 0)).ok());
  }

  auto store = open_store(path);

  Result<ExecutionHistory> h = store->load_execution("e-1");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->execution.initial_context, sample_execution("e-1").initial_context);
  ASSERT_EQ(h->attempts.size(), 1u);
  EXPECT_EQ(h->attempts[0].attempt_id, sample_attempt("e-1", 0).attempt_id);
}

TEST(SqliteStoreOpen, NewerSchemaIsRefusedAndLeftUntouched) {
  TempDir dir;
  std::string path = dir.file("allma.db");
  {
    auto store = open_store(path);
    ASSERT_TRUE(store->create_execution(sample_execution("e-1")).ok());
  }
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("PRAGMA user_version = 99");
  }
  std::string before = read_bytes(path);

  Error e = open_error(path);

  EXPECT_EQ(e.code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(e.message.find("store schema version 99 is newer than this allma (" +
                           std::to_string(kStoreSchemaVersion) + ")"),
            std::string::npos)
      << e.message;
  EXPECT_EQ(read_bytes(path), before);
}

TEST(SqliteStoreOpen, ForeignSqliteDatabaseIsRefusedAndLeftByteIdentical) {
  TempDir dir;
  std::string path = dir.file("other.db");
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
    db.exec("INSERT INTO customers (name) VALUES ('ada')");
  }
  std::string before = read_bytes(path);

  Error e = open_error(path);

  EXPECT_EQ(e.code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(e.message.find("not an allma store"), std::string::npos) << e.message;
  EXPECT_EQ(read_bytes(path), before);
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

TEST(SqliteStoreOpen, GarbageFileIsRefusedAndLeftByteIdentical) {
  TempDir dir;
  std::string path = dir.file("allma.db");
  std::string garbage;
  for (int i = 0; i < 8192; ++i) {
    garbage.push_back(static_cast<char>((i * 7919) % 251));
  }
  write_bytes(path, garbage);

  Error e = open_error(path);

  EXPECT_EQ(e.code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(e.message.find("not a SQLite database"), std::string::npos) << e.message;
  EXPECT_EQ(read_bytes(path), garbage);
}

TEST(SqliteStoreOpen, ShortTextFileIsRefusedAndLeftByteIdentical) {
  TempDir dir;
  std::string path = dir.file("allma.db");
  write_bytes(path, "{\"not\": \"a database\"}\n");

  Error e = open_error(path);

  EXPECT_EQ(e.code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(read_bytes(path), "{\"not\": \"a database\"}\n");
}

TEST(SqliteStoreOpen, StoreWithDamagedHeaderIsRefusedAndLeftByteIdentical) {
  TempDir dir;
  std::string path = dir.file("allma.db");
  {
    auto store = open_store(path);
    ASSERT_TRUE(store->create_execution(sample_execution("e-1")).ok());
  }
  std::string damaged = read_bytes(path);
  ASSERT_GT(damaged.size(), 100u);
  damaged.replace(0, 16, "Not SQLite here!");
  write_bytes(path, damaged);

  Error e = open_error(path);

  EXPECT_EQ(e.code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(read_bytes(path), damaged);
}

// Another connection holds the write lock for the whole test.
class LockedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("allma.db");
    options_.busy_timeout = std::chrono::milliseconds(200);
    store_ = open_store(path_, options_);
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->create_execution(sample_execution("e-1")).ok());
    holder_ = std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READWRITE);
    holder_->exec("BEGIN EXCLUSIVE");
  }

  TempDir dir_;
  std::string path_;
  OpenOptions options_;
  std::unique_ptr<SqliteExecutionStore> store_;
  std::unique_ptr<SQLite::Database> holder_;
};

TEST_F(LockedStoreTest, WriteIsUnavailableAfterTheBusyTimeout) {
  auto start = std::chrono::steady_clock::now();
  Status s = store_->put_attempt(sample_attempt("e-1", 0));
  auto waited = std::chrono::steady_clock::now() - start;

  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(s.error().message.find("locked"), std::string::npos) << s.error().message;
  EXPECT_GE(waited, std::chrono::milliseconds(150));
  EXPECT_LT(waited, std::chrono::seconds(5));
}

TEST_F(LockedStoreTest, WriteSucceedsOnceTheLockIsReleased) {
  ASSERT_FALSE(store_->put_attempt(sample_attempt("e-1", 0)).ok());

  holder_->exec("ROLLBACK");

  EXPECT_TRUE(store_->put_attempt(sample_attempt("e-1", 0)).ok());
}

TEST_F(LockedStoreTest, ReadsStillSucceedUnderWal) {
  Result<ExecutionStatus> status = store_->execution_status("e-1");

  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(*status, ExecutionStatus::kRunning);
}

TEST(SqliteStoreOpen, NewStoreThatStaysLockedIsUnavailable) {
  TempDir dir;
  std::string path = dir.file("allma.db");
  SQLite::Database holder(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  holder.exec("BEGIN EXCLUSIVE");
  OpenOptions options;
  options.busy_timeout = std::chrono::milliseconds(100);

  Error e = open_error(path, options);

  EXPECT_EQ(e.code, ErrorCode::kUnavailable);
}

// Fills the store with 64 KB attempts until a write fails; returns how many succeeded.
int fill_until_full(SqliteExecutionStore& store, Status& failure) {
  AttemptRecord a = sample_attempt("e-1", 0);
  a.input = boost::json::value(std::string(64 * 1024, 'x'));
  for (int i = 0; i < 1000; ++i) {
    a.step_seq = i;
    Status s = store.put_attempt(a);
    if (!s.ok()) {
      failure = s;
      return i;
    }
  }
  return -1;
}

void expect_full_and_intact(const std::string& path, OpenOptions options) {
  int written = 0;
  {
    auto store = open_store(path, options);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->create_execution(sample_execution("e-1")).ok());
    Status failure;
    written = fill_until_full(*store, failure);
    ASSERT_GT(written, 0);
    EXPECT_EQ(failure.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(failure.error().message.find("disk is full"), std::string::npos)
        << failure.error().message;
  }

  auto reopened = open_store(path, options);
  ASSERT_NE(reopened, nullptr);
  Result<ExecutionHistory> h = reopened->load_execution("e-1");
  ASSERT_TRUE(h.ok()) << h.error().message;
  ASSERT_EQ(h->attempts.size(), static_cast<std::size_t>(written));
  EXPECT_EQ(h->attempts.back().step_seq, written - 1);
  EXPECT_EQ(h->execution.initial_context, sample_execution("e-1").initial_context);
}

TEST(SqliteStoreFull, PageCapGivesUnavailableAndKeepsEarlierRows) {
  TempDir dir;
  OpenOptions options;
  options.max_pages = 200;

  expect_full_and_intact(dir.file("allma.db"), options);
}

TEST(SqliteStoreFull, FullFilesystemGivesUnavailableAndKeepsEarlierRows) {
  TempDir dir;
  std::string mount_point = dir.file("tmpfs");
  std::filesystem::create_directory(mount_point);
  if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=1m") != 0) {
    GTEST_SKIP() << "cannot mount a 1 MB tmpfs here (needs root); the page-cap test covers it";
  }

  expect_full_and_intact(mount_point + "/allma.db", {});

  ::umount2(mount_point.c_str(), MNT_DETACH);
}

TEST(SqliteStoreReadOnly, StoreOnAReadOnlyFilesystemSaysSo) {
  TempDir dir;
  std::string mount_point = dir.file("ro");
  std::filesystem::create_directory(mount_point);
  if (::mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=4m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (needs root)";
  }
  std::string path = mount_point + "/allma.db";
  {
    std::unique_ptr<SqliteExecutionStore> store = open_store(path);
    ASSERT_NE(store, nullptr);
  }
  for (const char* beside : {"-wal", "-shm"}) std::filesystem::remove(path + beside);
  ASSERT_EQ(::mount("tmpfs", mount_point.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, "size=4m"), 0);

  Result<std::unique_ptr<SqliteExecutionStore>> opened = SqliteExecutionStore::open(path);

  ::umount2(mount_point.c_str(), MNT_DETACH);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_NE(opened.error().message.find("read-only"), std::string::npos) << opened.error().message;
  EXPECT_NE(opened.error().message.find(path), std::string::npos) << opened.error().message;
}

TEST(DefaultStorePath, UsesAnAbsoluteXdgDataHome) {
  std::string saved = getenv("XDG_DATA_HOME") ? getenv("XDG_DATA_HOME") : "";
  setenv("XDG_DATA_HOME", "/data/home", 1);

  std::string path = default_store_path();

  saved.empty() ? unsetenv("XDG_DATA_HOME") : setenv("XDG_DATA_HOME", saved.c_str(), 1);
  EXPECT_EQ(path, "/data/home/allma/allma.db");
}

TEST(DefaultStorePath, IgnoresARelativeXdgDataHome) {
  std::string saved_xdg = getenv("XDG_DATA_HOME") ? getenv("XDG_DATA_HOME") : "";
  std::string saved_home = getenv("HOME") ? getenv("HOME") : "";
  setenv("XDG_DATA_HOME", "relative/dir", 1);
  setenv("HOME", "/home/ada", 1);

  std::string path = default_store_path();

  saved_xdg.empty() ? unsetenv("XDG_DATA_HOME") : setenv("XDG_DATA_HOME", saved_xdg.c_str(), 1);
  saved_home.empty() ? unsetenv("HOME") : setenv("HOME", saved_home.c_str(), 1);
  EXPECT_EQ(path, "/home/ada/.local/share/allma/allma.db");
}

}  // namespace
}  // namespace allma::store
