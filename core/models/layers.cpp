#include "core/models/layers.h"

#include "core/common/error.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <unordered_set>

namespace perfusion::models {

Linear::Linear(int64_t in_features, int64_t out_features, bool with_bias) {
  weight = register_parameter("weight", torch::empty({out_features, in_features}));
  if (with_bias) bias = register_parameter("bias", torch::empty({out_features}));
}

at::Tensor Linear::forward(const at::Tensor& x) const { return at::linear(x, weight, bias); }

Conv2d::Conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, int64_t stride_, int64_t padding_)
    : stride(stride_), padding(padding_) {
  weight = register_parameter("weight", torch::empty({out_channels, in_channels, kernel_size, kernel_size}));
  bias = register_parameter("bias", torch::empty({out_channels}));
}

at::Tensor Conv2d::forward(const at::Tensor& x) const {
  return at::conv2d(x, weight, bias, {stride, stride}, {padding, padding});
}

GroupNorm::GroupNorm(int64_t num_groups_, int64_t channels, double eps_) : num_groups(num_groups_), eps(eps_) {
  if (num_groups <= 0 || channels % num_groups != 0)
    throw Error("GroupNorm: " + std::to_string(channels) + " channels cannot form " + std::to_string(num_groups) +
                " groups");
  weight = register_parameter("weight", torch::empty({channels}));
  bias = register_parameter("bias", torch::empty({channels}));
}

at::Tensor GroupNorm::forward(const at::Tensor& x) const { return at::group_norm(x, num_groups, weight, bias, eps); }

LayerNorm::LayerNorm(int64_t dim, double eps_) : eps(eps_) {
  weight = register_parameter("weight", torch::empty({dim}));
  bias = register_parameter("bias", torch::empty({dim}));
}

at::Tensor LayerNorm::forward(const at::Tensor& x) const {
  return at::layer_norm(x, {x.size(-1)}, weight, bias, eps);
}

ResnetBlock2D::ResnetBlock2D(int64_t in_channels, int64_t out_channels, int64_t temb_channels, int64_t groups,
                             double eps) {
  norm1_ = register_module("norm1", std::make_shared<GroupNorm>(groups, in_channels, eps));
  conv1_ = register_module("conv1", std::make_shared<Conv2d>(in_channels, out_channels, 3, 1, 1));
  if (temb_channels > 0) time_emb_proj_ = register_module("time_emb_proj", std::make_shared<Linear>(temb_channels, out_channels));
  norm2_ = register_module("norm2", std::make_shared<GroupNorm>(groups, out_channels, eps));
  conv2_ = register_module("conv2", std::make_shared<Conv2d>(out_channels, out_channels, 3, 1, 1));
  if (in_channels != out_channels)
    conv_shortcut_ = register_module("conv_shortcut", std::make_shared<Conv2d>(in_channels, out_channels, 1));
}

at::Tensor ResnetBlock2D::forward(const at::Tensor& x, const at::Tensor& activated_temb) const {
  auto h = conv1_->forward(at::silu(norm1_->forward(x)));
  if (time_emb_proj_) h = h + time_emb_proj_->forward(activated_temb).unsqueeze(-1).unsqueeze(-1);
  h = conv2_->forward(at::silu(norm2_->forward(h)));
  return (conv_shortcut_ ? conv_shortcut_->forward(x) : x) + h;
}

Downsample2D::Downsample2D(int64_t channels, int64_t padding) : pad_right_bottom_(padding == 0) {
  conv_ = register_module("conv", std::make_shared<Conv2d>(channels, channels, 3, 2, padding));
}

at::Tensor Downsample2D::forward(const at::Tensor& x) const {
  if (pad_right_bottom_) return conv_->forward(at::constant_pad_nd(x, {0, 1, 0, 1}, 0));
  return conv_->forward(x);
}

Upsample2D::Upsample2D(int64_t channels) {
  conv_ = register_module("conv", std::make_shared<Conv2d>(channels, channels, 3, 1, 1));
}

at::Tensor Upsample2D::forward(const at::Tensor& x, at::IntArrayRef output_size) const {
  std::vector<int64_t> size = output_size.vec();
  if (size.empty()) size = {x.size(2) * 2, x.size(3) * 2};
  // With an explicit size the source index is floor(dst * in / out), which for exact
  // doubling equals diffusers' scale_factor=2 path.
  return conv_->forward(at::upsample_nearest2d(x, size));
}

