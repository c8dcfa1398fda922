// Tests of which files `faultline check DIR` checks (app/history_paths.h).
#include "app/history_paths.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace faultline {
namespace {

namespace fs = std::filesystem;

// A fresh directory, removed at scope exit.
class ScratchDir {
 public:
  ScratchDir() {
    std::string tmpl = (fs::temp_directory_path() / "faultline-paths-test.XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data()) ? tmpl : "";
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string Touch(const std::string& name) const {
    std::ofstream(path_ + "/" + name) << "";
    return path_ + "/" + name;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(HistoryPathsTest, DirectoryBecomesItsHistoryFilesInNameOrder) {
  ScratchDir d;
  ASSERT_FALSE(d.path().empty());
  const std::string b = d.Touch("b.edn"), a = d.Touch("a.jsonl"), c = d.Touch("c.log"),
                    t = d.Touch("kv.txt");
  d.Touch("README.md");
  d.Touch(".hidden.jsonl");
  d.Touch(".jsonl");
  fs::create_directory(d.path() + "/sub.jsonl");  // a directory, whatever its name
  d.Touch("sub.jsonl/inner.jsonl");               // not searched
  const HistoryPaths p = ExpandHistoryPaths({d.path()});
  EXPECT_TRUE(p.errors.empty());
  EXPECT_EQ(p.files, (std::vector<std::string>{a, b, c, t}));
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_NE(p.notes[0].find("skipped 4 entries that are not history files"), std::string::npos)
      << p.notes[0];
}

TEST(HistoryPathsTest, DirectoryWithoutHistoryFilesIsAnError) {
  ScratchDir d;
  d.Touch("notes.md");
  const HistoryPaths p = ExpandHistoryPaths({d.path()});
  EXPECT_TRUE(p.files.empty());
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].path, d.path());
  EXPECT_EQ(p.errors[0].message,
            d.path() +
                ": no history files in this directory (regular files ending in .jsonl, "
                ".edn, .log, .txt; subdirectories are not searched)");
}

TEST(HistoryPathsTest, FilesAreKeptAsGivenEvenMissingOnes) {
  ScratchDir d;
  const std::string odd = d.Touch("history.any");
  const HistoryPaths p = ExpandHistoryPaths({odd, d.path() + "/missing.jsonl"});
  EXPECT_EQ(p.files, (std::vector<std::string>{odd, d.path() + "/missing.jsonl"}));
  EXPECT_TRUE(p.errors.empty());
}

}  // namespace
}  // namespace faultline
