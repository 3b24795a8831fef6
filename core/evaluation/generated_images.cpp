#include "core/evaluation/generated_images.h"

#include "core/models/vae.h"
#include "core/perfusion/training_data.h"
#include "core/pipeline/stable_diffusion.h"

#include <torch/torch.h>

namespace perfusion::evaluation {

std::vector<cv::Mat> to_rgb_mats(const at::Tensor& images) {
  const auto bytes = images.mul(255).round().clamp(0, 255).to(torch::kUInt8).contiguous();
  std::vector<cv::Mat> out;
  for (int64_t b = 0; b < bytes.size(0); ++b) {
    cv::Mat picture(static_cast<int>(bytes.size(1)), static_cast<int>(bytes.size(2)), CV_8UC3);
    std::memcpy(picture.data, bytes[b].data_ptr<uint8_t>(), picture.total() * 3);
    out.push_back(picture);
  }
  return out;
}

image::RgbImage to_rgb_image(const cv::Mat& rgb) {
  const cv::Mat contiguous = rgb.isContinuous() ? rgb : rgb.clone();
  image::RgbImage out;
  out.width = contiguous.cols;
  out.height = contiguous.rows;
  out.pixels.assign(contiguous.data, contiguous.data + contiguous.total() * 3);
  return out;
}

at::Tensor to_training_tensor(const cv::Mat& rgb) {
  const cv::Mat contiguous = rgb.isContinuous() ? rgb : rgb.clone();
  auto pixels = torch::from_blob(contiguous.data, {contiguous.rows, contiguous.cols, 3}, torch::kUInt8);
  return pixels.permute({2, 0, 1}).to(torch::kFloat32).div(127.5).sub(1.0).contiguous();
}

at::Tensor to_training_mask(const cv::Mat& grey) {
  const cv::Mat contiguous = grey.isContinuous() ? grey : grey.clone();
  // The trainer's own mask conversion, so a rendered mask and a mask file read alike.
  return concepts::square_training_tensor(torch::from_blob(contiguous.data, {contiguous.rows, contiguous.cols, 1}, torch::kUInt8),
                                          contiguous.rows);
}

cv::Mat vae_round_trip(pipeline::StableDiffusion& model, const cv::Mat& rgb) {
  c10::InferenceMode inference;
  const auto image = to_training_tensor(rgb).unsqueeze(0).to(model.device());
  const auto decoded = model.vae().decode(model.vae().encode(image).mean);
  return to_rgb_mats((decoded / 2 + 0.5).clamp(0, 1).permute({0, 2, 3, 1}).to(torch::kCPU, torch::kFloat32)).front();
}

}  // namespace perfusion::evaluation
