#include "core/engine/engine.h"

#include "core/common/error.h"
#include "core/engine/failure_message.h"
#include "core/image/tensor_image.h"
#include "core/perfusion/trainer.h"
#include "core/perfusion/concept_file.h"
#include "core/pipeline/concept_set.h"
#include "core/pipeline/device.h"
#include "core/pipeline/training_model.h"

#include <c10/core/ScalarType.h>
#include <torch/torch.h>

#include <filesystem>
#include <variant>

namespace perfusion::engine {

struct Engine::Job {
  JobId id = 0;
  JobKind kind = JobKind::Generate;
  pipeline::ModelOptions model_options;
  pipeline::TextToImageRequest request;
  ConceptOptions concepts;
  TrainRequest training;
  std::atomic<bool> cancel{false};
};

namespace {

std::string model_display_name(const std::string& path) {
  const std::filesystem::path p(path);
  std::string name = p.filename().string();
  if (name.empty()) name = p.parent_path().filename().string();  // "folder/" has no filename
  return name;
}

bool same_options(const pipeline::ModelOptions& a, const pipeline::ModelOptions& b) {
  return a.model_path == b.model_path && a.tokenizer_path == b.tokenizer_path && a.device == b.device &&
         a.precision == b.precision;
}

std::string precision_name(c10::ScalarType type) {
  switch (type) {
    case c10::kHalf: return "fp16";
    case c10::kBFloat16: return "bf16";
    default: return "fp32";
  }
}

// The photo centre-cropped to a square and resized to side x side, [3, side, side] in [-1, 1].
at::Tensor training_tensor(const image::RgbImage& photo, int64_t side) {
  if (photo.width <= 0 || photo.height <= 0 ||
      photo.pixels.size() != static_cast<size_t>(photo.width) * static_cast<size_t>(photo.height) * 3)
    throw Error("a training photo has no pixels");
  auto pixels = torch::from_blob(const_cast<uint8_t*>(photo.pixels.data()), {photo.height, photo.width, 3}, torch::kUInt8);
  return concepts::square_training_tensor(pixels.clone(), side);
}

// [3, S, S] in [-1, 1] back to 8-bit RGB (the thumbnail when no preview was drawn).
image::RgbImage to_rgb8_chw(const at::Tensor& chw) {
  return image::to_rgb8(((chw + 1.0) / 2.0).clamp(0.0, 1.0).permute({1, 2, 0}).contiguous());
}

}  // namespace

Engine::Engine(EventCallback on_event) : on_event_(std::move(on_event)), thread_([this] { run(); }) {}

Engine::~Engine() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    pending_.clear();
    if (running_) running_->cancel = true;
  }
  wake_.notify_all();
  thread_.join();
}

JobId Engine::enqueue(std::shared_ptr<Job> job) {
  {
    std::lock_guard lock(mutex_);
    job->id = next_id_++;
    pending_.push_back(job);
  }
  wake_.notify_all();
  return job->id;
}

JobId Engine::load_model(const pipeline::ModelOptions& options) {
  auto job = std::make_shared<Job>();
  job->kind = JobKind::LoadModel;
  job->model_options = options;
  return enqueue(std::move(job));
}

JobId Engine::train(const TrainRequest& request) {
  auto job = std::make_shared<Job>();
  job->kind = JobKind::Train;
  job->training = request;
  return enqueue(std::move(job));
}

JobId Engine::generate(const pipeline::TextToImageRequest& request, bool cancel_running) {
  return generate(request, ConceptOptions{}, cancel_running);
}

