#pragma once
// PNG encoding and decoding of 8-bit RGB images with zlib only, so the core (and the CLI on
// a GPU machine without Qt or OpenCV) can write results, and tests can read them back.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace perfusion::image {

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // row-major RGB, 3 bytes per pixel
};

// Text chunks: keyword -> text. ASCII text goes into tEXt (what most SD tools read for
// "parameters"); anything else into an uncompressed UTF-8 iTXt chunk.
using PngText = std::vector<std::pair<std::string, std::string>>;

std::string encode_png(const RgbImage& image, const PngText& text = {});
void write_png(const std::string& path, const RgbImage& image, const PngText& text = {});  // atomic

struct DecodedPng {
  RgbImage image;
  PngText text;
};
// Decodes non-interlaced 8-bit greyscale, RGB and RGBA PNGs (alpha is dropped); throws
// perfusion::Error on anything else or on corrupt data.
DecodedPng decode_png(const std::string& bytes);
DecodedPng read_png(const std::string& path);

}  // namespace perfusion::image
