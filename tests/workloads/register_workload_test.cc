// The register workload's generator: read / write / cas by default, reads and writes only
// with --no-cas (for stores whose cas is not atomic), the option wired through its part.
#include "workloads/register_workload.h"

#include <gtest/gtest.h>

#include <map>

#include "workloads/parts.h"

namespace faultline {
namespace {

// How many ops of each kind `w` issues in 2000.
std::map<std::string, int> Kinds(Workload& w) {
  Random rng(11);
  std::map<std::string, int> kinds;
  for (int i = 0; i < 2000; ++i) ++kinds[w.Next(i % 5, rng).f];
  return kinds;
}

TEST(RegisterWorkloadTest, ReadsWritesAndCasByDefault) {
  RegisterWorkload w(RegisterWorkloadOptions{});
  std::map<std::string, int> kinds = Kinds(w);
  EXPECT_EQ(kinds.size(), 3u);
  EXPECT_GT(kinds["cas"], 400);
  EXPECT_GT(kinds["read"], 900);
}

TEST(RegisterWorkloadTest, NoCasIssuesReadsAndWritesOnly) {
  RegisterWorkloadOptions o;
  o.no_cas = true;
  RegisterWorkload w(o);
  std::map<std::string, int> kinds = Kinds(w);
  EXPECT_EQ(kinds.count("cas"), 0u);
  EXPECT_GT(kinds["write"], 900);
  EXPECT_GT(kinds["read"], 900);
}

TEST(RegisterWorkloadTest, TheNoCasOptionReachesTheWorkload) {
  Registry registry;
  RegisterWorkloads(registry);
  const WorkloadPart* part = registry.FindWorkload("register");
  ASSERT_NE(part, nullptr);
  TestSpec spec;
  spec.workload.options = DefaultOptionValues(part->options);
  EXPECT_EQ(spec.workload.options["no_cas"], false);
  spec.workload.options["no_cas"] = true;
  std::unique_ptr<Workload> w = part->make(spec);
  EXPECT_EQ(Kinds(*w).count("cas"), 0u);
}

}  // namespace
}  // namespace faultline