JobId Engine::generate(const pipeline::TextToImageRequest& request, const ConceptOptions& concepts,
                       bool cancel_running) {
  auto job = std::make_shared<Job>();
  job->kind = JobKind::Generate;
  job->request = request;
  job->concepts = concepts;
  std::vector<JobId> superseded;
  {
    std::lock_guard lock(mutex_);
    job->id = next_id_++;
    for (auto it = pending_.begin(); it != pending_.end();) {
      if ((*it)->kind == JobKind::Generate) {
        superseded.push_back((*it)->id);
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
    if (cancel_running && running_ && running_->kind == JobKind::Generate) running_->cancel = true;
    pending_.push_back(job);
  }
  wake_.notify_all();
  for (JobId id : superseded) report(Finished{id, Outcome::Superseded});
  return job->id;
}

void Engine::cancel(JobId id) {
  bool dropped = false;
  {
    std::lock_guard lock(mutex_);
    if (running_ && running_->id == id) running_->cancel = true;
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if ((*it)->id == id) {
        pending_.erase(it);
        dropped = true;
        break;
      }
    }
  }
  if (dropped) report(Finished{id, Outcome::Cancelled});
}

void Engine::cancel_all() {
  std::vector<JobId> dropped;
  {
    std::lock_guard lock(mutex_);
    if (running_) running_->cancel = true;
    for (const auto& job : pending_) dropped.push_back(job->id);
    pending_.clear();
  }
  for (JobId id : dropped) report(Finished{id, Outcome::Cancelled});
}

std::optional<DeviceMemory> Engine::device_memory() const {
  const int64_t used = device_memory_used_.load();
  const int64_t total = device_memory_total_.load();
  if (used < 0 || total < 0) return std::nullopt;
  return DeviceMemory{used, total};
}

void Engine::report(const Event& event) const {
  if (on_event_) on_event_(event);
}

void Engine::run() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (stopping_) break;
      job = pending_.front();
      pending_.pop_front();
      running_ = job;
    }
    execute(*job);
    {
      std::lock_guard lock(mutex_);
      running_.reset();
    }
    sample_device_memory();
  }
  // Free the model (and GPU memory) on the thread that created it.
  concept_set_.reset();
  model_.reset();
}

void Engine::execute(Job& job) {
  report(Started{job.id, job.kind});
  try {
    switch (job.kind) {
      case JobKind::LoadModel: execute_load(job); break;
      case JobKind::Generate: execute_generate(job); break;
      case JobKind::Train: execute_train(job); break;
    }
  } catch (...) {
    report(Failed{job.id, describe_current_exception()});
  }
}

void Engine::execute_load(Job& job) {
  if (model_ && same_options(model_options_, job.model_options)) {
    // Already loaded: report it again so a caller that asked gets its answer.
  } else {
    concept_set_.reset();
    concept_set_key_.clear();
    model_.reset();
    model_options_ = {};
    if (job.model_options.model_path.empty()) throw Error("no model path given");
    model_ = pipeline::StableDiffusion::load(job.model_options);
    model_options_ = job.model_options;
  }
  ModelLoaded loaded;
  loaded.job = job.id;
  loaded.model_name = model_display_name(model_options_.model_path);
  loaded.device = device_display_name(model_->device());
  loaded.description = loaded.model_name + " on " + loaded.device + ", " + precision_name(model_->dtype());
  loaded.fingerprint = model_->checkpoint().fingerprint;
  loaded.default_image_size = model_->default_image_size();
  loaded.recommended_guidance = model_->recommended_guidance();
  report(loaded);
  report(Finished{job.id, Outcome::Completed});
}

void Engine::execute_generate(Job& job) {
  if (!model_) throw Error("no model is loaded; choose a base model in Settings");
  auto request = job.request;
  pipeline::validate_request(*model_, request);  // fills in the model's default size

  pipeline::GenerationHooks hooks;
  hooks.cancel = &job.cancel;
  hooks.concepts = prepare_concepts(job.concepts);
  hooks.on_step = [&](const pipeline::StepProgress& step) {
    Progress progress;
    progress.job = job.id;
    progress.step = step.step;
    progress.total = step.total;
    if (step.step > 0) progress.eta_seconds = step.elapsed_seconds / step.step * (step.total - step.step);
    report(progress);
    sample_device_memory();
  };
  const auto output = pipeline::text_to_image(*model_, request, hooks);
  if (output.cancelled || job.cancel) {
    report(Finished{job.id, Outcome::Cancelled});
    return;
  }
  Result result;
  result.job = job.id;
  result.record.request = request;
  result.record.model_name = model_display_name(model_options_.model_path);
  result.record.model_fingerprint = model_->checkpoint().fingerprint;
  if (hooks.concepts) {
    for (size_t i = 0; i < job.concepts.concepts.size(); ++i) {
      const auto& choice = job.concepts.concepts[i];
      result.record.concepts.push_back({concept_set_->at(i).token,
                                        std::filesystem::path(choice.path).filename().string(), choice.beta, choice.tau});
    }
    result.record.global_locking = job.concepts.global_locking;
  }
  for (int64_t i = 0; i < request.batch; ++i) result.images.push_back(image::to_rgb8(output.images[i]));
  report(result);
  report(Finished{job.id, Outcome::Completed});
}

