// Partition shapes: each is symmetric, cuts what it says, and never cuts a node from itself.
#include "nemesis/grudge.h"

#include <gtest/gtest.h>

namespace faultline {
namespace {

std::vector<std::string> Nodes(int n) {
  std::vector<std::string> v;
  for (int i = 1; i <= n; ++i) v.push_back("n" + std::to_string(i));
  return v;
}

bool Cuts(const Grudge& g, const std::string& a, const std::string& b) {
  auto it = g.find(a);
  return it != g.end() && it->second.count(b);
}

// How many nodes `node` still hears, itself included.
size_t Hears(const Grudge& g, const std::string& node, size_t n) {
  auto it = g.find(node);
  return n - (it == g.end() ? 0 : it->second.size());
}

void ExpectSymmetricAndIrreflexive(const Grudge& g) {
  for (const auto& [a, drops] : g) {
    EXPECT_FALSE(drops.count(a)) << a << " drops itself";
    for (const auto& b : drops) EXPECT_TRUE(Cuts(g, b, a)) << a << " drops " << b << " only one way";
  }
}

TEST(GrudgeTest, HalvesCutAMinorityFromTheMajority) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Random rng(seed);
    auto g = MakeGrudge("halves", Nodes(5), rng, std::nullopt);
    ASSERT_TRUE(g.ok());
    ExpectSymmetricAndIrreflexive(*g);
    size_t minority = 0;
    for (const auto& n : Nodes(5)) minority += Hears(*g, n, 5) == 2;
    EXPECT_EQ(minority, 2u);  // the two on the small side hear only each other
    for (const auto& n : Nodes(5)) EXPECT_TRUE(Hears(*g, n, 5) == 2 || Hears(*g, n, 5) == 3);
  }
}

TEST(GrudgeTest, IsolateOneAndIsolatePrimary) {
  Random rng(7);
  auto g = MakeGrudge("isolate-primary", Nodes(5), rng, std::string("n3"));
  ASSERT_TRUE(g.ok());
  ExpectSymmetricAndIrreflexive(*g);
  EXPECT_EQ(Hears(*g, "n3", 5), 1u);
  for (const auto& n : Nodes(5)) {
    if (n != "n3") {
      EXPECT_EQ(Hears(*g, n, 5), 4u);
    }
  }
  auto one = MakeGrudge("isolate-one", Nodes(3), rng, std::nullopt);
  ASSERT_TRUE(one.ok());
  size_t alone = 0;
  for (const auto& n : Nodes(3)) alone += Hears(*one, n, 3) == 1;
  EXPECT_EQ(alone, 1u);
}

TEST(GrudgeTest, IsolatePrimaryWithoutAPrimaryIsAnError) {
  Random rng(1);
  auto g = MakeGrudge("isolate-primary", Nodes(5), rng, std::nullopt);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("no primary"), std::string::npos);
}

TEST(GrudgeTest, BridgeHasOneNodeThatHearsEveryone) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Random rng(seed);
    auto g = MakeGrudge("bridge", Nodes(5), rng, std::nullopt);
    ASSERT_TRUE(g.ok());
    ExpectSymmetricAndIrreflexive(*g);
    size_t bridges = 0;
    for (const auto& n : Nodes(5)) bridges += Hears(*g, n, 5) == 5;
    EXPECT_EQ(bridges, 1u);
    for (const auto& n : Nodes(5)) EXPECT_GE(Hears(*g, n, 5), 3u);  // each side + the bridge
  }
}

TEST(GrudgeTest, MajoritiesRingGivesEveryNodeADifferentMajority) {
  for (int n : {4, 5, 6, 7, 9}) {
    Random rng(n);
    auto g = MakeGrudge("majorities-ring", Nodes(n), rng, std::nullopt);
    ASSERT_TRUE(g.ok()) << n;
    ExpectSymmetricAndIrreflexive(*g);
    std::set<std::set<std::string>> views;
    for (const auto& node : Nodes(n)) {
      EXPECT_GE(Hears(*g, node, n), static_cast<size_t>(n / 2 + 1)) << node;
      EXPECT_LT(Hears(*g, node, n), static_cast<size_t>(n)) << node << " hears everyone";
      views.insert((*g)[node]);
    }
    EXPECT_EQ(views.size(), static_cast<size_t>(n)) << "two nodes share a view";
  }
}

TEST(GrudgeTest, TooFewNodesAndUnknownShapesAreErrors) {
  Random rng(3);
  EXPECT_FALSE(MakeGrudge("majorities-ring", Nodes(3), rng, std::nullopt).ok());
  EXPECT_FALSE(MakeGrudge("bridge", Nodes(2), rng, std::nullopt).ok());
  EXPECT_FALSE(MakeGrudge("halves", Nodes(1), rng, std::nullopt).ok());
  auto bad = MakeGrudge("triangle", Nodes(5), rng, std::nullopt);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("expected one of halves"), std::string::npos);
}

TEST(GrudgeTest, ValueListsOnlyNodesWithAGrudge) {
  Grudge g = {{"n1", {"n2"}}, {"n2", {"n1"}}, {"n3", {}}};
  EXPECT_EQ(GrudgeValue(g).ToJson(), R"({"n1":["n2"],"n2":["n1"]})");
}

}  // namespace
}  // namespace faultline
