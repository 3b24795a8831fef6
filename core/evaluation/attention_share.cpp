#include "core/evaluation/attention_share.h"

#include "core/common/error.h"
#include "core/evaluation/generated_images.h"
#include "core/models/cross_attention_edit.h"
#include "core/models/text_encoder.h"
#include "core/models/unet.h"
#include "core/models/vae.h"
#include "core/perfusion/training_templates.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/sampling/noise_schedule.h"
#include "core/sampling/random.h"
#include "core/text/tokenizer.h"
#include "core/toyworld/instances.h"
#include "core/toyworld/render.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>

namespace perfusion::evaluation {

namespace {

enum Category { kStart, kWord, kOtherWords, kEnd, kPadding, kCategories };

// The plain projections, adding each layer's attention per token category over the object's
// and the background's query positions.
class AttentionShareRecorder : public models::AttentionObserver {
 public:
  // categories: [keys] int64, each key position's Category.
  explicit AttentionShareRecorder(const at::Tensor& categories)
      : one_hot_(torch::one_hot(categories, kCategories).to(torch::kFloat32)) {}

  void observe_attention(int64_t layer_index, const at::Tensor& probabilities) const override {
    const int64_t queries = probabilities.size(2);
    const auto side = static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(queries))));
    if (side * side != queries) throw Error("attention share: layer " + std::to_string(layer_index) + " is not square");
    const auto per_key = probabilities.to(torch::kCPU, torch::kFloat32).mean(1)[0];  // [queries, keys]
    const auto object = torch::adaptive_avg_pool2d(object_mask_, {side, side}).reshape({queries, 1});
    // [keys] -> [categories]: the mean attention of each region, summed per category.
    const auto region_share = [&](const at::Tensor& weight) {
      return ((per_key * weight).sum(0) / weight.sum().clamp_min(1e-6)).matmul(one_hot_);
    };
    const auto object_share = region_share(object), background_share = region_share(1 - object);
    std::lock_guard<std::mutex> lock(mutex_);
    auto& entry = layers_[layer_index];
    entry.side = side;
    entry.object = entry.object.defined() ? entry.object + object_share : object_share;
    entry.background = entry.background.defined() ? entry.background + background_share : background_share;
    entry.count += 1;
  }

  std::vector<LayerAttentionShare> shares() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<LayerAttentionShare> out;
    for (const auto& [layer, entry] : layers_) {
      const auto to_shares = [&](const at::Tensor& sum) {
        const auto mean = sum / static_cast<double>(entry.count);
        return TokenShares{mean[kStart].item<double>(), mean[kWord].item<double>(), mean[kOtherWords].item<double>(),
                           mean[kEnd].item<double>(), mean[kPadding].item<double>()};
      };
      out.push_back({layer, entry.side, to_shares(entry.object), to_shares(entry.background)});
    }
    return out;
  }

  void set_object_mask(at::Tensor mask) { object_mask_ = std::move(mask); }

 private:
  struct Entry {
    int64_t side = 0, count = 0;
    at::Tensor object, background;
  };
  at::Tensor one_hot_;      // [keys, categories] float32
  at::Tensor object_mask_;  // [1, 1, H, W] in [0, 1]
  mutable std::mutex mutex_;
  mutable std::map<int64_t, Entry> layers_;
};

}  // namespace

std::vector<LayerAttentionShare> attention_shares(pipeline::StableDiffusion& model, const AttentionShareOptions& options) {
  const auto& instance = toyworld::find_instance(options.instance);
  const text::Tokenizer& tokenizer = model.tokenizer();
  const auto caption = concepts::template_ids(tokenizer, options.caption,
                                              tokenizer.encode(toyworld::shape_name(instance.shape)));
  const auto end = std::find(caption.ids.begin(), caption.ids.end(), tokenizer.eos_id()) - caption.ids.begin();
  std::vector<int64_t> categories(caption.ids.size(), kOtherWords);
  categories[0] = kStart;
  for (const int64_t p : caption.positions) categories[static_cast<size_t>(p)] = kWord;
  for (size_t i = static_cast<size_t>(end); i < categories.size(); ++i) categories[i] = i == static_cast<size_t>(end) ? kEnd : kPadding;

  c10::InferenceMode inference;
  const auto device = model.device();
  const auto context =
      model.text_encoder().forward(torch::tensor(caption.ids, torch::kLong).unsqueeze(0).to(device)).to(model.dtype());
  const auto alphas_cumprod = sampling::NoiseSchedule::from_json(model.scheduler_config()).alphas_cumprod;
  auto generator = sampling::make_generator(options.seed);
  AttentionShareRecorder recorder(torch::tensor(categories, torch::kLong));
  for (const auto& photo : toyworld::render_photos(instance, options.photos, options.seed)) {
    const cv::Mat mask = toyworld::render_object_mask(photo.spec, photo.image.cols);
    recorder.set_object_mask(
        torch::from_blob(mask.data, {1, 1, mask.rows, mask.cols}, torch::kUInt8).to(torch::kFloat32).div(255).clone());
    const auto image = to_training_tensor(photo.image).unsqueeze(0).to(device);
    const auto clean = model.has_vae() ? model.vae().encode(image).mean * model.vae().config().scaling_factor : image;
    for (const int64_t t : options.timesteps) {
      if (t < 0 || t >= alphas_cumprod.size(0)) throw Error("attention share: timestep " + std::to_string(t) + " is out of range");
      const double alpha_bar = alphas_cumprod[t].item<double>();
      const auto noise = sampling::randn(clean.sizes(), generator).to(device);
      const auto noisy = std::sqrt(alpha_bar) * clean + std::sqrt(1 - alpha_bar) * noise;
      model.unet().forward(noisy.to(model.dtype()), torch::full({1}, static_cast<double>(t), torch::TensorOptions().device(device)),
                           context, &recorder);
    }
  }
  return recorder.shares();
}

}  // namespace perfusion::evaluation
