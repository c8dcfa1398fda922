#include "report/index.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "report/assets.h"
#include "report/html.h"
#include "report/json_fields.h"
#include "report/redact.h"
#include "report/run_data.h"
#include "report/sweep_report.h"
#include "report/test_facts.h"

namespace faultline {
namespace fs = std::filesystem;
namespace {

nlohmann::json ReadJsonOrNull(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return nullptr;
  return nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
}

bool IsRunDir(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "test.json", ec) || fs::exists(dir / "results.json", ec);
}

bool IsSweepDir(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / "sweep.json", ec);
}

// The folders one or two levels under `root` for which `is_one` holds; a folder that is one is
// not looked into, nor is anything deeper (a sweep's runs). Symlinks (results/latest) are
// skipped.
std::vector<fs::path> FindFolders(const fs::path& root, bool (*is_one)(const fs::path&)) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& top : fs::directory_iterator(root, ec)) {
    if (top.is_symlink() || !top.is_directory()) continue;
    if (is_one(top.path())) {
      found.push_back(top.path());
      continue;
    }
    std::error_code ec2;
    for (const auto& sub : fs::directory_iterator(top.path(), ec2)) {
      if (!sub.is_symlink() && sub.is_directory() && is_one(sub.path()))
        found.push_back(sub.path());
    }
  }
  return found;
}

std::string MTime(const fs::path& p) {
  struct stat st;
  std::tm tm;
  if (::stat(p.c_str(), &st) != 0 || !::localtime_r(&st.st_mtime, &tm)) return "";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string Str(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return "";
  const nlohmann::json v = RedactOptions(nlohmann::json::object({{key, j[key]}}))[key];
  if (v.is_string()) return v.get<std::string>();
  if (!v.is_array()) return v.dump();
  std::string out;
  for (const auto& e : v)
    out += (out.empty() ? "" : ", ") + (e.is_string() ? e.get<std::string>() : e.dump());
  return out.empty() ? "none" : out;
}

RunSummary Summarise(const fs::path& root, const fs::path& dir) {
  RunSummary r;
  r.rel_dir = fs::relative(dir, root).generic_string();
  r.time = RunTimeFromDirName(dir.filename().string());
  if (r.time.empty()) r.time = MTime(dir);
  const nlohmann::json test = FlattenParts(ReadJsonOrNull(dir / "test.json"));
  const nlohmann::json results = ReadJsonOrNull(dir / "results.json");
  r.name = Str(test, "name");
  if (r.name.empty())
    r.name =
        dir.parent_path() == root ? dir.filename().string() : dir.parent_path().filename().string();
  r.db = Str(test, "db_label");  // runs stored before it: the built-in store's replication
  if (r.db.empty()) {
    r.db = Str(test, "db");
    if (std::string mode = Str(test, "replication"); !mode.empty()) r.db += " (" + mode + ")";
  }
  r.workload = Str(test, "workload");
  r.nemesis = Str(test, "nemesis");
  r.verdict = results.is_object() ? results.value("verdict", "unknown") : "incomplete";
  r.interrupted = results.is_object() && results.value("interrupted", false);
  if (results.is_object() && results.contains("stats"))
    r.seconds = results["stats"].value("seconds", -1.0);
  std::error_code ec;
  r.has_report = fs::exists(dir / "report.html", ec);
  return r;
}

std::string Link(const RunSummary& r) {
  const std::string target = r.rel_dir + (r.has_report ? "/report.html" : "/results.json");
  return "<a href=\"" + EscapeHtml(target) + "\">" + (r.has_report ? "report" : "results.json") +
         "</a>";
}

std::string RowHtml(const RunSummary& r) {
  const std::string v = r.verdict == "incomplete" ? "unknown" : r.verdict;
  return "<tr class=\"run\"><td>" + EscapeHtml(r.time) + "</td><td>" + EscapeHtml(r.name) +
         "</td><td>" + EscapeHtml(r.db) + "</td><td>" + EscapeHtml(r.workload) + "</td><td>" +
         EscapeHtml(r.nemesis) + "</td><td class=\"num\">" +
         (r.seconds >= 0 ? EscapeHtml(HumanSeconds(r.seconds)) : "—") +
         "</td><td class=\"verdict " + EscapeHtml(v) + "\">" + EscapeHtml(r.verdict) +
         (r.interrupted ? " (interrupted)" : "") + "</td><td>" + Link(r) + " <span class=\"dir\">" +
         EscapeHtml(r.rel_dir) + "</span></td></tr>";
}

SweepListing ListSweep(const fs::path& root, const fs::path& dir) {
  SweepListing l;
  l.rel_dir = fs::relative(dir, root).generic_string();
  std::error_code ec;
  l.has_page = fs::exists(dir / "sweep.html", ec);
  auto sweep = ReadSweepJson(dir.string());
  if (!sweep.ok()) l.error = sweep.status().message();
  const nlohmann::json& j = sweep.ok() ? *sweep : nlohmann::json::object();
  l.name = TextField(j, "name");
  if (l.name.empty())
    l.name =
        dir.parent_path() == root ? dir.filename().string() : dir.parent_path().filename().string();
  l.time = RunTimeFromDirName(dir.filename().string());
  if (l.time.empty()) l.time = TextField(j, "started");
  if (l.time.empty()) l.time = MTime(dir);
  for (const nlohmann::json& cell : ArrayField(j, "cells")) {
    ++l.cells;
    l.surprises += TextField(cell, "outcome").rfind("surprise-", 0) == 0;
  }
  return l;
}

std::string SweepRowHtml(const SweepListing& l) {
  const std::string target = l.rel_dir + (l.has_page ? "/sweep.html" : "/sweep.json");
  return "<tr class=\"sweep\"><td>" + EscapeHtml(l.time) + "</td><td>" + EscapeHtml(l.name) +
         "</td><td class=\"num\">" + GroupDigits(l.cells) + "</td><td class=\"num" +
         (l.surprises > 0 ? " surprises" : "") + "\">" + GroupDigits(l.surprises) +
         "</td><td><a href=\"" + EscapeHtml(target) + "\">" +
         (l.has_page ? "sweep" : "sweep.json") + "</a> <span class=\"dir\">" +
         EscapeHtml(l.rel_dir) + "</span>" +
         (l.error.empty() ? "" : " <span class=\"error\">" + EscapeHtml(l.error) + "</span>") +
         "</td></tr>";
}

std::string SweepsHtml(std::vector<SweepListing> sweeps) {
  if (sweeps.empty()) return "";
  std::sort(sweeps.begin(), sweeps.end(), [](const SweepListing& a, const SweepListing& b) {
    return std::tie(a.time, a.rel_dir) > std::tie(b.time, b.rel_dir);
  });
  std::string h =
      "<h2>Sweeps</h2><table class=\"sweeps\"><thead><tr><th>time</th><th>sweep</th>"
      "<th>cells</th><th>surprises</th><th>page</th></tr></thead><tbody>";
  for (const SweepListing& l : sweeps) h += SweepRowHtml(l);
  return h + "</tbody></table><h2>Runs</h2>";
}

}  // namespace

