#include "ui/engine_bridge.h"

#include "core/engine/engine.h"
#include "ui/request_conversion.h"

#include <QMetaObject>

#include <limits>

namespace perfusion {
namespace ui {

namespace {

EngineBridge::JobType toJobType(engine::JobKind kind) {
  switch (kind) {
    case engine::JobKind::LoadModel: return EngineBridge::JobType::LoadModel;
    case engine::JobKind::Train: return EngineBridge::JobType::Train;
    default: return EngineBridge::JobType::Generate;
  }
}

EngineBridge::Outcome toOutcome(engine::Outcome outcome) {
  switch (outcome) {
    case engine::Outcome::Cancelled: return EngineBridge::Outcome::Cancelled;
    case engine::Outcome::Superseded: return EngineBridge::Outcome::Superseded;
    default: return EngineBridge::Outcome::Completed;
  }
}

QList<GeneratedImage> toGeneratedImages(const engine::Result& result) {
  QList<GeneratedImage> images;
  const QDateTime now = QDateTime::currentDateTime();
  for (size_t i = 0; i < result.images.size(); ++i) {
    auto record = result.record;
    record.batch_index = static_cast<int64_t>(i);
    GeneratedImage image = fromRecord(record);
    image.image = toQImage(result.images[i]);
    image.created = now;
    images.append(image);
  }
  return images;
}

}  // namespace

EngineBridge::EngineBridge(QObject* parent) : QObject(parent) {
  qRegisterMetaType<GeneratedImage>();
  qRegisterMetaType<QList<GeneratedImage>>();
  qRegisterMetaType<LoadedModel>();
  qRegisterMetaType<JobType>();
  qRegisterMetaType<Outcome>();
  qRegisterMetaType<ConceptDraft>();
  // Converting on the engine thread keeps the UI thread free of pixel copies.
  engine_ = std::make_unique<engine::Engine>([this](const engine::Event& event) {
    std::visit(
        [this](const auto& e) {
          using T = std::decay_t<decltype(e)>;
          const quint64 job = e.job;
          if constexpr (std::is_same_v<T, engine::Started>) {
            const auto type = toJobType(e.kind);
            post([this, job, type] { emit jobStarted(job, type); });
          } else if constexpr (std::is_same_v<T, engine::Progress>) {
            const qint64 step = e.step, total = e.total;
            const double eta = e.eta_seconds;
            const double loss = e.loss.value_or(std::numeric_limits<double>::quiet_NaN());
            post([this, job, step, total, eta, loss] { emit progress(job, step, total, eta, loss); });
          } else if constexpr (std::is_same_v<T, engine::Preview>) {
            const QImage image = toQImage(e.image);
            const qint64 step = e.step;
            post([this, job, step, image] { emit preview(job, step, image); });
          } else if constexpr (std::is_same_v<T, engine::Result>) {
            const auto images = toGeneratedImages(e);
            post([this, job, images] { emit resultsReady(job, images); });
          } else if constexpr (std::is_same_v<T, engine::ModelLoaded>) {
            LoadedModel model;
            model.name = QString::fromStdString(e.model_name);
            model.description = QString::fromStdString(e.description);
            model.device = QString::fromStdString(e.device);
            model.fingerprint = QString::fromStdString(e.fingerprint);
            model.defaultImageSize = static_cast<int>(e.default_image_size);
            model.recommendedGuidance = e.recommended_guidance;
            post([this, job, model] { emit modelLoaded(job, model); });
          } else if constexpr (std::is_same_v<T, engine::Finished>) {
            const auto outcome = toOutcome(e.outcome);
            post([this, job, outcome] { emit jobFinished(job, outcome); });
          } else if constexpr (std::is_same_v<T, engine::Failed>) {
            const QString message = QString::fromStdString(e.message);
            post([this, job, message] { emit jobFailed(job, message); });
          }
        },
        event);
  });
}

EngineBridge::~EngineBridge() {
  // Join first: afterwards no callback can post to this object any more.
  engine_.reset();
}

void EngineBridge::post(std::function<void()> deliver) {
  QMetaObject::invokeMethod(this, std::move(deliver), Qt::QueuedConnection);
}

quint64 EngineBridge::loadModel(const ModelSettings& settings) { return engine_->load_model(toModelOptions(settings)); }

quint64 EngineBridge::generate(const GenerationSettings& settings, bool cancelRunning) {
  return engine_->generate(toRequest(settings), cancelRunning);
}

quint64 EngineBridge::generate(const GenerationSettings& settings, const QList<ConceptUse>& concepts, bool globalLocking,
                               bool cancelRunning) {
  engine::ConceptOptions options;
  for (const ConceptUse& use : concepts) options.concepts.push_back({use.path.toStdString(), use.beta, use.tau});
  options.global_locking = globalLocking;
  return engine_->generate(toRequest(settings), options, cancelRunning);
}

quint64 EngineBridge::train(const ConceptDraft& draft, const QString& conceptPath, const QString& thumbnailPath) {
  engine::TrainRequest request;
  for (const QImage& photo : draft.photos) request.photos.push_back(toRgbImage(photo));
  request.options.token = draft.token.toStdString();
  request.options.supercategory = draft.supercategory.toStdString();
  request.options.steps = draft.steps;
  request.options.preview_every = draft.previewEvery;
  request.options.seed = draft.seed;
  request.options.effective_batch = draft.imagesPerStep;
  request.options.lr_embedding = draft.lrEmbedding;
  request.options.lr_v = draft.lrV;
  request.options.mask_mode = concepts::parse_mask_mode(draft.maskMode.toStdString());
  request.concept_path = conceptPath.toStdString();
  request.thumbnail_path = thumbnailPath.toStdString();
  return engine_->train(request);
}

void EngineBridge::cancel(quint64 job) { engine_->cancel(job); }

void EngineBridge::cancelAll() { engine_->cancel_all(); }

EngineBridge::MemoryUsage EngineBridge::memoryUsage() const {
  MemoryUsage usage;
  usage.processResidentBytes = engine::process_resident_bytes();
  if (const auto device = engine_->device_memory()) {
    usage.deviceUsedBytes = device->used_bytes;
    usage.deviceTotalBytes = device->total_bytes;
  }
  return usage;
}

}  // namespace ui
}  // namespace perfusion
