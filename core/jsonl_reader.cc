// faultline's JSON Lines history reader (ARCHITECTURE §3), on simdjson:
// the 1M-op benchmark histories are ~200 MB, which a DOM library parses several times slower.
#include <simdjson.h>

#include <algorithm>
#include <istream>

#include "core/history_io.h"
#include "core/line_cursor.h"

namespace faultline {
namespace {

// The DOM API picks the best SIMD kernel at run time (the on-demand API fixes it at
// compile time, which without -march means the slow fallback).
namespace dom = simdjson::dom;

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
    case dom::element_type::NULL_VALUE: return Value();
    case dom::element_type::BOOL: return Value::Bool(Get(v.get_bool(), "boolean"));
    case dom::element_type::INT64: return Value::Int(Get(v.get_int64(), "integer"));
    case dom::element_type::UINT64:
      throw LineError{"integer out of range; expected a signed 64-bit integer"};
    case dom::element_type::DOUBLE: return Value::Double(Get(v.get_double(), "number"));
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
  } else if (k == "error") {
    Value e = ReadValue(v, 0);
    op->error = e.is_string() ? e.as_string() : e.ToJson();
  } else if (k == "value") {
    op->value = ReadValue(v, 0);
  } else if (k == "final") {
    if (!v.is_bool()) throw LineError{"\"final\" must be true or false"};
    op->final = Get(v.get_bool(), "final");
  }
  // "index" is recomputed from the position; other fields are ignored for forward
  // compatibility with histories written by newer versions or other tools.
}

Op ReadOp(dom::element doc) {
  if (!doc.is_object()) throw LineError{"expected one JSON object per line"};
  Op op;
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
  return op;
}

// Parses the lines of `text` into ops. simdjson reads up to SIMDJSON_PADDING bytes past a
// document (their content does not matter): a line with that many readable bytes after it
// (`readable` counts them from text.data()) is parsed in place, others are copied into padded
// storage, so the history text is never held twice. Lines are numbered from `first_line`.
Status ParseLines(std::string_view text, size_t readable, int64_t first_line,
                  const std::string& source, dom::parser* parser, std::string* warning,
                  std::vector<Op>* ops) {
  const char* base = text.data();
  simdjson::padded_string tail;
  for (LineCursor cur(text); cur.Next();) {
    const int64_t line = first_line + cur.number() - 1;
    size_t b = cur.begin(), e = cur.end();
    while (b < e && std::isspace(static_cast<unsigned char>(base[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(base[e - 1]))) --e;
    if (b == e) continue;
    try {
      dom::element doc;
      const char* json = base + b;
      if (e + simdjson::SIMDJSON_PADDING > readable) {
        tail = simdjson::padded_string(json, e - b);
        json = tail.data();
      }
      if (auto err = parser->parse(json, e - b, false).get(doc); err) {
        throw LineError{std::string("malformed JSON (") + simdjson::error_message(err) +
                        "); expected one JSON object per line"};
      }
      Op op = ReadOp(doc);
      op.line = line;
      ops->push_back(std::move(op));
    } catch (const LineError& err) {
      // A line is complete only once its newline is written: a bad last line without one is
      // a write cut short by a crash, which leaves the lines before it a valid prefix.
      if (warning && !cur.terminated()) {
        *warning = source + ":" + std::to_string(line) +
                   ": ignored an unterminated last line (" + err.what +
                   "): the history was cut short, e.g. by a crash";
        break;
      }
      return Status::InvalidInput(source + ":" + std::to_string(line) + ": " + err.what);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Op>> ParseJsonlOps(std::string_view text, const std::string& source,
                                      std::string* warning) {
  dom::parser parser;
  std::vector<Op> ops;
  ops.reserve(text.size() / 80);
  if (Status s = ParseLines(text, text.size(), 1, source, &parser, warning, &ops); !s.ok())
    return s;
  return ops;
}

Result<std::vector<Op>> ReadJsonlOps(std::istream& in, const std::string& source,
                                     size_t size_hint, std::string* warning) {
  constexpr size_t kChunk = size_t{8} << 20;
  dom::parser parser;
  std::vector<Op> ops;
  ops.reserve(size_hint / 80);
  // buf[0, len) holds the unparsed text: the start of a line cut by the last chunk, then the
  // new chunk; the rest of buf is room, so every line in it has padding after it.
  std::string buf;
  size_t len = 0;
  int64_t next_line = 1;
  for (bool eof = false; !eof;) {
    buf.resize(std::max(buf.size(), len + kChunk + simdjson::SIMDJSON_PADDING));
    in.read(buf.data() + len, std::streamsize(kChunk));
    if (in.bad()) return Status::IoError(source + ": read error");
    const size_t got = size_t(in.gcount());
    len += got;
    eof = got < kChunk;
    const size_t nl = std::string_view(buf.data(), len).rfind('\n');
    const size_t end = eof ? len : nl == std::string_view::npos ? 0 : nl + 1;
    if (end == 0) continue;
    const std::string_view text(buf.data(), end);
    Status s = ParseLines(text, buf.size(), next_line, source, &parser, warning, &ops);
    if (!s.ok()) return s;
    next_line += std::count(text.begin(), text.end(), '\n');
    buf.erase(0, end);
    len -= end;
  }
  return ops;
}

}  // namespace faultline