void Engine::execute_train(Job& job) {
  if (!model_) throw Error("no model is loaded; choose a base model in Settings");
  TrainRequest& request = job.training;
  auto options = request.options;
  options.state_path.clear();
  options.resume_path.clear();
  if (options.cache_dir.empty()) options.cache_dir = pipeline::default_cache_dir();
  concepts::validate_training_options(options);
  if (request.concept_path.empty()) throw Error("no concept file name given");
  std::error_code error;
  if (std::filesystem::exists(request.concept_path, error))
    throw Error("the concept file " + request.concept_path + " already exists");
  if (request.photos.empty()) throw Error("no photos to train on");

  const int64_t side = options.resolution > 0 ? options.resolution : model_->default_image_size();
  concepts::TrainingImages images;
  for (const auto& photo : request.photos) images.images.push_back(training_tensor(photo, side));
  // The pixels are in the tensors now; the request need not hold them through training.
  const image::RgbImage first_crop = to_rgb8_chw(images.images.front());
  request.photos.clear();
  request.photos.shrink_to_fit();

  const concepts::TrainingModel view = pipeline::training_model(*model_);

  std::optional<image::RgbImage> last_preview;
  concepts::TrainingCallbacks callbacks;
  callbacks.on_progress = [&](const concepts::TrainingProgress& p) {
    Progress progress;
    progress.job = job.id;
    progress.step = p.step;
    progress.total = p.total;
    progress.loss = p.loss;
    progress.eta_seconds = p.eta_seconds;
    report(progress);
    sample_device_memory();
  };
  callbacks.on_preview = [&](int64_t step, const at::Tensor& picture) {
    last_preview = image::to_rgb8(picture);
    report(Preview{job.id, *last_preview, step});
  };
  const auto result = concepts::train_concept(view, images, options, callbacks, &job.cancel);
  // A cancel that comes after the last step loses nothing: the concept is complete.
  if (result.cancelled) {
    report(Finished{job.id, Outcome::Cancelled});
    return;
  }
  // A file of that name may have appeared while training ran (an import, a rename, an undone
  // delete): never replace it; the new concept goes beside it under a free name instead.
  std::string concept_path = request.concept_path, thumbnail_path = request.thumbnail_path;
  for (int n = 2; std::filesystem::exists(concept_path, error); ++n) {
    const std::filesystem::path original(request.concept_path);
    const std::string stem = original.stem().string() + "-" + std::to_string(n);
    concept_path = (original.parent_path() / (stem + original.extension().string())).string();
    if (!request.thumbnail_path.empty()) thumbnail_path = (original.parent_path() / (stem + ".png")).string();
  }
  // Thumbnail first: once the concept file exists, a library that lists it finds both.
  if (!thumbnail_path.empty()) image::write_png(thumbnail_path, last_preview ? *last_preview : first_crop);
  concepts::save_concept(result.learned, concept_path);
  report(Finished{job.id, Outcome::Completed});
}

pipeline::ConceptSet* Engine::prepare_concepts(const ConceptOptions& options) {
  if (options.concepts.empty()) return nullptr;
  const std::string cache_dir = options.cache_dir.empty() ? pipeline::default_cache_dir() : options.cache_dir;
  // A file replaced at the same path (a re-import) must be read again.
  std::vector<std::string> key{cache_dir};
  for (const auto& choice : options.concepts) {
    std::error_code error;
    const auto modified = std::filesystem::last_write_time(choice.path, error);
    key.push_back(choice.path + '\n' + (error ? std::string("?") : std::to_string(modified.time_since_epoch().count())));
  }
  if (!concept_set_ || key != concept_set_key_) {
    concept_set_.reset();
    concept_set_key_.clear();
    auto set = std::make_unique<pipeline::ConceptSet>(*model_, cache_dir);
    for (const auto& choice : options.concepts) set->add(concepts::load_concept(choice.path), choice.beta, choice.tau);
    concept_set_ = std::move(set);
    concept_set_key_ = std::move(key);
  }
  // Only the gates moved (the fidelity slider): no reloading, no new covariance.
  for (size_t i = 0; i < options.concepts.size(); ++i)
    concept_set_->set_gate(i, options.concepts[i].beta, options.concepts[i].tau);
  concept_set_->set_global_locking(options.global_locking);
  return concept_set_.get();
}

void Engine::sample_device_memory() {
  std::optional<DeviceMemory> memory;
  if (model_) memory = query_device_memory(model_->device());
  device_memory_used_ = memory ? memory->used_bytes : -1;
  device_memory_total_ = memory ? memory->total_bytes : -1;
}

}  // namespace perfusion::engine
