#include "nemesis/grudge.h"

#include <algorithm>

namespace faultline {
namespace {

std::vector<std::string> Shuffled(std::vector<std::string> v, Random& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.Uniform(i)]);
  return v;
}

// Every node of `a` drops every node of `b` and vice versa.
void Cut(const std::vector<std::string>& a, const std::vector<std::string>& b, Grudge* g) {
  for (const auto& x : a) {
    for (const auto& y : b) {
      (*g)[x].insert(y);
      (*g)[y].insert(x);
    }
  }
}

void Isolate(const std::string& node, const std::vector<std::string>& nodes, Grudge* g) {
  std::vector<std::string> rest;
  for (const auto& n : nodes) if (n != node) rest.push_back(n);
  Cut({node}, rest, g);
}

}  // namespace

Result<Grudge> MakeGrudge(const std::string& shape, const std::vector<std::string>& nodes,
                          Random& rng, const std::optional<std::string>& primary) {
  const size_t n = nodes.size();
  auto too_few = [&](size_t need) {
    return Status::InvalidArgument("partition " + shape + " needs at least " +
                                   std::to_string(need) + " nodes; the cluster has " +
                                   std::to_string(n));
  };
  if (n < 2) return too_few(2);
  Grudge g;
  if (shape == "halves") {
    // A random minority against the majority (for even n: two equal halves).
    std::vector<std::string> s = Shuffled(nodes, rng);
    const size_t cut = n / 2;
    Cut({s.begin(), s.begin() + cut}, {s.begin() + cut, s.end()}, &g);
  } else if (shape == "isolate-one") {
    Isolate(nodes[rng.Uniform(n)], nodes, &g);
  } else if (shape == "isolate-primary") {
    if (!primary) return Status::Unsupported("partition isolate-primary: no primary is known");
    if (std::find(nodes.begin(), nodes.end(), *primary) == nodes.end()) {
      return Status::Internal("partition isolate-primary: primary " + *primary +
                              " is not a node of the cluster");
    }
    Isolate(*primary, nodes, &g);
  } else if (shape == "bridge") {
    // Two halves that cannot hear each other, and one node in the middle that hears both.
    if (n < 3) return too_few(3);
    std::vector<std::string> s = Shuffled(nodes, rng);
    const size_t mid = n / 2;
    Cut({s.begin(), s.begin() + mid}, {s.begin() + mid + 1, s.end()}, &g);
  } else if (shape == "majorities-ring") {
    // Nodes on a random ring; each hears its nearest neighbours on both sides, as many as
    // make a majority with itself, and nobody else: every node sees a majority, but no two
    // nodes' majorities are the same, so there is no one "majority side".
    if (n < 4) return too_few(4);
    std::vector<std::string> s = Shuffled(nodes, rng);
    const size_t majority = n / 2 + 1;
    const size_t radius = majority / 2;  // neighbours on each side: 2·radius+1 ≥ majority
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < n; ++j) {
        const size_t d = std::min((i + n - j) % n, (j + n - i) % n);
        if (d > radius) g[s[i]].insert(s[j]);
      }
    }
  } else {
    std::string known;
    for (const char* k : kPartitionShapes) known += (known.empty() ? "" : ", ") + std::string(k);
    return Status::InvalidArgument("unknown partition shape \"" + shape + "\"; expected one of " +
                                   known);
  }
  return g;
}

Value GrudgeValue(const Grudge& grudge) {
  Value::Map m;
  for (const auto& [node, drops] : grudge) {
    if (drops.empty()) continue;
    Value::List l;
    for (const auto& d : drops) l.push_back(Value::String(d));
    m.emplace_back(node, Value::MakeList(std::move(l)));
  }
  return Value::MakeMap(std::move(m));
}

}  // namespace faultline
