#include "harness/options.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace faultline {
namespace {

std::string Number(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  std::string s = std::to_string(v);
  while (s.back() == '0') s.pop_back();
  return s;
}

std::string Flag(const OptionSpec& s) { return s.flag.empty() ? s.Key() : "--" + s.flag; }

Status CheckOne(const OptionSpec& s, const nlohmann::json& v, const std::string& owner) {
  auto bad = [&](const std::string& got) {
    return Status::InvalidArgument(Flag(s) + " " + got + ": expected " + s.AllowedText() +
                                   " (an option of " + owner + ")");
  };
  switch (s.type) {
    case OptionType::kString: {
      if (!v.is_string()) return bad(v.dump());
      const std::string word = v.get<std::string>();
      if (!s.choices.empty() &&
          std::find(s.choices.begin(), s.choices.end(), word) == s.choices.end()) {
        return bad(word);
      }
      return Status::Ok();
    }
    case OptionType::kBool:
      return v.is_boolean() ? Status::Ok() : bad(v.dump());
    case OptionType::kStrings:
      if (!v.is_array()) return bad(v.dump());
      for (const auto& e : v) {
        if (!e.is_string()) return bad(v.dump());
      }
      return Status::Ok();
    case OptionType::kInt:
    case OptionType::kDouble: {
      if (!v.is_number() || (s.type == OptionType::kInt && !v.is_number_integer())) {
        return bad(v.dump());
      }
      const double d = v.get<double>();
      if ((s.min && d < *s.min) || (s.max && d > *s.max)) return bad(v.dump());
      return Status::Ok();
    }
  }
  return Status::Ok();
}

}  // namespace

std::string OptionSpec::Key() const {
  if (!key.empty()) return key;
  std::string k = flag;
  std::replace(k.begin(), k.end(), '-', '_');
  return k;
}

std::string OptionSpec::AllowedText() const {
  switch (type) {
    case OptionType::kString: {
      if (choices.empty()) return "a string";
      std::string s;
      for (size_t i = 0; i < choices.size(); ++i) {
        s += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
      }
      return s;
    }
    case OptionType::kBool:
      return "true or false";
    case OptionType::kStrings:
      return "a list of strings";
    case OptionType::kInt:
    case OptionType::kDouble: {
      const std::string what = type == OptionType::kInt ? "an integer" : "a number";
      if (min && max) return what + " in " + Number(*min) + ".." + Number(*max);
      if (min) return what + " >= " + Number(*min);
      if (max) return what + " <= " + Number(*max);
      return what;
    }
  }
  return "";
}

nlohmann::json DefaultOptionValues(const std::vector<OptionSpec>& specs) {
  nlohmann::json values = nlohmann::json::object();
  for (const OptionSpec& s : specs) {
    nlohmann::json v = s.default_value;
    if (v.is_null()) {
      if (s.type == OptionType::kBool) v = false;
      if (s.type == OptionType::kStrings) v = nlohmann::json::array();
      if (s.type == OptionType::kString) v = "";
      if (s.type == OptionType::kInt || s.type == OptionType::kDouble) v = 0;
    }
    values[s.Key()] = std::move(v);
  }
  return values;
}

Result<nlohmann::json> ParseOptionWord(const OptionSpec& s, const std::string& word) {
  auto bad = [&] {
    return Status::InvalidArgument("--" + s.flag + " " + word + ": expected " + s.AllowedText());
  };
  switch (s.type) {
    case OptionType::kString:
      return nlohmann::json(word);
    case OptionType::kBool:
      if (word == "true" || word == "1" || word == "yes") return nlohmann::json(true);
      if (word == "false" || word == "0" || word == "no") return nlohmann::json(false);
      return bad();
    case OptionType::kStrings:
      return nlohmann::json::array({word});
    case OptionType::kInt: {
      char* end = nullptr;
      errno = 0;
      const long long v = std::strtoll(word.c_str(), &end, 10);
      if (word.empty() || *end != '\0' || errno != 0) return bad();
      return nlohmann::json(static_cast<int64_t>(v));
    }
    case OptionType::kDouble: {
      char* end = nullptr;
      const double v = std::strtod(word.c_str(), &end);
      if (word.empty() || *end != '\0' || !std::isfinite(v)) return bad();
      return nlohmann::json(v);
    }
  }
  return bad();
}

Status CheckOptionValues(const std::vector<OptionSpec>& specs, const nlohmann::json& values,
                         const std::string& owner) {
  if (!values.is_object()) return Status::InvalidArgument(owner + ": options must be an object");
  for (const auto& item : values.items()) {
    const std::string& key = item.key();  // not a structured binding: clang 14 cannot capture one
    auto s = std::find_if(specs.begin(), specs.end(),
                          [&](const OptionSpec& o) { return o.Key() == key; });
    if (s == specs.end()) {
      return Status::InvalidArgument(owner + " has no option \"" + key + "\"");
    }
    FAULTLINE_RETURN_IF_ERROR(CheckOne(*s, item.value(), owner));
  }
  return Status::Ok();
}

}  // namespace faultline
