#include "checkers/bank/bank.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "checkers/series_sample.h"

namespace faultline {
namespace {

constexpr size_t kMaxJsonBadReads = 1000;
constexpr size_t kMaxSeriesRows = 2000;

Status BadOp(const std::string& source, const Op& op, const std::string& what,
             const std::string& expected) {
  return Status::InvalidInput(OpLocation(source, op) + what + "; expected " + expected);
}

// An account id: an integer, or a string holding one (JSON object keys are strings).
std::optional<int64_t> AccountId(std::string_view s) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return id;
}

std::optional<int64_t> AccountId(const Value& v) {
  if (v.is_int()) return v.as_int();
  if (v.is_string()) return AccountId(v.as_string());
  return std::nullopt;
}

Status CheckTransfer(const std::string& source, const Op& op) {
  const char* kShape = R"(a transfer value {"from":INT,"to":INT,"amount":INT})";
  if (!op.value.is_map()) {
    return BadOp(source, op, std::string("transfer value is ") + Value::KindName(op.value.kind()),
                 kShape);
  }
  for (const char* field : {"from", "to"}) {
    const Value* v = op.value.Find(field);
    if (!v || !AccountId(*v)) {
      return BadOp(source, op,
                   std::string("transfer field \"") + field +
                       (v ? "\" is not an account id" : "\" is missing"),
                   kShape);
    }
  }
  const Value* amount = op.value.Find("amount");
  if (!amount || !amount->is_int()) {
    return BadOp(
        source, op,
        amount ? "transfer amount is not an integer" : "transfer field \"amount\" is missing",
        kShape);
  }
  return Status::Ok();
}

// "account 3" or "accounts 3 = -2, 4 = -1".
std::string Accounts(const std::vector<BankAccountBalance>& accounts, bool with_balances) {
  std::string out;
  for (const BankAccountBalance& a : accounts) {
    if (!out.empty()) out += ", ";
    out += a.account;
    if (with_balances) out += " = " + std::to_string(a.balance);
  }
  return (accounts.size() > 1 ? "accounts " : "account ") + out;
}

std::string Signed(int64_t d) { return (d > 0 ? "+" : "") + std::to_string(d); }

// The state the walk over the history carries.
class BankWalk {
 public:
  BankWalk(const History& h, const std::string& source, const BankOptions& options)
      : h_(h), source_(source), options_(options) {
    if (options.accounts > 0) {
      for (int i = 0; i < options.accounts; ++i) expected_.push_back(i);
    }
    result_.total = options.total;
  }

  Status Run() {
    for (size_t i = 0; i < h_.size(); ++i) {
      const Op& op = h_[i];
      if (op.is_nemesis()) continue;
      if (op.key) {
        return BadOp(source_, op, "bank op with key \"" + *op.key + "\"",
                     "no key (the bank is one object)");
      }
      if (op.f == "transfer") {
        if (op.type == OpType::kInvoke) FAULTLINE_RETURN_IF_ERROR(Transfer(i));
      } else if (op.f == "read") {
        if (op.type == OpType::kOk) FAULTLINE_RETURN_IF_ERROR(Read(i));
      } else {
        return BadOp(source_, op, "unknown bank op \"" + op.f + "\"", "f transfer or read");
      }
    }
    return Status::Ok();
  }

  BankResult Finish() &&;

 private:
  Status Transfer(size_t i) {
    FAULTLINE_RETURN_IF_ERROR(CheckTransfer(source_, h_[i]));
    ++result_.transfers;
    const int64_t done = h_.partner(i);
    const OpType outcome = done < 0 ? OpType::kInfo : h_[done].type;
    ++(outcome == OpType::kOk     ? result_.transfers_ok
       : outcome == OpType::kFail ? result_.transfers_fail
                                  : result_.transfers_info);
    return Status::Ok();
  }

  Status Read(size_t i);
  void Judge(const Op& invoke, const Op& done, int64_t sum,
             std::vector<BankAccountBalance> negative, std::vector<BankAccountBalance> missing,
             std::vector<BankAccountBalance> unexpected);
  void Add(const Op& invoke, const Op& done, const char* kind, int64_t sum,
           std::vector<BankAccountBalance> details, std::string why);

