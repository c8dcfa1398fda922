#include "checkers/linearizability/unique_values.h"

#include <algorithm>
#include <limits>
#include <set>
#include <unordered_map>

namespace faultline {
namespace {

// Replays `order` through the model and checks it against real time: the certificate that
// makes a "valid" from the polynomial path as trustworthy as one from the search.
template <SearchModel M>
bool Certify(const M& model, const std::vector<Call<typename M::Input>>& calls,
             const std::vector<size_t>& order) {
  size_t must = 0, known = 0;
  for (const auto& c : calls) must += c.input.known;
  typename M::State state = model.Init();
  int64_t max_inv = std::numeric_limits<int64_t>::min();
  for (size_t c : order) {
    typename M::State next = state;
    if (!model.Step(state, calls[c].input, &next)) return false;
    state = std::move(next);
    if (calls[c].ret < max_inv) return false;  // an op placed earlier began after c completed
    max_inv = std::max(max_inv, calls[c].invoke);
    known += calls[c].input.known;
  }
  return known == must;
}

template <typename Input>
void FillTimes(const std::vector<Call<Input>>& calls, VersionGraph* g) {
  for (const auto& c : calls) {
    g->invoke.push_back(c.invoke);
    g->ret.push_back(c.ret);
  }
}

VersionOrderOutcome Invalid(std::string why, std::vector<size_t> culprits) {
  VersionOrderOutcome out;
  out.verdict = Verdict::kInvalid;
  out.explanation = std::move(why);
  out.culprits = std::move(culprits);
  return out;
}

template <SearchModel M>
std::optional<VersionOrderOutcome> Decide(const M& model,
                                          const std::vector<Call<typename M::Input>>& calls,
                                          const VersionGraph& g,
                                          const std::function<std::string(size_t)>& describe,
                                          const std::function<std::string(int)>& version) {
  VersionOrderOutcome out = OrderVersions(g, describe, version);
  if (out.verdict == Verdict::kValid && !Certify(model, calls, out.order)) return std::nullopt;
  return out;
}

// ---- registers: a version per written value; a cas is derived from the version it expects.

using RKind = RegisterInput::Kind;

bool IsWriter(const RegisterInput& in) { return in.kind == RKind::kWrite || in.kind == RKind::kCas; }
int64_t Written(const RegisterInput& in) { return in.kind == RKind::kWrite ? in.a : in.b; }

}  // namespace

std::optional<VersionOrderOutcome> CheckUniqueValues(
    const RegisterModel& model, const std::vector<Call<RegisterInput>>& calls,
    const std::function<std::string(size_t)>& describe) {
  std::unordered_map<int64_t, size_t> writer_of;
  std::vector<bool> kept(calls.size());
  for (size_t c = 0; c < calls.size(); ++c) {
    const RegisterInput& in = calls[c].input;
    if (in.kind == RKind::kFailedCas) return std::nullopt;
    kept[c] = in.known;
    if (!IsWriter(in)) continue;
    if (Written(in) == model.Init() || (in.kind == RKind::kCas && in.a == in.b)) return std::nullopt;
    if (!writer_of.emplace(Written(in), c).second) return std::nullopt;
  }
  // An op of unknown outcome took effect exactly when a kept op observed the value it wrote;
  // otherwise it is left out (placing it after everything is always allowed).
  std::vector<int64_t> observed;
  for (size_t c = 0; c < calls.size(); ++c) {
    if (kept[c] && calls[c].input.kind != RKind::kWrite) observed.push_back(calls[c].input.a);
  }
  while (!observed.empty()) {
    auto it = writer_of.find(observed.back());
    observed.pop_back();
    if (it == writer_of.end() || kept[it->second]) continue;
    kept[it->second] = true;
    if (calls[it->second].input.kind == RKind::kCas) observed.push_back(calls[it->second].input.a);
  }
  VersionGraph g;
  FillTimes(calls, &g);
  std::unordered_map<int64_t, int> version_of{{model.Init(), 0}};
  std::vector<int64_t> value_of{model.Init()};
  g.versions.emplace_back();
  for (size_t c = 0; c < calls.size(); ++c) {
    if (!kept[c] || !IsWriter(calls[c].input)) continue;
    version_of[Written(calls[c].input)] = static_cast<int>(g.versions.size());
    value_of.push_back(Written(calls[c].input));
    g.versions.push_back({c, -1, {}});
  }
  for (size_t c = 0; c < calls.size(); ++c) {
    const RegisterInput& in = calls[c].input;
    if (!kept[c] || in.kind == RKind::kWrite) continue;
    auto it = version_of.find(in.a);
    if (it == version_of.end()) {
      return Invalid(describe(c) + " observed " + model.DescribeState(in.a) +
                         ", a value that no write which took effect wrote",
                     {c});
    }
    if (in.kind == RKind::kRead) {
      g.versions[it->second].reads.push_back(c);
    } else {
      g.versions[version_of.at(in.b)].predecessor = it->second;
    }
  }
  auto name = [&](int v) { return "value " + model.DescribeState(value_of[v]); };
  return Decide(model, calls, g, describe, name);
}

// ---- kv strings: every put/append argument is a distinct token, so a get's string splits
// into the tokens written since the last put, in order. A version per token; an append
// seen after token t is derived from t's version (or from "" when it comes first).

namespace {

using KKind = KvInput::Kind;

struct Tokens {
  std::unordered_map<std::string_view, size_t> writer;  // token → call
  std::set<size_t> lengths;
};

// Splits `s` into tokens. Returns false when a position matches no token (*ok stays true:
// the string was never written) or more than one (*ok = false: ambiguous, search instead).
bool Split(const Tokens& t, std::string_view s, std::vector<size_t>* out, bool* ok) {
  for (size_t i = 0; i < s.size();) {
    size_t found = SIZE_MAX, len = 0;
    for (size_t l : t.lengths) {
      if (i + l > s.size()) break;
      auto it = t.writer.find(s.substr(i, l));
      if (it == t.writer.end()) continue;
      if (found != SIZE_MAX) {
        *ok = false;
        return false;
      }
      found = it->second;
      len = l;
    }
    if (found == SIZE_MAX) return false;
    out->push_back(found);
    i += len;
  }
  return true;
}

}  // namespace

std::optional<VersionOrderOutcome> CheckUniqueValues(
    const KvModel& model, const std::vector<Call<KvInput>>& calls,
    const std::function<std::string(size_t)>& describe) {
  if (!model.Init().empty()) return std::nullopt;
  Tokens tokens;
  for (size_t c = 0; c < calls.size(); ++c) {
    const KvInput& in = calls[c].input;
    if (in.kind == KKind::kGet) continue;
    if (in.value.empty() || !tokens.writer.emplace(in.value, c).second) return std::nullopt;
    tokens.lengths.insert(in.value.size());
  }
  VersionGraph g;
  FillTimes(calls, &g);
  g.versions.emplace_back();
  std::vector<int> version_of(calls.size(), -1);
  std::vector<int> pred(calls.size(), -2);  // -2: not yet seen in any get
  std::vector<char> seen(calls.size(), 0);  // the writer's token is in some get's string
  std::vector<std::pair<size_t, int>> reads;  // get → the call whose version it saw (-1: "")
  for (size_t c = 0; c < calls.size(); ++c) {
    if (calls[c].input.kind != KKind::kGet) continue;
    std::vector<size_t> seq;
    bool ok = true;
    if (!Split(tokens, calls[c].input.value, &seq, &ok)) {
      if (!ok) return std::nullopt;
      return Invalid(describe(c) + " returned a string that is no sequence of written values", {c});
    }
    for (size_t j = 0; j < seq.size(); ++j) {
      const size_t w = seq[j];
      seen[w] = 1;
      if (j > 0 && calls[w].input.kind == KKind::kPut) {
        return Invalid(describe(c) + " saw " + describe(w) + " after other values, but a put " +
                           "replaces the whole string",
                       {c, w});
      }
      const int p = j == 0 ? -1 : static_cast<int>(seq[j - 1]);
      if (calls[w].input.kind == KKind::kPut) continue;
      if (pred[w] != -2 && pred[w] != p) {
        return Invalid(describe(w) + " was seen after two different strings, by " +
                           describe(c) + " and an earlier get",
                       {w, c});
      }
      pred[w] = p;
    }
    reads.emplace_back(c, seq.empty() ? -1 : static_cast<int>(seq.back()));
  }
  // Kept writers: every known one, and those of unknown outcome that some get saw. A put,
  // or an append no get saw, starts a chain; a seen append is derived from its predecessor.
  for (size_t c = 0; c < calls.size(); ++c) {
    const KvInput& in = calls[c].input;
    if (in.kind == KKind::kGet || (!in.known && !seen[c])) continue;
    version_of[c] = static_cast<int>(g.versions.size());
    g.versions.push_back({c, -1, {}});
  }
  for (size_t c = 0; c < calls.size(); ++c) {
    if (version_of[c] < 0 || pred[c] == -2) continue;
    g.versions[version_of[c]].predecessor = pred[c] < 0 ? 0 : version_of[pred[c]];
  }
  for (auto [get, seen] : reads) g.versions[seen < 0 ? 0 : version_of[seen]].reads.push_back(get);
  auto name = [&](int v) {
    return v == 0 ? std::string("the empty string")
                  : "the string ending in " + model.DescribeInput(calls[g.versions[v].writer].input);
  };
  return Decide(model, calls, g, describe, name);
}

}  // namespace faultline