at::Tensor timestep_embedding(const at::Tensor& timesteps, int64_t dim, bool flip_sin_to_cos, double freq_shift) {
  const int64_t half = dim / 2;
  // Same operation order as diffusers (float32 throughout) so the sinusoids agree bit for bit.
  auto exponent = at::arange(half, timesteps.options().dtype(at::kFloat)) * (-std::log(10000.0));
  exponent = exponent / (static_cast<double>(half) - freq_shift);
  auto angles = timesteps.to(at::kFloat).reshape({-1, 1}) * at::exp(exponent).unsqueeze(0);
  auto emb = flip_sin_to_cos ? at::cat({at::cos(angles), at::sin(angles)}, -1)
                             : at::cat({at::sin(angles), at::cos(angles)}, -1);
  if (dim % 2 == 1) emb = at::constant_pad_nd(emb, {0, 1}, 0);
  return emb;
}

TimestepEmbedding::TimestepEmbedding(int64_t in_channels, int64_t embedding_dim) {
  linear_1_ = register_module("linear_1", std::make_shared<Linear>(in_channels, embedding_dim));
  linear_2_ = register_module("linear_2", std::make_shared<Linear>(embedding_dim, embedding_dim));
}

at::Tensor TimestepEmbedding::forward(const at::Tensor& x) const {
  return linear_2_->forward(at::silu(linear_1_->forward(x)));
}

namespace {

std::string shape_string(at::IntArrayRef sizes) {
  std::ostringstream s;
  s << "[";
  for (size_t i = 0; i < sizes.size(); ++i) s << (i ? ", " : "") << sizes[i];
  s << "]";
  return s.str();
}

// "a, b, c; and 3 more": enough names to act on, one line however many there are.
std::string name_list(std::vector<std::string> names) {
  constexpr size_t kShown = 5;
  std::sort(names.begin(), names.end());
  std::string out;
  for (size_t i = 0; i < names.size() && i < kShown; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > kShown) out += "; and " + std::to_string(names.size() - kShown) + " more";
  return out;
}

}  // namespace

void load_parameters(torch::nn::Module& module, const WeightMap& weights, const std::string& label,
                     const std::vector<std::string>& ignorable) {
  auto params = module.named_parameters(/*recurse=*/true);
  std::vector<std::string> missing, mis_shaped, unexpected;
  std::unordered_set<std::string> expected;
  for (const auto& item : params) {
    expected.insert(item.key());
    auto found = weights.find(item.key());
    if (found == weights.end() || !found->second.defined()) {
      missing.push_back(item.key());
    } else if (!found->second.is_floating_point()) {
      mis_shaped.push_back(item.key() + " (not a floating-point tensor)");
    } else if (found->second.sizes() != item.value().sizes()) {
      mis_shaped.push_back(item.key() + " " + shape_string(found->second.sizes()) + " (expected " +
                           shape_string(item.value().sizes()) + ")");
    }
  }
  const std::unordered_set<std::string> skip(ignorable.begin(), ignorable.end());
  for (const auto& [name, tensor] : weights)
    if (!expected.count(name) && !skip.count(name)) unexpected.push_back(name);
  if (!missing.empty() || !mis_shaped.empty() || !unexpected.empty()) {
    std::string message = label + " weights do not match the config:";
    const char* separator = " ";
    if (!missing.empty()) {
      message += separator + std::to_string(missing.size()) + " missing: " + name_list(missing);
      separator = "; ";
    }
    if (!mis_shaped.empty()) {
      message += separator + std::to_string(mis_shaped.size()) + " with the wrong shape or type: " + name_list(mis_shaped);
      separator = "; ";
    }
    if (!unexpected.empty())
      message += separator + std::to_string(unexpected.size()) + " unexpected: " + name_list(unexpected);
    throw Error(message);
  }
  torch::NoGradGuard no_grad;
  for (auto& item : params) {
    item.value().set_data(weights.at(item.key()));
    item.value().set_requires_grad(false);
  }
}

void initialize_random_parameters(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& item : module.named_parameters(/*recurse=*/true)) {
    auto& p = item.value();
    if (p.dim() >= 2) {
      p.normal_(0.0, 1.0 / std::sqrt(static_cast<double>(p.numel() / p.size(0))));
    } else if (item.key().size() >= 5 && item.key().compare(item.key().size() - 5, 5, ".bias") == 0) {
      p.zero_();
    } else {
      p.fill_(1.0);
    }
    p.set_requires_grad(false);  // like loaded weights: the base model is never trained
  }
}

int64_t count_parameters(const torch::nn::Module& module) {
  int64_t total = 0;
  for (const auto& p : module.parameters(/*recurse=*/true)) total += p.numel();
  return total;
}

}  // namespace perfusion::models
