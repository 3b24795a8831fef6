#include "ui/request_conversion.h"

#include <cstring>

namespace perfusion {
namespace ui {

pipeline::TextToImageRequest toRequest(const GenerationSettings& s) {
  pipeline::TextToImageRequest r;
  r.prompt = s.prompt.toStdString();
  r.negative_prompt = s.negativePrompt.toStdString();
  r.sampler.kind = sampling::parse_sampler(s.sampler.toStdString());
  r.sampler.karras = s.karras;
  r.steps = s.steps;
  r.guidance = s.guidance;
  r.seed = s.seed;
  r.width = s.width;
  r.height = s.height;
  r.batch = s.batch;
  return r;
}

GenerationSettings toSettings(const pipeline::TextToImageRequest& r) {
  GenerationSettings s;
  s.prompt = QString::fromStdString(r.prompt);
  s.negativePrompt = QString::fromStdString(r.negative_prompt);
  s.sampler = QString::fromStdString(sampling::sampler_id(r.sampler.kind));
  s.karras = r.sampler.karras;
  s.steps = static_cast<int>(r.steps);
  s.guidance = r.guidance;
  s.seed = r.seed;
  s.width = static_cast<int>(r.width);
  s.height = static_cast<int>(r.height);
  s.batch = static_cast<int>(r.batch);
  return s;
}

pipeline::ModelOptions toModelOptions(const ModelSettings& m) {
  pipeline::ModelOptions o;
  o.model_path = m.modelPath.toStdString();
  o.tokenizer_path = m.tokenizerPath.toStdString();
  o.device = m.device.toStdString();
  o.precision = m.precision.toStdString();
  return o;
}

pipeline::GenerationRecord toRecord(const GeneratedImage& image) {
  pipeline::GenerationRecord record;
  record.request = toRequest(image.settings);
  record.model_name = image.modelName.toStdString();
  record.model_fingerprint = image.modelFingerprint.toStdString();
  record.batch_index = image.batchIndex;
  for (const ConceptUse& use : image.concepts)
    record.concepts.push_back({use.token.toStdString(), use.path.toStdString(), use.beta, use.tau});
  record.global_locking = image.globalLocking;
  return record;
}

GeneratedImage fromRecord(const pipeline::GenerationRecord& record) {
  GeneratedImage image;
  image.settings = toSettings(record.request);
  image.modelName = QString::fromStdString(record.model_name);
  image.modelFingerprint = QString::fromStdString(record.model_fingerprint);
  image.batchIndex = static_cast<int>(record.batch_index);
  for (const auto& c : record.concepts)
    image.concepts.append({QString::fromStdString(c.file), QString::fromStdString(c.token), c.beta, c.tau});
  image.globalLocking = record.global_locking;
  image.settings.globalLocking = record.global_locking;
  // The global slider stood where the first concept's beta is; with two or more concepts,
  // each one's own slider at its beta.
  if (!record.concepts.empty()) image.settings.conceptBeta = record.concepts.front().beta;
  if (record.concepts.size() >= 2)
    for (const auto& c : record.concepts) image.settings.conceptBetas.insert(QString::fromStdString(c.token), c.beta);
  return image;
}

QImage toQImage(const image::RgbImage& rgb) {
  QImage out(rgb.width, rgb.height, QImage::Format_RGB888);
  const size_t row_bytes = static_cast<size_t>(rgb.width) * 3;
  for (int y = 0; y < rgb.height; ++y) std::memcpy(out.scanLine(y), rgb.pixels.data() + y * row_bytes, row_bytes);
  return out;
}

image::RgbImage toRgbImage(const QImage& image) {
  const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
  image::RgbImage out;
  out.width = rgb.width();
  out.height = rgb.height();
  const size_t row_bytes = static_cast<size_t>(out.width) * 3;
  out.pixels.resize(row_bytes * out.height);
  for (int y = 0; y < out.height; ++y) std::memcpy(out.pixels.data() + y * row_bytes, rgb.constScanLine(y), row_bytes);
  return out;
}

}  // namespace ui
}  // namespace perfusion
