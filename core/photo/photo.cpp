#include "core/photo/photo.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace perfusion::photo {

namespace {

std::string read_limited(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) throw Error("cannot read " + path + ": " + error.message());
  if (size > kMaxPhotoBytes)
    throw Error(path + " is " + std::to_string(size / (1024 * 1024)) + " MB; photos may be at most " +
                std::to_string(kMaxPhotoBytes / (1024 * 1024)) + " MB");
  return read_file(path);
}

// IMREAD_COLOR / IMREAD_GRAYSCALE without IMREAD_IGNORE_ORIENTATION: OpenCV rotates and
// mirrors JPEG (and other EXIF-carrying) images upright while decoding.
cv::Mat decode(const std::string& bytes, const std::string& label, int flags) {
  if (bytes.size() > kMaxPhotoBytes)
    throw Error(label + " is larger than " + std::to_string(kMaxPhotoBytes / (1024 * 1024)) + " MB");
  if (bytes.empty()) throw Error(label + " is empty");
  cv::Mat decoded;
  try {
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
    decoded = cv::imdecode(buffer, flags);
  } catch (const cv::Exception&) {
    decoded = cv::Mat();
  }
  if (decoded.empty()) throw Error(label + " is not an image this build can read (JPEG, PNG, WebP, BMP, TIFF)");
  if (decoded.cols > kMaxPhotoSide || decoded.rows > kMaxPhotoSide)
    throw Error(label + " is " + std::to_string(decoded.cols) + "x" + std::to_string(decoded.rows) +
                " pixels; photos may be at most " + std::to_string(kMaxPhotoSide) + " on a side");
  if (decoded.depth() != CV_8U) {
    cv::Mat eight;
    decoded.convertTo(eight, CV_8U, decoded.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
    decoded = eight;
  }
  return decoded;
}

cv::Mat square_resized(const cv::Mat& mat, int64_t side) {
  if (side < 8 || side > kMaxPhotoSide) throw Error("training side " + std::to_string(side) + " is out of range");
  const int square = std::min(mat.cols, mat.rows);
  const cv::Mat cropped = mat(cv::Rect((mat.cols - square) / 2, (mat.rows - square) / 2, square, square));
  cv::Mat resized;
  const int target = static_cast<int>(side);
  cv::resize(cropped, resized, cv::Size(target, target), 0, 0, square >= target ? cv::INTER_AREA : cv::INTER_CUBIC);
  return resized;
}

}  // namespace

image::RgbImage decode_photo(const std::string& bytes, const std::string& label) {
  cv::Mat bgr = decode(bytes, label, cv::IMREAD_COLOR);
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  image::RgbImage out;
  out.width = rgb.cols;
  out.height = rgb.rows;
  out.pixels.resize(static_cast<size_t>(rgb.cols) * rgb.rows * 3);
  for (int y = 0; y < rgb.rows; ++y)
    std::copy_n(rgb.ptr<uint8_t>(y), static_cast<size_t>(rgb.cols) * 3, out.pixels.data() + static_cast<size_t>(y) * rgb.cols * 3);
  return out;
}

image::RgbImage read_photo(const std::string& path) { return decode_photo(read_limited(path), path); }

at::Tensor training_tensor(const image::RgbImage& photo, int64_t side) {
  if (photo.width < 1 || photo.height < 1 || photo.pixels.size() != static_cast<size_t>(photo.width) * photo.height * 3)
    throw Error("photo has no pixels");
  const cv::Mat rgb(photo.height, photo.width, CV_8UC3, const_cast<uint8_t*>(photo.pixels.data()));
  const cv::Mat resized = square_resized(rgb, side);
  auto hwc = torch::from_blob(const_cast<uint8_t*>(resized.ptr<uint8_t>()), {side, side, 3},
                              {static_cast<int64_t>(resized.step[0]), 3, 1}, torch::kUInt8);
  return (hwc.permute({2, 0, 1}).to(torch::kFloat32) / 127.5 - 1.0).contiguous();
}

at::Tensor load_training_image(const std::string& path, int64_t side) { return training_tensor(read_photo(path), side); }

at::Tensor load_training_mask(const std::string& path, int64_t side) {
  const cv::Mat grey = decode(read_limited(path), path, cv::IMREAD_GRAYSCALE);
  const cv::Mat resized = square_resized(grey, side);
  auto hw = torch::from_blob(const_cast<uint8_t*>(resized.ptr<uint8_t>()), {side, side},
                             {static_cast<int64_t>(resized.step[0]), 1}, torch::kUInt8);
  return (hw.to(torch::kFloat32) / 255.0).unsqueeze(0).contiguous();
}

bool has_photo_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* known : {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"})
    if (ext == known) return true;
  return false;
}

}  // namespace perfusion::photo
