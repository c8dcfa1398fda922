// faultline's JSON Lines history reader (ARCHITECTURE §3), on simdjson:
// the 1M-op benchmark histories are ~200 MB, which a DOM library parses several times slower.
#include "core/jsonl_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <optional>

#include "core/history_io.h"
#include "core/huge_pages.h"
#include "core/op_fill.h"

namespace faultline {
namespace {

// The DOM API picks the best SIMD kernel at run time (the on-demand API fixes it at
// compile time, which without -march means the slow fallback).
namespace dom = simdjson::dom;

// Transparent huge pages under a vector of ops (core/huge_pages.h): a 1M-op history fills
// ~150 MB of ops, and faulting that in 4 KB pages costs as much as parsing it.
void AdviseHugePages(const std::vector<Op>& v) {
  faultline::AdviseHugePages(v.data(), v.capacity() * sizeof(Op));
}

// Thrown inside this file only, turned into a Status at the line loop.
struct LineError {
  std::string what;
};

template <typename T>
T Get(simdjson::simdjson_result<T> r, const char* what) {
  T out;
  if (auto err = std::move(r).get(out); err) {
    throw LineError{std::string("malformed JSON (") + simdjson::error_message(err) + ") in " +
                    what};
  }
  return out;
}

Value ReadValue(dom::element v, int depth) {
  if (depth > 64) throw LineError{"value nested deeper than 64 levels"};
  switch (v.type()) {
    case dom::element_type::NULL_VALUE:
      return Value();
    case dom::element_type::BOOL:
      return Value::Bool(Get(v.get_bool(), "boolean"));
    case dom::element_type::INT64:
      return Value::Int(Get(v.get_int64(), "integer"));
    case dom::element_type::UINT64:
      throw LineError{"integer out of range; expected a signed 64-bit integer"};
    case dom::element_type::DOUBLE:
      return Value::Double(Get(v.get_double(), "number"));
    case dom::element_type::STRING:
      return Value::String(std::string(Get(v.get_string(), "string")));
    case dom::element_type::ARRAY: {
      // Sized up front: a vector grown one push at a time ends up to twice too large, and a
      // 1M-op history holds a million of these.
      Value::List list;
      list.reserve(dom::array(v).size());
      for (dom::element elem : dom::array(v)) list.push_back(ReadValue(elem, depth + 1));
      return Value::MakeList(std::move(list));
    }
    case dom::element_type::OBJECT: {
      Value::Map map;
      map.reserve(dom::object(v).size());
      for (dom::key_value_pair kv : dom::object(v)) {
        map.emplace_back(std::string(kv.key), ReadValue(kv.value, depth + 1));
      }
      return Value::MakeMap(std::move(map));
    }
  }
  throw LineError{"unknown JSON value"};
}

std::string ReadStringOrInt(dom::element v, const char* field) {
  if (v.is_string()) return std::string(Get(v.get_string(), field));
  if (v.is_int64()) return std::to_string(Get(v.get_int64(), field));
  throw LineError{std::string("\"") + field + "\" must be a string or an integer"};
}

int64_t ReadProcess(dom::element v) {
  if (v.is_string()) {
    std::string_view s = Get(v.get_string(), "process");
    if (s != "nemesis") {
      throw LineError{"process \"" + std::string(s) +
                      "\"; expected a non-negative integer or \"nemesis\""};
    }
    return kNemesisProcess;
  }
  if (!v.is_int64() || Get(v.get_int64(), "process") < 0) {
    throw LineError{"process " + simdjson::minify(v) +
                    "; expected a non-negative integer or \"nemesis\""};
  }
  return Get(v.get_int64(), "process");
}

void ReadField(std::string_view k, dom::element v, Op* op) {
  if (k == "type") {
    if (!v.is_string()) throw LineError{"\"type\" must be a string: invoke, ok, fail or info"};
    std::string_view s = Get(v.get_string(), "type");
    auto t = ParseOpType(s);
    if (!t) {
      throw LineError{"unknown type \"" + std::string(s) + "\"; expected invoke, ok, fail or info"};
    }
    op->type = *t;
  } else if (k == "f") {
    if (!v.is_string()) throw LineError{"\"f\" must be a string, e.g. \"read\""};
    op->f = std::string(Get(v.get_string(), "f"));
  } else if (k == "process") {
    op->process = ReadProcess(v);
  } else if (k == "time") {
    if (!v.is_int64()) throw LineError{"\"time\" must be an integer (nanoseconds)"};
    op->time = Get(v.get_int64(), "time");
  } else if (k == "key") {
    if (!v.is_null()) op->key = ReadStringOrInt(v, "key");  // null: no key, as in EDN
  } else if (k == "node") {
    if (!v.is_null()) op->node = ReadStringOrInt(v, "node");
  } else if (k == "role") {
    if (!v.is_null()) op->role = ReadStringOrInt(v, "role");
  } else if (k == "error") {
    Value e = ReadValue(v, 0);
    op->error = e.is_string() ? std::string(e.as_string()) : e.ToJson();
  } else if (k == "value") {
    op->value = ReadValue(v, 0);
  } else if (k == "final") {
    if (!v.is_bool()) throw LineError{"\"final\" must be true or false"};
    op->final = Get(v.get_bool(), "final");
  }
  // "index" is recomputed from the position; other fields are ignored for forward
  // compatibility with histories written by newer versions or other tools.
}

// Reads `doc` into *op, a default Op.
void ReadOp(dom::element doc, Op* out) {
  if (!doc.is_object()) throw LineError{"expected one JSON object per line"};
  Op& op = *out;
  bool has_type = false, has_f = false, has_process = false;
  for (dom::key_value_pair kv : dom::object(doc)) {
    has_type |= kv.key == "type";
    has_f |= kv.key == "f";
    has_process |= kv.key == "process";
    ReadField(kv.key, kv.value, &op);
  }
  if (!has_type) throw LineError{"missing \"type\"; expected invoke, ok, fail or info"};
  if (!has_f) throw LineError{"missing \"f\"; expected the operation name, e.g. \"read\""};
  if (!has_process) throw LineError{"missing \"process\"; expected an integer or \"nemesis\""};
}

// A line that could not be read: its number (counted as the range was parsed) and why.
struct LineFailure {
  int64_t line = 0;
  std::string what;
  bool unterminated = false;  // the text ends without a newline after it
};

// One range of the text and what parsing it gave: its ops go to `slots`, one slot per line
// (core/op_fill.h), its lines are numbered from `first_line`.
struct Range {
  std::string_view text;
  int64_t first_line = 1;
  OpSlots slots;
  std::optional<LineFailure> failure;
};

// Reads one line, trimmed and non-blank, into *op (a default Op): the fast path, else
// simdjson (in place when SIMDJSON_PADDING bytes after it are readable, else from a copy).
void ReadLine(std::string_view json, const char* readable_end, const JsonlParseOptions& options,
              dom::parser* parser, simdjson::padded_string* copy, Op* op) {
  if (options.fast_path && ParseFlatJsonlOp(json, op)) return;
  *op = Op();
  const char* p = json.data();
  if (size_t(readable_end - (p + json.size())) < simdjson::SIMDJSON_PADDING) {
    *copy = simdjson::padded_string(json);
    p = copy->data();
  }
  dom::element doc;
  if (auto err = parser->parse(p, json.size(), false).get(doc); err) {
    throw LineError{std::string("malformed JSON (") + simdjson::error_message(err) +
                    "); expected one JSON object per line"};
  }
  ReadOp(doc, op);
}

// Tells the text's owner which part of a range is being read (options.prefetch, a step
// ahead) and which is done with (options.release), a step of 8 MB at a time.
class TextWindow {
 public:
  TextWindow(std::string_view text, const JsonlParseOptions& options)
      : text_(text), options_(options) {
    Advance(0);
  }
  ~TextWindow() {
    if (options_.release) options_.release(text_.data() + released_, text_.data() + text_.size());
  }
  // Called with the offset of each line read.
  void At(size_t offset) {
    if (offset >= next_) Advance(offset);
  }

