#include "sweep/plan.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "harness/test_flags.h"
#include "core/hash.h"
#include "core/random.h"

namespace faultline {
namespace {

Status Bad(const std::string& what) { return Status::InvalidArgument(what); }

// What `faultline test` runs when a flag is not given.
const TestSpec kDefaults;

// The options every test has that an axis may vary (the others are fixed for a sweep).
const std::vector<std::string> kCommonAxes = {"db",          "workload", "nemesis", "nodes",
                                              "concurrency", "time-limit"};

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// True when `words` give --flag (as "--flag", "--flag V" or "--flag=V").
bool GivesFlag(const std::vector<std::string>& words, const std::string& flag) {
  const std::string dashed = "--" + flag;
  return std::any_of(words.begin(), words.end(), [&](const std::string& w) {
    return w == dashed || w.rfind(dashed + "=", 0) == 0;
  });
}

// The value `words` give --flag (the last one), or `fallback`.
std::string FlagValue(const std::vector<std::string>& words, const std::string& flag,
                      const std::string& fallback) {
  const std::string dashed = "--" + flag;
  std::string value = fallback;
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] == dashed && i + 1 < words.size()) value = words[i + 1];
    if (words[i].rfind(dashed + "=", 0) == 0) value = words[i].substr(dashed.size() + 1);
  }
  return value;
}

// A JSON scalar as the word a command line would give.
std::string Word(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

const OptionSpec* FindOption(const std::vector<OptionSpec>& options, const std::string& name) {
  for (const OptionSpec& o : options) {
    if (!o.flag.empty() && (o.flag == name || o.Key() == name)) return &o;
  }
  return nullptr;
}

std::string SafetyNames(const std::vector<OptionSpec>& options) {
  std::vector<std::string> names;
  for (const OptionSpec& o : options) {
    if (o.safety && !o.flag.empty()) names.push_back(o.flag);
  }
  return names.empty() ? "none" : NameList(names, "and");
}

// The words that give axis `name` the value `value` in a test of `db` and `workload`.
Result<std::vector<std::string>> AxisWords(const std::string& name, const std::string& value,
                                           const std::string& db, const std::string& workload,
                                           const Registry& r) {
  if (name == "nemesis") {
    if (value == "none") return std::vector<std::string>{};
    std::string faults = value;
    std::replace(faults.begin(), faults.end(), '+', ',');
    return std::vector<std::string>{"--nemesis", faults};
  }
  if (Contains(kCommonAxes, name)) return std::vector<std::string>{"--" + name, value};
  const DbPart* d = r.FindDb(db);
  const WorkloadPart* w = r.FindWorkload(workload);
  if (!d) return Bad("--db " + db + ": unknown database (faultline list)");
  if (!w) return Bad("--workload " + workload + ": unknown workload (faultline list)");
  const OptionSpec* o = FindOption(d->options, name);
  std::string owner = "--db " + db;
  if (!o) {
    o = FindOption(w->options, name);
    owner = "--workload " + workload;
  }
  // A database that takes the user's own placeholders (--db external): any other name is one.
  if (!o && FindOption(d->options, "db-var")) {
    return std::vector<std::string>{"--db-var", name + "=" + value};
  }
  if (!o) {
    return Bad("--axis " + name + ": not an option of --db " + db + " or --workload " + workload +
               "; an axis is one of their safety settings (--db " + db + ": " +
               SafetyNames(d->options) + "; --workload " + workload + ": " +
               SafetyNames(w->options) + ") or " + NameList(kCommonAxes));
  }
  if (!o->safety) {
    return Bad("--axis " + name + ": --" + o->flag + " of " + owner +
               " is not a safety setting; its safety settings are " +
               SafetyNames(owner[2] == 'd' ? d->options : w->options) + " (a fixed --" +
               o->flag + " can be given as a plain flag)");
  }
  if (o->type == OptionType::kBool) {
    if (value == "true" || value == "on") return std::vector<std::string>{"--" + o->flag};
    if (value == "false" || value == "off") return std::vector<std::string>{};
    return Bad("--axis " + name + "=" + value + ": --" + o->flag +
               " is a switch; expected true or false");
  }
  return std::vector<std::string>{"--" + o->flag, value};
}

// One database's share of the grid: its fixed words and its own axes.
struct Source {
  std::vector<std::string> words;
  std::vector<Axis> axes;
};

Result<std::vector<Axis>> AxesFromJson(const nlohmann::json& j, const std::string& where) {
  std::vector<Axis> axes;
  if (!j.is_array()) return Bad(where + ": expected a list of {\"name\", \"values\"[, \"when\"]}");
  for (size_t i = 0; i < j.size(); ++i) {
    const nlohmann::json& a = j[i];
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!a.is_object() || !a.contains("name") || !a["name"].is_string() || !a.contains("values") ||
        !a["values"].is_array()) {
      return Bad(at + ": expected {\"name\": \"…\", \"values\": […]}");
    }
    Axis axis{a["name"].get<std::string>(), {}, a.value("when", nlohmann::json::object())};
    if (!axis.when.is_object()) return Bad(at + ".when: expected an object of settings");
    for (const nlohmann::json& v : a["values"]) {
      if (v.is_object() || v.is_array() || v.is_null()) {
        return Bad(at + ".values: expected strings, numbers or booleans");
      }
      axis.values.push_back(Word(v));
    }
    axes.push_back(std::move(axis));
  }
  return axes;
}