  const History& h_;
  const std::string& source_;
  const BankOptions& options_;
  std::vector<int64_t> expected_;  // sorted account ids; empty until known
  std::vector<int64_t> seen_;      // per expected account: the last read (index) that showed it
  BankResult result_;
};

Status BankWalk::Read(size_t i) {
  const Op& done = h_[i];
  const Op& invoke = h_[h_.partner(i)];
  const char* kShape = R"(a read value mapping account ids to balances, e.g. {"0":10,"1":5})";
  if (!done.value.is_map()) {
    return BadOp(source_, done,
                 std::string("ok read value is ") + Value::KindName(done.value.kind()), kShape);
  }
  const Value::Map& balances = done.value.as_map();
  if (expected_.empty()) {  // accounts from the first ok read
    for (const auto& [name, balance] : balances) {
      if (auto id = AccountId(name)) expected_.push_back(*id);
    }
    std::sort(expected_.begin(), expected_.end());
    expected_.erase(std::unique(expected_.begin(), expected_.end()), expected_.end());
  }
  if (seen_.size() != expected_.size()) seen_.assign(expected_.size(), -1);
  int64_t sum = 0;
  std::vector<BankAccountBalance> negative, missing, unexpected;
  for (const auto& [name, balance] : balances) {
    const std::optional<int64_t> id = AccountId(name);
    if (!id) return BadOp(source_, done, "account id \"" + name + "\" is not an integer", kShape);
    if (!balance.is_int() && !balance.is_null()) {
      return BadOp(source_, done,
                   "balance of account " + name + " is " + Value::KindName(balance.kind()), kShape);
    }
    auto pos = std::lower_bound(expected_.begin(), expected_.end(), *id);
    if (pos == expected_.end() || *pos != *id) {
      unexpected.push_back({name, balance.is_int() ? balance.as_int() : 0});
      if (balance.is_int()) sum += balance.as_int();
      continue;
    }
    int64_t& seen = seen_[pos - expected_.begin()];
    if (seen == static_cast<int64_t>(i)) {
      return BadOp(source_, done, "account " + name + " appears twice", kShape);
    }
    if (balance.is_null()) continue;  // counted as missing below
    seen = static_cast<int64_t>(i);
    sum += balance.as_int();
    if (balance.as_int() < 0 && !options_.allow_negative) {
      negative.push_back({name, balance.as_int()});
    }
  }
  for (size_t a = 0; a < expected_.size(); ++a) {
    if (seen_[a] != static_cast<int64_t>(i)) missing.push_back({std::to_string(expected_[a]), 0});
  }
  ++result_.reads;
  result_.totals.push_back({done.time, sum, invoke.index, false});
  Judge(invoke, done, sum, std::move(negative), std::move(missing), std::move(unexpected));
  return Status::Ok();
}

void BankWalk::Judge(const Op& invoke, const Op& done, int64_t sum,
                     std::vector<BankAccountBalance> negative,
                     std::vector<BankAccountBalance> missing,
                     std::vector<BankAccountBalance> unexpected) {
  const std::string who =
      "p" + std::to_string(invoke.process) + "'s read (op " + std::to_string(invoke.index) + ")";
  if (sum != options_.total) {
    Add(invoke, done, "wrong-total", sum, {},
        who + " sums to " + std::to_string(sum) + ", not " + std::to_string(options_.total) + ": " +
            Signed(sum - options_.total) + (sum > options_.total ? " created" : " lost") +
            (missing.empty() && unexpected.empty() ? "" : " (it also shows the wrong accounts)"));
  }
  if (!negative.empty()) {
    std::string why = who + " shows a negative balance: " + Accounts(negative, true);
    Add(invoke, done, "negative", sum, std::move(negative), std::move(why));
  }
  if (!missing.empty()) {
    std::string why = who + " lacks " + Accounts(missing, false) + " (or gives it no balance)";
    Add(invoke, done, "missing-accounts", sum, std::move(missing), std::move(why));
  }
  if (!unexpected.empty()) {
    std::string why =
        who + " shows " + Accounts(unexpected, true) + ", which the bank does not have";
    Add(invoke, done, "unexpected-account", sum, std::move(unexpected), std::move(why));
  }
}

void BankWalk::Add(const Op& invoke, const Op& done, const char* kind, int64_t sum,
                   std::vector<BankAccountBalance> details, std::string why) {
  result_.totals.back().bad = true;
  result_.bad_reads.push_back(
      {invoke.index, invoke.process, done.time, kind, sum, std::move(details), std::move(why)});
}

BankResult BankWalk::Finish() && {
  BankResult& r = result_;
  r.accounts = static_cast<int>(expected_.size());
  const std::string transfers =
      std::to_string(r.transfers) + " transfers (" + std::to_string(r.transfers_ok) + " ok, " +
      std::to_string(r.transfers_fail) + " fail, " + std::to_string(r.transfers_info) + " info)";
  if (r.reads == 0) {
    r.verdict = Verdict::kUnknown;
    r.explanation = "no ok read, so no balance was ever observed; " + transfers;
  } else if (r.bad_reads.empty()) {
    r.explanation = "all " + std::to_string(r.reads) + " ok reads show the " +
                    std::to_string(r.accounts) + " accounts summing to " + std::to_string(r.total) +
                    (options_.allow_negative ? "" : " with no negative balance") + "; " + transfers;
  } else {
    r.verdict = Verdict::kInvalid;
    int64_t reads = 0, last = -1;
    std::string kinds;
    for (const char* kind : kBankBadReadKinds) {
      const auto n = std::count_if(r.bad_reads.begin(), r.bad_reads.end(),
                                   [&](const BankBadRead& b) { return b.kind == kind; });
      if (n > 0) kinds += (kinds.empty() ? "" : ", ") + std::to_string(n) + " " + kind;
    }
    for (const BankBadRead& b : r.bad_reads) reads += b.op_index != last, last = b.op_index;
    r.explanation = std::to_string(reads) + " of " + std::to_string(r.reads) +
                    " ok reads break the invariant (" + kinds +
                    "); the first: " + r.bad_reads.front().explanation + "; " + transfers;
  }
  return std::move(r);
}

}  // namespace

