#include "core/image/png.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <zlib.h>

#include <array>
#include <cstdlib>
#include <cstring>

namespace perfusion::image {

namespace {

constexpr std::array<uint8_t, 8> kSignature{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
// Decoded images larger than this are refused (a hostile header must not allocate gigabytes).
constexpr uint64_t kMaxDecodedPixels = 16384ull * 16384ull;

void put_u32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

uint32_t get_u32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

void put_chunk(std::string& out, const char type[4], const std::string& data) {
  put_u32(out, static_cast<uint32_t>(data.size()));
  std::string body(type, 4);
  body += data;
  out += body;
  put_u32(out, static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size())));
}

bool is_ascii(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

uint8_t paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return static_cast<uint8_t>(a);
  if (pb <= pc) return static_cast<uint8_t>(b);
  return static_cast<uint8_t>(c);
}

}  // namespace

std::string encode_png(const RgbImage& image, const PngText& text) {
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<size_t>(image.width) * image.height * 3)
    throw Error("cannot encode an empty or inconsistent image as PNG");
  std::string out(kSignature.begin(), kSignature.end());
  std::string ihdr;
  put_u32(ihdr, static_cast<uint32_t>(image.width));
  put_u32(ihdr, static_cast<uint32_t>(image.height));
  ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit, RGB, deflate, adaptive filter, no interlace
  put_chunk(out, "IHDR", ihdr);
  for (const auto& [keyword, value] : text) {
    if (keyword.empty() || keyword.size() > 79) throw Error("PNG text keyword must be 1 to 79 characters");
    if (is_ascii(value)) {
      put_chunk(out, "tEXt", keyword + std::string(1, '\0') + value);
    } else {
      // keyword, compression flag 0, method 0, empty language tag, empty translated keyword
      put_chunk(out, "iTXt", keyword + std::string("\0\0\0\0\0", 5) + value);
    }
  }
  // Filter "Up" on every row except the first: small, fast and good enough for photos.
  const size_t stride = static_cast<size_t>(image.width) * 3;
  std::string raw;
  raw.reserve((stride + 1) * image.height);
  for (int y = 0; y < image.height; ++y) {
    const uint8_t* row = image.pixels.data() + y * stride;
    if (y == 0) {
      raw.push_back(0);
      raw.append(reinterpret_cast<const char*>(row), stride);
    } else {
      raw.push_back(2);
      const uint8_t* above = row - stride;
      for (size_t i = 0; i < stride; ++i) raw.push_back(static_cast<char>(static_cast<uint8_t>(row[i] - above[i])));
    }
  }
  uLongf bound = compressBound(raw.size());
  std::string compressed(bound, '\0');
  if (compress2(reinterpret_cast<Bytef*>(compressed.data()), &bound, reinterpret_cast<const Bytef*>(raw.data()),
                raw.size(), 6) != Z_OK)
    throw Error("PNG compression failed");
  compressed.resize(bound);
  put_chunk(out, "IDAT", compressed);
  put_chunk(out, "IEND", "");
  return out;
}

void write_png(const std::string& path, const RgbImage& image, const PngText& text) {
  write_file_atomically(path, encode_png(image, text));
}

