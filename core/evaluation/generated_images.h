#pragma once
// Between the pipeline's float images and the toy world's OpenCV pictures.
#include <ATen/core/Tensor.h>
#include <opencv2/core.hpp>

#include "core/image/png.h"

#include <vector>

namespace perfusion::pipeline {
class StableDiffusion;
}

namespace perfusion::evaluation {

// images [B, H, W, 3] float in [0, 1] -> B RGB CV_8UC3 pictures (rounded, clamped).
std::vector<cv::Mat> to_rgb_mats(const at::Tensor& images);
// One RGB CV_8UC3 picture -> the PNG codec's image.
image::RgbImage to_rgb_image(const cv::Mat& rgb);
// One RGB CV_8UC3 picture -> [3, S, S] float in [-1, 1] (the trainer's photo format).
at::Tensor to_training_tensor(const cv::Mat& rgb);
// One grey CV_8UC1 mask (255: the object) -> [1, S, S] float in [0, 1] (the trainer's mask format).
at::Tensor to_training_mask(const cv::Mat& grey);
// One RGB CV_8UC3 picture encoded and decoded by the model's VAE (the latent mean): what a
// latent-space model could at best draw of it. The model must have a VAE.
cv::Mat vae_round_trip(pipeline::StableDiffusion& model, const cv::Mat& rgb);

}  // namespace perfusion::evaluation
