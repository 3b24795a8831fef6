#include "core/pipeline/generation_parameters.h"

#include "core/common/error.h"
#include "core/common/number_format.h"

#include <sstream>

namespace perfusion::pipeline {

std::string a1111_parameters(const GenerationRecord& record) {
  const auto& r = record.request;
  std::ostringstream out;
  out << r.prompt << "\n";
  if (!r.negative_prompt.empty()) out << "Negative prompt: " << r.negative_prompt << "\n";
  out << "Steps: " << r.steps << ", Sampler: " << sampling::sampler_display_name(r.sampler)
      << ", CFG scale: " << format_number(r.guidance) << ", Seed: " << r.seed << ", Size: " << r.width << "x" << r.height;
  if (!record.model_fingerprint.empty()) out << ", Model hash: " << record.model_fingerprint.substr(0, 10);
  if (!record.model_name.empty()) out << ", Model: " << record.model_name;
  if (r.batch > 1) out << ", Batch size: " << r.batch << ", Batch pos: " << record.batch_index;
  if (!record.concepts.empty()) {
    // One quoted list, so that tools splitting on ", " keep it as one field.
    out << ", Perfusion: \"";
    for (size_t i = 0; i < record.concepts.size(); ++i) {
      const auto& c = record.concepts[i];
      out << (i ? ", " : "") << c.token << ": beta " << format_number(c.beta) << " tau " << format_number(c.tau);
    }
    out << (record.global_locking ? ", global locking" : "") << (record.prompt_matched_gate ? "" : ", trained gate")
        << "\"";
  }
  return out.str();
}

nlohmann::json to_json(const GenerationRecord& record) {
  const auto& r = record.request;
  nlohmann::json concepts = nlohmann::json::array();
  for (const auto& c : record.concepts)
    concepts.push_back({{"token", c.token}, {"file", c.file}, {"beta", c.beta}, {"tau", c.tau}});
  return {{"format", "perfusion-generation"},
          {"version", 1},
          {"prompt", r.prompt},
          {"negative_prompt", r.negative_prompt},
          {"width", r.width},
          {"height", r.height},
          {"steps", r.steps},
          {"guidance", r.guidance},
          {"seed", r.seed},
          {"batch", r.batch},
          {"batch_index", record.batch_index},
          {"sampler", sampling::sampler_id(r.sampler.kind)},
          {"karras", r.sampler.karras},
          {"model", record.model_name},
          {"model_fingerprint", record.model_fingerprint},
          {"concepts", concepts},
          {"global_locking", record.global_locking},
          {"prompt_matched_gate", record.prompt_matched_gate}};
}

GenerationRecord generation_record_from_json(const nlohmann::json& json) {
  try {
    if (json.value("format", "") != "perfusion-generation") throw Error("not a Perfusion generation record");
    GenerationRecord record;
    auto& r = record.request;
    r.prompt = json.at("prompt").get<std::string>();
    r.negative_prompt = json.value("negative_prompt", "");
    r.width = json.at("width").get<int64_t>();
    r.height = json.at("height").get<int64_t>();
    r.steps = json.at("steps").get<int64_t>();
    r.guidance = json.at("guidance").get<double>();
    r.seed = json.at("seed").get<uint64_t>();
    r.batch = json.value("batch", int64_t{1});
    r.sampler.kind = sampling::parse_sampler(json.at("sampler").get<std::string>());
    r.sampler.karras = json.value("karras", false);
    record.batch_index = json.value("batch_index", int64_t{0});
    record.model_name = json.value("model", "");
    record.model_fingerprint = json.value("model_fingerprint", "");
    if (json.contains("concepts")) {
      for (const auto& c : json.at("concepts"))
        record.concepts.push_back({c.at("token").get<std::string>(), c.value("file", ""), c.at("beta").get<double>(),
                                   c.at("tau").get<double>()});
    }
    record.global_locking = json.value("global_locking", false);
    record.prompt_matched_gate = json.value("prompt_matched_gate", false);
    return record;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("malformed generation record: ") + e.what());
  }
}

}  // namespace perfusion::pipeline