Result<std::vector<std::string>> WordsFromJson(const nlohmann::json& j, const std::string& where) {
  if (j.is_null()) return std::vector<std::string>{};
  if (!j.is_array()) return Bad(where + ": expected a list of command-line words");
  std::vector<std::string> words;
  for (const nlohmann::json& w : j) {
    if (!w.is_string()) return Bad(where + ": expected a list of command-line words (strings)");
    words.push_back(w.get<std::string>());
  }
  return words;
}

Result<nlohmann::json> ReadSweepFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Bad("--sweep-file " + path + ": cannot be read");
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    if (!j.is_object()) return Bad("--sweep-file " + path + ": expected a JSON object");
    return j;
  } catch (const nlohmann::json::parse_error& e) {
    return Bad("--sweep-file " + path + ": not JSON (" + e.what() + ")");
  }
}

// Every database's source: the sweep file's "databases" (each with its own words and axes,
// after the file's and the command line's), else the command line alone.
Result<std::vector<Source>> Sources(const SweepRequest& q, const nlohmann::json& file) {
  const std::string& f = q.file;
  auto top_words = WordsFromJson(file.value("flags", nlohmann::json()), f + ": \"flags\"");
  if (!top_words.ok()) return top_words.status();
  std::vector<Axis> top_axes;
  if (file.contains("axes")) {
    auto a = AxesFromJson(file["axes"], f + ": \"axes\"");
    if (!a.ok()) return a.status();
    top_axes = *a;
  }
  top_axes.insert(top_axes.end(), q.axes.begin(), q.axes.end());
  Source base{q.test_args, top_axes};
  base.words.insert(base.words.end(), top_words->begin(), top_words->end());
  if (!file.contains("databases")) return std::vector<Source>{base};
  const nlohmann::json& dbs = file["databases"];
  if (!dbs.is_array() || dbs.empty()) {
    return Bad(f + ": \"databases\": expected a non-empty list of {\"db\", \"flags\", \"axes\"}");
  }
  std::vector<Source> sources;
  for (size_t i = 0; i < dbs.size(); ++i) {
    const std::string at = f + ": \"databases\"[" + std::to_string(i) + "]";
    if (!dbs[i].is_object() || !dbs[i].contains("db") || !dbs[i]["db"].is_string()) {
      return Bad(at + ": expected {\"db\": NAME, \"flags\": […], \"axes\": […]}");
    }
    if (GivesFlag(base.words, "db")) return Bad(at + ": --db is given both here and as a flag");
    Source s = base;
    s.words.push_back("--db");
    s.words.push_back(dbs[i]["db"].get<std::string>());
    auto words = WordsFromJson(dbs[i].value("flags", nlohmann::json()), at + ".flags");
    if (!words.ok()) return words.status();
    s.words.insert(s.words.end(), words->begin(), words->end());
    if (dbs[i].contains("axes")) {
      auto a = AxesFromJson(dbs[i]["axes"], at + ".axes");
      if (!a.ok()) return a.status();
      s.axes.insert(s.axes.end(), a->begin(), a->end());
    }
    sources.push_back(std::move(s));
  }
  return sources;
}