std::vector<RunSummary> ScanRuns(const std::string& root_dir) {
  std::vector<RunSummary> runs;
  for (const fs::path& dir : FindFolders(root_dir, IsRunDir))
    runs.push_back(Summarise(root_dir, dir));
  return runs;
}

std::vector<SweepListing> ScanSweeps(const std::string& root_dir) {
  std::vector<SweepListing> sweeps;
  for (const fs::path& dir : FindFolders(root_dir, IsSweepDir))
    sweeps.push_back(ListSweep(root_dir, dir));
  return sweeps;
}

std::string RenderIndex(std::vector<RunSummary> runs, std::vector<SweepListing> sweeps) {
  std::sort(runs.begin(), runs.end(), [](const RunSummary& a, const RunSummary& b) {
    return std::tie(a.time, a.rel_dir) > std::tie(b.time, b.rel_dir);
  });
  size_t invalid = 0;
  for (const auto& r : runs) invalid += r.verdict == "invalid";
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta "
      "http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'\"><title>faultline "
      "results</title><style>" +
      std::string(kIndexCss) +
      "</style></head><body><header class=\"banner\"><h1>faultline results</h1><div "
      "class=\"run-id\">" +
      GroupDigits(int64_t(runs.size())) + " runs · " + GroupDigits(int64_t(invalid)) + " invalid" +
      (sweeps.empty() ? "" : " · " + GroupDigits(int64_t(sweeps.size())) + " sweeps") +
      "</div></header><main>";
  h += SweepsHtml(std::move(sweeps));
  h += "<table class=\"runs\"><thead><tr><th>time</th><th>test</th><th>database</th><th>workload"
       "</th><th>nemesis</th><th>duration</th><th>verdict</th><th>report</th></tr></thead><tbody>";
  for (const auto& r : runs) h += RowHtml(r);
  if (runs.empty()) h += "<tr><td colspan=\"8\">No runs yet.</td></tr>";
  return h + "</tbody></table></main></body></html>\n";
}

}  // namespace faultline
