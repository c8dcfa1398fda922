#include "db/external/external_protocol.h"

#include <simdjson.h>

namespace faultline {
namespace {

namespace dom = simdjson::dom;

constexpr char kExpected[] =
    "expected one JSON object per line: {\"id\":N,\"type\":\"ok|fail|info\",\"value\":…,"
    "\"error\":\"…\"}";

// Thrown inside this file only, turned into a Status by ParseExternalReply.
struct ReplyError {
  std::string what;
};

// The start of `line`, for messages.
std::string Excerpt(std::string_view line) {
  constexpr size_t kShown = 120;
  if (line.size() <= kShown) return std::string(line);
  return std::string(line.substr(0, kShown)) + "… (" + std::to_string(line.size()) + " bytes)";
}

Value ReadValue(dom::element v, int depth) {
  if (depth > kMaxExternalValueDepth) {
    throw ReplyError{"\"value\" is nested deeper than " + std::to_string(kMaxExternalValueDepth) +
                     " levels"};
  }
  switch (v.type()) {
    case dom::element_type::NULL_VALUE:
      return Value();
    case dom::element_type::BOOL:
      return Value::Bool(v.get_bool().value_unsafe());
    case dom::element_type::INT64:
      return Value::Int(v.get_int64().value_unsafe());
    case dom::element_type::UINT64:
      throw ReplyError{"an integer in \"value\" is out of range; expected signed 64-bit integers"};
    case dom::element_type::DOUBLE:
      return Value::Double(v.get_double().value_unsafe());
    case dom::element_type::STRING:
      return Value::String(std::string(v.get_string().value_unsafe()));
    case dom::element_type::ARRAY: {
      Value::List list;
      for (dom::element e : dom::array(v)) list.push_back(ReadValue(e, depth + 1));
      return Value::MakeList(std::move(list));
    }
    case dom::element_type::OBJECT: {
      Value::Map map;
      for (dom::key_value_pair kv : dom::object(v)) {
        map.emplace_back(std::string(kv.key), ReadValue(kv.value, depth + 1));
      }
      return Value::MakeMap(std::move(map));
    }
  }
  throw ReplyError{"unknown JSON value"};
}

// A string field, or "" for null.
std::string ReadString(dom::element v, const char* field) {
  if (v.is_null()) return "";
  if (!v.is_string()) throw ReplyError{std::string("\"") + field + "\" must be a string"};
  return std::string(v.get_string().value_unsafe());
}

OpType ReadType(dom::element v) {
  if (!v.is_string()) throw ReplyError{"\"type\" must be a string: ok, fail or info"};
  const std::string_view s = v.get_string().value_unsafe();
  std::optional<OpType> t = ParseOpType(s);
  if (!t || *t == OpType::kInvoke) {
    throw ReplyError{"unknown \"type\" \"" + Excerpt(s) + "\"; expected ok, fail or info"};
  }
  return *t;
}

ExternalReply ReadReply(dom::element doc) {
  if (!doc.is_object()) throw ReplyError{"not a JSON object"};
  ExternalReply r;
  bool seen_id = false, seen_type = false, seen_value = false, seen_error = false,
       seen_unavailable = false, seen_node = false, seen_role = false;
  auto once = [](bool& seen, std::string_view field) {
    if (seen) throw ReplyError{"\"" + std::string(field) + "\" given twice"};
    seen = true;
  };
  for (dom::key_value_pair kv : dom::object(doc)) {
    const std::string_view k = kv.key;
    dom::element v = kv.value;
    if (k == "id") {
      once(seen_id, k);
      if (!v.is_int64()) throw ReplyError{"\"id\" must be the request's integer id"};
      r.id = v.get_int64().value_unsafe();
    } else if (k == "type") {
      once(seen_type, k);
      r.type = ReadType(v);
    } else if (k == "value") {
      once(seen_value, k);
      r.value = ReadValue(v, 0);
    } else if (k == "error") {
      once(seen_error, k);
      r.error = ReadString(v, "error");
    } else if (k == "unavailable") {
      once(seen_unavailable, k);
      if (!v.is_bool()) throw ReplyError{"\"unavailable\" must be true or false"};
      r.unavailable = v.get_bool().value_unsafe();
    } else if (k == "node") {
      once(seen_node, k);
      r.node = ReadString(v, "node");
    } else if (k == "role") {
      once(seen_role, k);
      r.role = ReadString(v, "role");
    }
    // Other fields are ignored: a client may add its own (timings, debugging).
  }
  if (!seen_id) throw ReplyError{"missing \"id\"; expected the request's id"};
  if (!seen_type) throw ReplyError{"missing \"type\"; expected ok, fail or info"};
  if (r.unavailable && r.type != OpType::kFail) {
    throw ReplyError{"\"unavailable\": true on a reply of type " + std::string(OpTypeName(r.type)) +
                     "; only a fail can be unavailable"};
  }
  return r;
}

// Parses `line` with this thread's parser (each worker's client parses on its own thread,
// and a parser keeps its buffers between lines). The element lives until the next call.
Result<dom::element> ParseLine(std::string_view line) {
  thread_local dom::parser parser;
  dom::element doc;
  if (auto err = parser.parse(line.data(), line.size(), /*realloc_if_needed=*/true).get(doc); err) {
    return Status::InvalidInput(std::string("malformed JSON (") + simdjson::error_message(err) +
                                ")");
  }
  return doc;
}

}  // namespace

Status ParseExternalReady(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  auto bad = [&](const std::string& what) {
    return Status::InvalidInput("first line `" + Excerpt(line) + "`: " + what +
                                "; expected {\"type\":\"ready\"} once the client takes requests");
  };
  if (line.size() > kMaxExternalReplyBytes) return bad("too long");
  Result<dom::element> doc = ParseLine(line);
  if (!doc.ok()) return bad(doc.status().message());
  dom::element type;
  if (!doc->is_object() || doc->at_key("type").get(type) != simdjson::SUCCESS) {
    return bad("no \"type\"");
  }
  if (!type.is_string() || type.get_string().value_unsafe() != "ready") return bad("not \"ready\"");
  return Status::Ok();
}

Result<ExternalReply> ParseExternalReply(std::string_view line, size_t max_bytes) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  auto bad = [&](const std::string& what) {
    return Status::InvalidInput("reply `" + Excerpt(line) + "`: " + what + "; " + kExpected);
  };
  if (line.size() > max_bytes) {
    return bad("longer than " + std::to_string(max_bytes) + " bytes");
  }
  Result<dom::element> doc = ParseLine(line);
  if (!doc.ok()) return bad(doc.status().message());
  try {
    return ReadReply(*doc);
  } catch (const ReplyError& e) {
    return bad(e.what);
  }
}

std::string EncodeExternalRequest(int64_t id, const OpRequest& req, const std::string& node,
                                  int64_t timeout_ms) {
  std::string out = "{\"id\":" + std::to_string(id) + ",\"f\":";
  AppendJsonString(req.f, &out);
  if (req.key) {
    out += ",\"key\":";
    AppendJsonString(*req.key, &out);
  }
  out += ",\"value\":";
  req.value.AppendJson(&out);
  out += ",\"node\":";
  AppendJsonString(node, &out);
  out += ",\"timeout_ms\":" + std::to_string(timeout_ms) + "}\n";
  return out;
}

}  // namespace faultline