bool Matches(const nlohmann::json& settings, const nlohmann::json& when) {
  for (const auto& [k, v] : when.items()) {
    if (!settings.contains(k) || settings[k].get<std::string>() != Word(v)) return false;
  }
  return true;
}

// Every combination of `axes` (in order; an axis whose `when` the settings so far do not
// match is left out of that combination).
void Expand(const std::vector<Axis>& axes, size_t i, nlohmann::json settings,
            std::vector<nlohmann::json>* out) {
  if (i == axes.size()) {
    out->push_back(std::move(settings));
    return;
  }
  if (!Matches(settings, axes[i].when)) {
    Expand(axes, i + 1, std::move(settings), out);
    return;
  }
  for (const std::string& v : axes[i].values) {
    nlohmann::json s = settings;
    s[axes[i].name] = v;
    Expand(axes, i + 1, std::move(s), out);
  }
}

Status CheckAxes(const std::vector<Axis>& axes, const Source& s, std::vector<std::string> seen) {
  for (const Axis& a : axes) {
    if (a.values.empty()) return Bad("--axis " + a.name + ": no values (expected NAME=V1,V2,…)");
    if (Contains(seen, a.name)) return Bad("--axis " + a.name + ": given twice");
    for (const auto& [k, v] : a.when.items()) {
      if (!Contains(seen, k)) {
        return Bad("axis " + a.name + ": \"when\" names " + k + ", which is not an earlier axis");
      }
    }
    seen.push_back(a.name);
    if (GivesFlag(s.words, a.name)) {
      return Bad("--axis " + a.name + ": --" + a.name + " is also given as a flag; give it once "
                 "(as the axis, or as a fixed flag)");
    }
  }
  return Status::Ok();
}

std::string CellId(const nlohmann::json& settings) {
  char id[16];
  std::snprintf(id, sizeof id, "c-%08x", Fnv1a32(settings.dump()));
  return id;
}

std::string SettingsText(const nlohmann::json& settings, const std::vector<std::string>& order,
                         const std::string& skip) {
  std::string text;
  for (const std::string& k : order) {
    if (k == skip || !settings.contains(k)) continue;
    text += (text.empty() ? "" : " ") + k + "=" + settings[k].get<std::string>();
  }
  return text;
}

// The cell's prediction: the sweep file's first matching declaration, else the database's.
void Predict(const nlohmann::json& declared, const TestSpec& spec, const Registry& r, Cell* c) {
  nlohmann::json facts = c->settings;
  facts["db"] = spec.db.name;
  for (const nlohmann::json& p : declared) {
    if (Matches(facts, p.value("when", nlohmann::json::object()))) {
      c->expect = p.value("expect", "undeclared");
      c->why = p.value("why", "declared in the sweep file");
      return;
    }
  }
  const DbPart* db = r.FindDb(spec.db.name);
  if (!db || !db->predict) {
    c->expect = "undeclared";
    c->why = "--db " + spec.db.name + " declares no prediction; safety is assumed";
    return;
  }
  const Prediction p = db->predict(spec);
  c->expect = ExpectName(p.expect);
  c->why = p.why;
}

Result<nlohmann::json> Declarations(const nlohmann::json& file, const std::string& path) {
  const nlohmann::json d = file.value("predictions", nlohmann::json::array());
  if (!d.is_array()) return Bad(path + ": \"predictions\": expected a list");
  for (size_t i = 0; i < d.size(); ++i) {
    const std::string at = path + ": \"predictions\"[" + std::to_string(i) + "]";
    if (!d[i].is_object() || !d[i].contains("expect") ||
        !Contains({"safe", "unsafe", "no-promise"}, d[i].value("expect", ""))) {
      return Bad(at + ": expected {\"when\": {…}, \"expect\": \"safe|unsafe|no-promise\", "
                 "\"why\": \"…\"}");
    }
  }
  return d;
}