DecodedPng decode_png(const std::string& bytes) {
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  if (bytes.size() < 8 || std::memcmp(data, kSignature.data(), 8) != 0) throw Error("not a PNG file");
  DecodedPng result;
  uint32_t width = 0, height = 0;
  int channels = 0;
  bool have_header = false, have_end = false;
  std::string idat;
  size_t pos = 8;
  while (pos + 12 <= bytes.size()) {
    const uint32_t length = get_u32(data + pos);
    if (length > bytes.size() - pos - 12) throw Error("truncated PNG chunk");
    const std::string type(bytes, pos + 4, 4);
    const uint8_t* body = data + pos + 8;
    const uint32_t crc = get_u32(body + length);
    if (crc != static_cast<uint32_t>(crc32(0, data + pos + 4, length + 4))) throw Error("PNG chunk " + type + " has a bad CRC");
    if (type == "IHDR") {
      if (length != 13) throw Error("bad PNG header");
      width = get_u32(body);
      height = get_u32(body + 4);
      const uint8_t depth = body[8], colour = body[9], interlace = body[12];
      if (depth != 8 || interlace != 0) throw Error("only 8-bit non-interlaced PNGs are supported");
      channels = colour == 0 ? 1 : colour == 2 ? 3 : colour == 6 ? 4 : 0;
      if (channels == 0) throw Error("unsupported PNG colour type");
      if (width == 0 || height == 0 || uint64_t(width) * height > kMaxDecodedPixels) throw Error("PNG size out of range");
      have_header = true;
    } else if (type == "IDAT") {
      idat.append(reinterpret_cast<const char*>(body), length);
    } else if (type == "tEXt") {
      const std::string chunk(reinterpret_cast<const char*>(body), length);
      const auto nul = chunk.find('\0');
      if (nul != std::string::npos) result.text.emplace_back(chunk.substr(0, nul), chunk.substr(nul + 1));
    } else if (type == "iTXt") {
      const std::string chunk(reinterpret_cast<const char*>(body), length);
      const auto nul = chunk.find('\0');
      // keyword \0 flag method lang \0 translated \0 text; only uncompressed text is read
      if (nul != std::string::npos && nul + 2 < chunk.size() && chunk[nul + 1] == 0) {
        const auto lang_end = chunk.find('\0', nul + 3);
        const auto trans_end = lang_end == std::string::npos ? lang_end : chunk.find('\0', lang_end + 1);
        if (trans_end != std::string::npos) result.text.emplace_back(chunk.substr(0, nul), chunk.substr(trans_end + 1));
      }
    } else if (type == "IEND") {
      have_end = true;
      break;
    }
    pos += 12 + length;
  }
  if (!have_header || !have_end || idat.empty()) throw Error("incomplete PNG file");
  const size_t stride = size_t(width) * channels;
  std::string raw((stride + 1) * height, '\0');
  uLongf raw_size = raw.size();
  if (uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_size, reinterpret_cast<const Bytef*>(idat.data()),
                 idat.size()) != Z_OK ||
      raw_size != raw.size())
    throw Error("corrupt PNG image data");
  std::vector<uint8_t> plain(stride * height);
  for (uint32_t y = 0; y < height; ++y) {
    const uint8_t filter = static_cast<uint8_t>(raw[y * (stride + 1)]);
    const uint8_t* in = reinterpret_cast<const uint8_t*>(raw.data()) + y * (stride + 1) + 1;
    uint8_t* row = plain.data() + y * stride;
    const uint8_t* above = y > 0 ? row - stride : nullptr;
    for (size_t i = 0; i < stride; ++i) {
      const int a = i >= size_t(channels) ? row[i - channels] : 0;
      const int b = above ? above[i] : 0;
      const int c = (above && i >= size_t(channels)) ? above[i - channels] : 0;
      int predicted = 0;
      switch (filter) {
        case 0: predicted = 0; break;
        case 1: predicted = a; break;
        case 2: predicted = b; break;
        case 3: predicted = (a + b) / 2; break;
        case 4: predicted = paeth(a, b, c); break;
        default: throw Error("corrupt PNG row filter");
      }
      row[i] = static_cast<uint8_t>(in[i] + predicted);
    }
  }
  result.image.width = static_cast<int>(width);
  result.image.height = static_cast<int>(height);
  result.image.pixels.resize(size_t(width) * height * 3);
  for (size_t p = 0; p < size_t(width) * height; ++p)
    for (int k = 0; k < 3; ++k) result.image.pixels[p * 3 + k] = plain[p * channels + (channels == 1 ? 0 : k)];
  return result;
}

DecodedPng read_png(const std::string& path) { return decode_png(read_file(path)); }

}  // namespace perfusion::image