 private:
  static constexpr size_t kStep = size_t{8} << 20;
  void Advance(size_t offset) {
    if (options_.release && offset > released_) {
      options_.release(text_.data() + released_, text_.data() + offset);
      released_ = offset;
    }
    const size_t fetch = std::min(text_.size(), offset + 2 * kStep);
    if (options_.prefetch && fetch > fetched_) {
      options_.prefetch(text_.data() + fetched_, text_.data() + fetch);
      fetched_ = fetch;
    }
    next_ = offset + kStep;
  }

  std::string_view text_;
  const JsonlParseOptions& options_;
  size_t released_ = 0, fetched_ = 0, next_ = 0;
};

// The fast path straight from a line's start, before its end is searched for: a flat op
// followed by its newline (or CRLF, or the end of the text) is read in one pass over its
// bytes. Returns the offset past the line, 0 if the line needs the general route.
size_t ReadFlatLine(std::string_view text, size_t pos, Op* op) {
  if (text[pos] != '{') return 0;
  const size_t n = ParseFlatJsonlPrefix(text.substr(pos), op);
  if (n == 0) return 0;
  size_t end = pos + n;
  if (end < text.size() && text[end] == '\r') ++end;
  if (end == text.size()) return text[end - 1] == '\r' ? 0 : end;
  return text[end] == '\n' ? end + 1 : 0;
}

// Parses the lines of range->text; stops at the first line it cannot read.
void ParseRange(const char* readable_end, const JsonlParseOptions& options, Range* range) {
  const std::string_view text = range->text;
  dom::parser parser;
  simdjson::padded_string copy;
  TextWindow window(text, options);
  int64_t number = 0;
  for (size_t pos = 0; pos < text.size();) {
    window.At(pos);
    const int64_t line = range->first_line + number++;
    Op* op = range->slots.Add();
    op->line = line;
    if (size_t next = options.fast_path ? ReadFlatLine(text, pos, op) : 0; next != 0) {
      pos = next;
      continue;
    }
    *op = Op();
    const size_t nl = text.find('\n', pos);
    size_t b = pos, e = nl == std::string_view::npos ? text.size() : nl;
    pos = e + 1;
    while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
    if (b == e) {
      range->slots.DropLast();
      continue;
    }
    try {
      ReadLine(text.substr(b, e - b), readable_end, options, &parser, &copy, op);
      op->line = line;
    } catch (const LineError& err) {
      range->slots.DropLast();
      range->failure = LineFailure{line, err.what, nl == std::string_view::npos};
      break;
    }
  }
}

// An estimate of the ops in `bytes` of text from the lines in the first 64 KB of `sample`, a
// little high: the result vector is reserved once for all of them (a 10M-op history must not
// be copied to a larger vector at its peak), and its pages that are never written cost nothing.
size_t EstimateOps(std::string_view sample, size_t bytes) {
  sample = sample.substr(0, size_t{64} << 10);
  if (sample.empty()) return 16;
  const size_t lines = size_t(std::count(sample.begin(), sample.end(), '\n')) + 1;
  return size_t(double(bytes) / double(sample.size()) * double(lines) * 1.1) + 16;
}

// The lines of `text`, counted a step at a time with the text's owner told which part is
// read (so a mapped file is mapped in bulk and dropped again, never held whole).
size_t CountLinesOf(std::string_view text, const JsonlParseOptions& options) {
  constexpr size_t kStep = size_t{8} << 20;
  size_t lines = 0;
  for (size_t pos = 0; pos < text.size(); pos += kStep) {
    const std::string_view step = text.substr(pos, kStep);
    if (options.prefetch) options.prefetch(step.data(), step.data() + step.size());
    lines += CountBytes(step, '\n', '\n').a;
    if (options.release) options.release(step.data(), step.data() + step.size());
  }
  return lines + (!text.empty() && text.back() != '\n');
}

// Parses `text` (lines numbered from `first_line`) and appends its ops to *ops: the lines of
// each range are counted, then each range parses its lines into its slots of *ops. The first
// failure ends the history: an error, or the truncated-last-line warning when it is that.
Status ParseInto(std::string_view text, int64_t first_line, const std::string& source,
                 std::string* warning, const JsonlParseOptions& options, std::vector<Op>* ops) {
  const char* readable_end = text.data() + std::max(options.readable, text.size());
  const std::vector<std::string_view> texts =
      SplitAtLines(text, RangeCount(text.size(), options.max_ranges, options.min_range_bytes));
  const size_t n = texts.size();
  std::vector<size_t> lines(n);
  if (n == 1) {
    lines[0] = CountLines(text);  // one thread: no need to drop what it counted
  } else {
    RunRanges(n, [&](size_t i) { lines[i] = CountLinesOf(texts[i], options); });
  }
  std::vector<OpSlots> slots = MakeSlots(ops, lines);
  std::vector<Range> ranges(n);
  for (size_t i = 0; i < n; ++i) {
    ranges[i].text = texts[i];
    ranges[i].first_line = i == 0 ? first_line : ranges[i - 1].first_line + int64_t(lines[i - 1]);
    ranges[i].slots = slots[i];
  }
  RunRanges(n, [&](size_t i) { ParseRange(readable_end, options, &ranges[i]); });
  for (size_t i = 0; i < n; ++i) slots[i] = ranges[i].slots;
  for (const Range& r : ranges) {
    if (!r.failure) continue;
    const std::string line = std::to_string(r.failure->line);
    // A line is complete only once its newline is written: a bad last line without one is
    // a write cut short by a crash, which leaves the lines before it a valid prefix.
    if (warning != nullptr && r.failure->unterminated) {
      *warning = source + ":" + line + ": ignored an unterminated last line (" + r.failure->what +
                 "): the history was cut short, e.g. by a crash";
      break;
    }
    return Status::InvalidInput(source + ":" + line + ": " + r.failure->what);
  }
  CloseGaps(ops, slots);
  return Status::Ok();
}

}  // namespace

Result<std::vector<Op>> ParseJsonlText(std::string_view text, const std::string& source,
                                       std::string* warning, const JsonlParseOptions& options) {
  std::vector<Op> ops;
  if (text.empty()) return ops;
  if (Status s = ParseInto(text, 1, source, warning, options, &ops); !s.ok()) return s;
  return ops;
}

Result<std::vector<Op>> ParseJsonlOps(std::string_view text, const std::string& source,
                                      std::string* warning) {
  return ParseJsonlText(text, source, warning, JsonlParseOptions{});
}

Result<std::vector<Op>> ReadJsonlStream(const std::function<Result<size_t>(char*, size_t)>& read,
                                        const std::string& source, size_t size_hint,
                                        std::string* warning) {
  // Small at first, so a short history does not pay for a large buffer; doubled up to 8 MB.
  size_t chunk = size_t{64} << 10;
  std::vector<Op> ops;
  // buf[0, len) holds the unparsed text: the start of a line cut by the last chunk, then the
  // new chunk; the rest of buf is room, so every line in it has padding after it.
  std::string buf;
  size_t len = 0;
  int64_t next_line = 1;
  for (bool eof = false; !eof;) {
    buf.resize(std::max(buf.size(), len + chunk + simdjson::SIMDJSON_PADDING));
    Result<size_t> got = read(buf.data() + len, chunk);
    if (!got.ok()) return Status::IoError(source + ": " + got.status().message());
    len += *got;
    eof = *got == 0;
    const size_t nl = std::string_view(buf.data(), len).rfind('\n');
    const size_t end = eof ? len : nl == std::string_view::npos ? 0 : nl + 1;
    if (end == 0) {
      chunk = std::min(chunk * 2, size_t{8} << 20);  // a line longer than the buffer
      continue;
    }
    const std::string_view text(buf.data(), end);
    if (ops.capacity() == 0) {
      ops.reserve(EstimateOps(text, std::max(size_hint, end)));
      AdviseHugePages(ops);
    }
    JsonlParseOptions options;
    options.readable = buf.size();
    options.max_ranges = 1;
    Status s = ParseInto(text, next_line, source, warning, options, &ops);
    if (!s.ok()) return s;
    next_line += std::count(text.begin(), text.end(), '\n');
    buf.erase(0, end);
    len -= end;
    chunk = std::min(chunk * 2, size_t{8} << 20);
  }
  return ops;
}

}  // namespace faultline