// Keeps `only`, or a seeded sample of `max_cells`, in the grid's order.
Status Select(const SweepRequest& q, SweepPlan* plan) {
  std::vector<Cell>& cells = plan->cells;
  if (!q.only.empty()) {
    std::vector<Cell> kept;
    for (const std::string& id : q.only) {
      auto it = std::find_if(cells.begin(), cells.end(), [&](const Cell& c) { return c.id == id; });
      if (it == cells.end()) {
        return Bad("--only " + id + ": no such cell in this grid (faultline sweep --plan lists "
                   "the cells)");
      }
      kept.push_back(*it);
    }
    cells = std::move(kept);
  }
  if (q.max_cells > 0 && static_cast<int>(cells.size()) > q.max_cells) {
    std::vector<size_t> index(cells.size());
    for (size_t i = 0; i < index.size(); ++i) index[i] = i;
    Random rng(plan->seed);
    for (size_t i = 0; i < static_cast<size_t>(q.max_cells); ++i) {
      std::swap(index[i], index[i + rng.Uniform(index.size() - i)]);
    }
    index.resize(q.max_cells);
    std::sort(index.begin(), index.end());
    std::vector<Cell> kept;
    for (size_t i : index) kept.push_back(cells[i]);
    plan->sample = {{"of", cells.size()}, {"kept", kept.size()}, {"seed", plan->seed}};
    cells = std::move(kept);
  }
  return Status::Ok();
}

}  // namespace

Result<SweepPlan> MakePlan(const SweepRequest& q, const Registry& r) {
  nlohmann::json file = nlohmann::json::object();
  if (!q.file.empty()) {
    auto f = ReadSweepFile(q.file);
    if (!f.ok()) return f.status();
    file = *f;
  }
  auto sources = Sources(q, file);
  if (!sources.ok()) return sources.status();
  auto declared = Declarations(file, q.file);
  if (!declared.ok()) return declared.status();

  SweepPlan plan;
  plan.command = q.command;
  plan.seeds = q.seeds > 0 ? q.seeds : file.value("seeds", 3);
  if (plan.seeds < 1 || plan.seeds > 1000) return Bad("--seeds must be 1..1000");
  plan.seed = q.seed;
  // Below 2^53, so that sweep.json's readers (JavaScript's numbers among them) keep them exact.
  for (int k = 0; k < plan.seeds; ++k) {
    uint64_t state = plan.seed + k;
    plan.run_seeds.push_back(Random::SplitMix(&state) >> 11);
  }
  const bool several_dbs = sources->size() > 1;
  std::vector<std::string> order;  // settings in the order the axes were given
  if (several_dbs) order.push_back("db");
  for (const Source& s : *sources) {
    for (const Axis& a : s.axes) {
      if (!Contains(order, a.name)) {
        order.push_back(a.name);
        plan.axes.push_back(a);
      }
    }
  }
  plan.columns = Contains(order, "nemesis") ? "nemesis" : Contains(order, "workload") ? "workload" : "";

  for (const Source& s : *sources) {
    nlohmann::json start = nlohmann::json::object();
    if (several_dbs) start["db"] = FlagValue(s.words, "db", kDefaults.db.name);
    FAULTLINE_RETURN_IF_ERROR(
        CheckAxes(s.axes, s, several_dbs ? std::vector<std::string>{"db"} : std::vector<std::string>{}));
    std::vector<nlohmann::json> grid;
    Expand(s.axes, 0, start, &grid);
    for (nlohmann::json& settings : grid) {
      bool excluded = false;
      for (const nlohmann::json& x : file.value("exclude", nlohmann::json::array())) {
        excluded = excluded || (x.is_object() && Matches(settings, x));
      }
      if (excluded) continue;
      Cell c;
      c.settings = settings;
      c.id = CellId(settings);
      c.args = s.words;
      const std::string db = settings.value("db", FlagValue(s.words, "db", kDefaults.db.name));
      const std::string workload =
          settings.value("workload", FlagValue(s.words, "workload", kDefaults.workload.name));
      for (const auto& [name, value] : settings.items()) {
        if (name == "db" && several_dbs) continue;  // already among the source's words
        auto words = AxisWords(name, value.get<std::string>(), db, workload, r);
        if (!words.ok()) return words.status();
        c.args.insert(c.args.end(), words->begin(), words->end());
      }
      TestSpec spec;
      std::string help;
      std::vector<std::string> check = c.args;
      check.insert(check.end(), {"--seed", "1"});
      if (Status st = ParseTestFlags(check, r, &spec, &help); !st.ok()) {
        const std::string where = settings.empty() ? "" : " (cell " + settings.dump() + ")";
        return Bad(st.message() + where);
      }
      if (!help.empty()) return Bad("--help is not a test flag of a sweep");
      c.row = SettingsText(settings, order, plan.columns);
      c.column = plan.columns.empty() ? FlagValue(s.words, "nemesis", "no faults")
                                      : settings[plan.columns].get<std::string>();
      c.label = DbLabel(spec.db, r);
      Predict(*declared, spec, r, &c);
      if (plan.name.empty()) plan.name = q.name.empty() ? spec.workload.name : q.name;
      plan.cells.push_back(std::move(c));
    }
  }
  if (plan.cells.empty()) return Bad("the grid is empty: every combination was excluded");
  for (size_t i = 0; i < plan.cells.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (plan.cells[i].id == plan.cells[j].id) {
        return Bad("two cells have the same settings " + plan.cells[i].settings.dump() +
                   " (an axis value given twice?)");
      }
    }
  }
  FAULTLINE_RETURN_IF_ERROR(Select(q, &plan));
  return plan;
}

