#include "core/evaluation/evaluation_report.h"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "core/common/atomic_file.h"
#include "core/evaluation/generated_images.h"
#include "core/evaluation/pareto_plot.h"
#include "core/image/png.h"
#include "core/toyworld/palette.h"
#include "core/toyworld/scene.h"

namespace perfusion::evaluation {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

void write_text(const fs::path& path, const std::string& text) { write_file_atomically(path.string(), text); }

json optional_json(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }

json accuracy_json(const BaseQualityTable& t) {
  return {{"background", t.background}, {"class", t.shape},       {"colour", t.colour},       {"texture", t.texture},
          {"size", t.size},             {"position", t.position}, {"companion", t.companion}, {"all", t.all}};
}

}  // namespace

json quality_summary(const BaseQualityReport& report, const BaseQualityOptions& options) {
  const auto& t = report.table;
  json vae = report.vae_round_trip ? json{{"images", report.vae_round_trip->images}, {"accuracy", accuracy_json(*report.vae_round_trip)}}
                                   : json();
  return {{"vae_round_trip", vae},
          {"captions", t.images / std::max(1, options.samples_per_caption)},
          {"samples_per_caption", options.samples_per_caption},
          {"split", options.split == toyworld::Split::HeldOut ? "held-out" : "train"},
          {"sampling_steps", options.sampling_steps},
          {"guidance", report.guidance},
          {"seed", options.seed},
          {"images", t.images},
          {"accuracy", accuracy_json(t)},
          {"seconds", report.seconds}};
}

void write_quality_report(const std::string& dir, const BaseQualityReport& report, const BaseQualityOptions& options) {
  fs::create_directories(dir);
  std::ostringstream csv;
  csv << "caption,sample,background,class,colour,texture,size,position,companion,scored_background,scored_class,"
         "scored_colour,scored_position\n";
  for (const auto& s : report.samples) {
    const auto& a = s.agreement;
    csv << csv_field(s.caption) << ',' << s.sample << ',' << a.background << ',' << a.shape << ',' << a.colour << ','
        << a.texture << ',' << a.size << ',' << a.position << ',' << a.companion << ','
        << toyworld::colour_name(s.score.background) << ','
        << (s.score.has_object ? toyworld::shape_name(s.score.shape) : "none") << ','
        << (s.score.has_object ? toyworld::colour_name(s.score.colour) : "none") << ','
        << (s.score.has_object ? toyworld::position_name(s.score.position) : "none") << '\n';
  }
  write_text(fs::path(dir) / "quality.csv", csv.str());
  write_text(fs::path(dir) / "quality.json", quality_summary(report, options).dump(2) + "\n");
}

json concept_summary(const ConceptEvaluation& eval) {
  const auto& o = eval.options;
  json variants = json::array();
  for (auto v : o.variants) variants.push_back(concepts::training_variant_name(v));
  json prompts = json::array();
  for (const auto& p : evaluation_prompts()) prompts.push_back(p.text);
  json points = json::array();
  for (const auto& p : operating_points(eval.samples))
    points.push_back({{"method", p.method}, {"beta", p.beta}, {"fidelity", p.fidelity}, {"alignment", p.alignment}, {"images", p.images}});
  json trained = json::array();
  for (const auto& t : eval.trained)
    trained.push_back({{"instance", t.instance},
                       {"variant", t.variant},
                       {"loaded", t.loaded},
                       {"seconds", t.seconds},
                       {"initial_loss", t.initial_loss},
                       {"final_loss", t.final_loss}});
  json calibration = json::array();
  for (const auto& c : eval.calibration)
    calibration.push_back({{"instance", c.instance},
                           {"own_photos", c.own_photos},
                           {"same_class", c.same_class},
                           {"threshold", c.threshold},
                           {"vae_round_trip", optional_json(c.vae_round_trip)},
                           {"same_class_round_trip", optional_json(c.same_class_round_trip)},
                           {"round_trip_threshold", optional_json(c.round_trip_threshold)}});
  const auto pair_report = [](const std::vector<PairSample>& samples, const std::vector<std::string>& prompts) {
    json pictures = json::array();
    for (const auto& p : samples)
      pictures.push_back({{"first", p.first},
                          {"second", p.second},
                          {"prompt", p.prompt},
                          {"sample", p.sample},
                          {"first_fidelity", p.first_fidelity},
                          {"second_fidelity", p.second_fidelity},
                          {"both_present", p.both_present},
                          {"both_present_round_trip", p.both_present_round_trip}});
    return json{{"images", samples.size()},
                {"prompts", prompts},
                {"both_present", both_present_rate(samples)},
                {"both_present_round_trip", both_present_rate(samples, PresenceThreshold::VaeRoundTrip)},
                {"pictures", pictures}};
  };
  return {{"instances", [&] {
             json names = json::array();
             for (const auto& c : eval.calibration) names.push_back(c.instance);
             return names;
           }()},
          {"variants", variants},
          {"betas", o.betas},
          {"prompts", prompts},
          {"photos", o.photos},
          {"training_steps", o.training.steps},
          {"training_batch", o.training.effective_batch},
          {"training_mask", concepts::mask_mode_name(o.training.mask_mode)},
          {"training_lr_embedding", o.training.lr_embedding},
          {"training_lr_v", o.training.lr_v},
          {"training_photo_captions", o.photo_captions},
          {"prompt_matched_gate", o.prompt_matched_gate},
          {"words_before_concept", o.words_before_concept},
          {"sampling_steps", o.sampling_steps},
          {"guidance", o.guidance.value_or(0)},
          {"samples_per_prompt", o.samples_per_prompt},
          {"seed", o.seed},
          {"operating_points", points},
          {"two_concepts", pair_report(eval.pairs, pair_prompts())},
          {"two_concepts_side_by_side", pair_report(eval.side_by_side, side_by_side_prompts())},
          {"calibration", calibration},
          {"trained", trained},
          {"seconds", eval.seconds}};
}

void write_concept_report(const std::string& dir, const ConceptEvaluation& eval) {
  fs::create_directories(dir);
  std::ostringstream csv;
  csv << "instance,method,beta,prompt,sample,fidelity,alignment\n";
  for (const auto& s : eval.samples)
    csv << s.instance << ',' << s.method << ',' << number(s.beta) << ',' << csv_field(evaluation_prompts().at(s.prompt).text)
        << ',' << s.sample << ',' << number(s.fidelity) << ',' << number(s.alignment) << '\n';
  write_text(fs::path(dir) / "samples.csv", csv.str());
  write_text(fs::path(dir) / "summary.json", concept_summary(eval).dump(2) + "\n");

  const cv::Mat plot = pareto_plot(operating_points(eval.samples));
  image::write_png((fs::path(dir) / "pareto.png").string(), to_rgb_image(plot));
}

}  // namespace perfusion::evaluation