Result<BankResult> CheckBank(const History& history, const std::string& source,
                             const BankOptions& options) {
  if (options.accounts < 0) {
    return Status::InvalidArgument(
        "bank checker: accounts is " + std::to_string(options.accounts) +
        "; expected a positive count, or 0 to take it from the first read");
  }
  BankWalk walk(history, source, options);
  FAULTLINE_RETURN_IF_ERROR(walk.Run());
  return std::move(walk).Finish();
}

nlohmann::json ToJson(const BankResult& r) {
  nlohmann::json j = {{"checker", "bank"},
                      {"verdict", VerdictName(r.verdict)},
                      {"explanation", r.explanation},
                      {"accounts", r.accounts},
                      {"total", r.total},
                      {"reads", r.reads},
                      {"transfers", r.transfers},
                      {"transfers_ok", r.transfers_ok},
                      {"transfers_fail", r.transfers_fail},
                      {"transfers_info", r.transfers_info},
                      {"bad_reads_total", r.bad_reads.size()}};
  nlohmann::json& bad = j["bad_reads"] = nlohmann::json::array();
  for (size_t i = 0; i < r.bad_reads.size() && i < kMaxJsonBadReads; ++i) {
    const BankBadRead& b = r.bad_reads[i];
    nlohmann::json details = nlohmann::json::array();
    for (const BankAccountBalance& a : b.details) {
      details.push_back({{"account", a.account}, {"balance", a.balance}});
    }
    bad.push_back({{"op_index", b.op_index},
                   {"process", b.process},
                   {"time", b.time},
                   {"kind", b.kind},
                   {"total", b.total},
                   {"details", std::move(details)},
                   {"explanation", b.explanation}});
  }
  nlohmann::json& rows = j["totals"] = nlohmann::json::array();
  const auto& t = r.totals;
  for (size_t i : SampleSeries(
           t.size(), kMaxSeriesRows, kMaxJsonBadReads, [&](size_t k) { return t[k].total; },
           [&](size_t k) { return t[k].bad; })) {
    rows.push_back({t[i].time, t[i].total, t[i].op_index});
  }
  return j;
}

}  // namespace faultline