std::string RunName(const Cell& cell, int k) { return cell.id + "-s" + std::to_string(k + 1); }

std::vector<std::string> RunArgs(const SweepPlan& plan, const Cell& cell, int k,
                                 const std::string& runs_root) {
  std::vector<std::string> args = cell.args;
  args.insert(args.end(), {"--seed", std::to_string(plan.run_seeds[k]), "--name",
                           RunName(cell, k), "--results", runs_root});
  return args;
}

nlohmann::json SweepPlan::ToJson() const {
  nlohmann::json j = {{"format", 1},        {"name", name},   {"command", command},
                      {"columns", columns}, {"seeds", seeds}, {"seed", seed},
                      {"run_seeds", run_seeds}, {"sample", sample}};
  j["axes"] = nlohmann::json::array();
  for (const Axis& a : axes) {
    j["axes"].push_back({{"name", a.name}, {"values", a.values}, {"when", a.when}});
  }
  j["cells"] = nlohmann::json::array();
  for (const Cell& c : cells) {
    j["cells"].push_back({{"id", c.id},
                          {"settings", c.settings},
                          {"args", c.args},
                          {"row", c.row},
                          {"column", c.column},
                          {"label", c.label},
                          {"prediction", {{"expect", c.expect}, {"why", c.why}}}});
  }
  return j;
}

Result<SweepPlan> SweepPlan::FromJson(const nlohmann::json& j) {
  try {
    SweepPlan p;
    p.name = j.at("name").get<std::string>();
    p.command = j.at("command").get<std::string>();
    p.columns = j.at("columns").get<std::string>();
    p.seeds = j.at("seeds").get<int>();
    p.seed = j.at("seed").get<uint64_t>();
    p.run_seeds = j.at("run_seeds").get<std::vector<uint64_t>>();
    p.sample = j.at("sample");
    auto axes = AxesFromJson(j.at("axes"), "plan.json: \"axes\"");
    if (!axes.ok()) return axes.status();
    p.axes = *axes;
    for (const nlohmann::json& c : j.at("cells")) {
      p.cells.push_back({c.at("id").get<std::string>(), c.at("settings"),
                         c.at("args").get<std::vector<std::string>>(),
                         c.at("row").get<std::string>(), c.at("column").get<std::string>(),
                         c.at("label").get<std::string>(),
                         c.at("prediction").at("expect").get<std::string>(),
                         c.at("prediction").at("why").get<std::string>()});
    }
    if (static_cast<int>(p.run_seeds.size()) != p.seeds) return Bad("plan.json: run_seeds ≠ seeds");
    return p;
  } catch (const nlohmann::json::exception& e) {
    return Bad(std::string("plan.json: not a sweep plan (") + e.what() + ")");
  }
}

}  // namespace faultline
