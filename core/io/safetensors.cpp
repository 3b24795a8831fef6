#include "core/io/safetensors.h"

#include "core/common/atomic_file.h"
#include "core/common/error.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <set>

namespace perfusion::io {

using nlohmann::json;

// A read-only view of a whole file: mapped privately (copy-on-write) or held in memory.
class MappedFile {
 public:
  static std::shared_ptr<MappedFile> map(const std::string& path) {
    auto file = std::shared_ptr<MappedFile>(new MappedFile());
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      throw Error(path + " is not a regular file");
    }
    file->size_ = static_cast<uint64_t>(st.st_size);
    if (file->size_ > 0) {
      void* p = ::mmap(nullptr, file->size_, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        throw Error("cannot map " + path + ": " + why);
      }
      file->data_ = static_cast<uint8_t*>(p);
      file->mapped_ = true;
    }
    ::close(fd);
    return file;
  }
  static std::shared_ptr<MappedFile> hold(std::string bytes) {
    auto file = std::shared_ptr<MappedFile>(new MappedFile());
    file->buffer_ = std::move(bytes);
    file->size_ = file->buffer_.size();
    file->data_ = reinterpret_cast<uint8_t*>(file->buffer_.data());
    return file;
  }
  ~MappedFile() {
    if (mapped_) ::munmap(data_, size_);
  }
  uint8_t* data() const { return data_; }
  uint64_t size() const { return size_; }

 private:
  MappedFile() = default;
  uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
  bool mapped_ = false;
  std::string buffer_;
};

namespace {

struct DTypeEntry {
  DType dtype;
  const char* name;
  size_t size;
  c10::ScalarType scalar;
};

constexpr DTypeEntry kDTypes[] = {
    {DType::F64, "F64", 8, c10::kDouble},  {DType::F32, "F32", 4, c10::kFloat},
    {DType::F16, "F16", 2, c10::kHalf},    {DType::BF16, "BF16", 2, c10::kBFloat16},
    {DType::I64, "I64", 8, c10::kLong},    {DType::I32, "I32", 4, c10::kInt},
    {DType::I16, "I16", 2, c10::kShort},   {DType::I8, "I8", 1, c10::kChar},
    {DType::U8, "U8", 1, c10::kByte},      {DType::Bool, "BOOL", 1, c10::kBool},
};

const DTypeEntry& entry(DType dtype) {
  for (const auto& e : kDTypes)
    if (e.dtype == dtype) return e;
  throw Error("unknown dtype");
}

const DTypeEntry* entry_for_name(const std::string& name) {
  for (const auto& e : kDTypes)
    if (name == e.name) return &e;
  return nullptr;
}

const DTypeEntry* entry_for_scalar(c10::ScalarType scalar) {
  for (const auto& e : kDTypes)
    if (scalar == e.scalar) return &e;
  return nullptr;
}

uint64_t read_u64_le(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

bool is_non_negative_integer(const json& j) {
  return j.is_number_unsigned() || (j.is_number_integer() && j.get<int64_t>() >= 0);
}

}  // namespace

const char* dtype_name(DType dtype) { return entry(dtype).name; }
size_t dtype_size(DType dtype) { return entry(dtype).size; }
c10::ScalarType to_scalar_type(DType dtype) { return entry(dtype).scalar; }

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::shared_ptr<SafeTensorsFile> SafeTensorsFile::open(const std::string& path) {
  auto file = std::shared_ptr<SafeTensorsFile>(new SafeTensorsFile());
  file->path_ = path;
  file->map_ = MappedFile::map(path);
  file->parse(path);
  return file;
}

std::shared_ptr<SafeTensorsFile> SafeTensorsFile::from_bytes(std::string bytes, const std::string& label) {
  auto file = std::shared_ptr<SafeTensorsFile>(new SafeTensorsFile());
  file->path_ = label;
  file->map_ = MappedFile::hold(std::move(bytes));
  file->parse(label);
  return file;
}

uint64_t SafeTensorsFile::file_size() const { return map_->size(); }

void SafeTensorsFile::parse(const std::string& label) {
  const auto fail = [&](const std::string& why) -> void {
    throw Error(label + " is not a valid safetensors file: " + why);
  };
  const uint64_t size = map_->size();
  const uint8_t* bytes = map_->data();
  if (size < 8) fail("it is " + std::to_string(size) + " bytes long, shorter than the 8-byte header length");
  const uint64_t header_len = read_u64_le(bytes);
  if (header_len < 2) fail("the header length is " + std::to_string(header_len));
  if (header_len > kMaxHeaderBytes)
    fail("the header claims " + std::to_string(header_len) + " bytes, more than the 100 MB limit");
  if (header_len > size - 8)
    fail("the header claims " + std::to_string(header_len) + " bytes but the file has only " +
         std::to_string(size - 8) + " after the length (truncated?)");
  const char* header_begin = reinterpret_cast<const char*>(bytes + 8);
  if (header_begin[0] != '{') fail("the header does not start with '{'");
  data_start_ = 8 + header_len;
  const uint64_t data_size = size - data_start_;

  // Top-level keys are checked for duplicates: JSON parsers silently keep the last one.
  std::set<std::string> seen_keys;
  std::string duplicate;
  json header;
  try {
    header = json::parse(header_begin, header_begin + header_len,
                         [&](int depth, json::parse_event_t event, json& parsed) {
                           if (event == json::parse_event_t::key && depth == 1) {
                             const auto key = parsed.get<std::string>();
                             if (!seen_keys.insert(key).second && duplicate.empty()) duplicate = key;
                           }
                           return true;
                         });
  } catch (const json::exception& e) {
    fail(std::string("the header is not well-formed JSON (") + e.what() + ")");
  }
  if (!duplicate.empty()) fail("the header names '" + duplicate + "' twice");
  if (!header.is_object()) fail("the header is not a JSON object");

  tensors_.clear();
  metadata_.clear();
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    const json& value = it.value();
    if (name == "__metadata__") {
      if (!value.is_object()) fail("__metadata__ is not an object");
      for (auto m = value.begin(); m != value.end(); ++m) {
        if (!m.value().is_string()) fail("__metadata__ entry '" + m.key() + "' is not a string");
        metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    if (name.empty()) fail("a tensor has an empty name");
    if (!value.is_object()) fail("entry '" + name + "' is not an object");
    if (!value.contains("dtype") || !value.contains("shape") || !value.contains("data_offsets"))
      fail("tensor '" + name + "' lacks dtype, shape or data_offsets");
    const json& dtype = value["dtype"];
    const json& shape = value["shape"];
    const json& offsets = value["data_offsets"];
    if (!dtype.is_string()) fail("tensor '" + name + "' has a non-string dtype");
    const DTypeEntry* dt = entry_for_name(dtype.get<std::string>());
    if (!dt) fail("tensor '" + name + "' has unsupported dtype " + dtype.get<std::string>());
    if (!shape.is_array() || shape.size() > 16) fail("tensor '" + name + "' has an invalid shape");
    if (!offsets.is_array() || offsets.size() != 2 || !is_non_negative_integer(offsets[0]) ||
        !is_non_negative_integer(offsets[1]))
      fail("tensor '" + name + "' has invalid data_offsets");
    TensorInfo info;
    info.name = name;
    info.dtype = dt->dtype;
    // Element count with overflow checks: a hostile shape must not wrap around.
    uint64_t numel = 1;
    for (const auto& d : shape) {
      if (!is_non_negative_integer(d)) fail("tensor '" + name + "' has a negative or non-integer dimension");
      const uint64_t dim = d.get<uint64_t>();
      if (dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        fail("tensor '" + name + "' has a dimension that is too large");
      if (dim != 0 && numel > std::numeric_limits<uint64_t>::max() / dim / dt->size)
        fail("tensor '" + name + "' has a shape whose size overflows");
      numel *= dim;
      info.shape.push_back(static_cast<int64_t>(dim));
    }
    info.begin = offsets[0].get<uint64_t>();
    info.end = offsets[1].get<uint64_t>();
    if (info.end < info.begin) fail("tensor '" + name + "' ends before it begins");
    if (info.end > data_size)
      fail("tensor '" + name + "' lies beyond the end of the file (truncated?)");
    if (info.end - info.begin != numel * dt->size)
      fail("tensor '" + name + "' has " + std::to_string(info.end - info.begin) + " bytes but its shape needs " +
           std::to_string(numel * dt->size));
    tensors_.push_back(std::move(info));
  }

  // The data section must be covered exactly: no overlaps, no holes, nothing trailing.
  std::vector<const TensorInfo*> by_offset;
  for (const auto& t : tensors_) by_offset.push_back(&t);
  std::sort(by_offset.begin(), by_offset.end(), [](const TensorInfo* a, const TensorInfo* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  uint64_t cursor = 0;
  for (const TensorInfo* t : by_offset) {
    if (t->begin < cursor) fail("tensor '" + t->name + "' overlaps another tensor");
    if (t->begin > cursor) fail("there is a gap in the data before tensor '" + t->name + "'");
    cursor = t->end;
  }
  if (cursor != data_size)
    fail(std::to_string(data_size - cursor) + " bytes after the last tensor belong to no tensor");
  std::sort(tensors_.begin(), tensors_.end(), [](const TensorInfo& a, const TensorInfo& b) { return a.name < b.name; });
}

const TensorInfo* SafeTensorsFile::find(const std::string& name) const {
  auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                             [](const TensorInfo& t, const std::string& n) { return t.name < n; });
  if (it == tensors_.end() || it->name != name) return nullptr;
  return &*it;
}

at::Tensor SafeTensorsFile::tensor(const std::string& name) const {
  const TensorInfo* info = find(name);
  if (!info) throw Error(path_ + " has no tensor named '" + name + "'");
  const auto options = torch::TensorOptions().dtype(to_scalar_type(info->dtype)).device(torch::kCPU);
  if (info->numel() == 0) return torch::empty(info->shape, options);
  uint8_t* p = map_->data() + data_start_ + info->begin;
  if (reinterpret_cast<uintptr_t>(p) % dtype_size(info->dtype) != 0) {
    // Unaligned data (a header not padded to 8 bytes): copy rather than hand out a misaligned view.
    auto out = torch::empty(info->shape, options);
    std::memcpy(out.data_ptr(), p, info->end - info->begin);
    return out;
  }
  auto keep_alive = map_;
  return torch::from_blob(p, info->shape, [keep_alive](void*) {}, options);
}

at::Tensor SafeTensorsFile::tensor(const std::string& name, c10::ScalarType as) const {
  auto t = tensor(name);
  return t.scalar_type() == as ? t : t.to(as);
}

std::string serialize_safetensors(const NamedTensors& tensors, const std::map<std::string, std::string>& metadata) {
  std::vector<std::pair<std::string, at::Tensor>> sorted;
  std::set<std::string> names;
  for (const auto& [name, t] : tensors) {
    if (name.empty() || name == "__metadata__") throw Error("invalid tensor name '" + name + "'");
    if (!names.insert(name).second) throw Error("tensor name '" + name + "' given twice");
    if (!entry_for_scalar(t.scalar_type())) throw Error("tensor '" + name + "' has a dtype safetensors cannot store");
    sorted.emplace_back(name, t.detach().to(torch::kCPU).contiguous());
  }
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  json header = json::object();
  if (!metadata.empty()) {
    json m = json::object();
    for (const auto& [k, v] : metadata) m[k] = v;
    header["__metadata__"] = m;
  }
  uint64_t offset = 0;
  for (const auto& [name, t] : sorted) {
    const uint64_t bytes = static_cast<uint64_t>(t.numel()) * t.element_size();
    header[name] = {{"dtype", entry_for_scalar(t.scalar_type())->name},
                    {"shape", t.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string header_text = header.dump();
  header_text.append((8 - header_text.size() % 8) % 8, ' ');  // keeps tensor data 8-byte aligned
  std::string out;
  out.reserve(8 + header_text.size() + offset);
  const uint64_t n = header_text.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  out += header_text;
  for (const auto& [name, t] : sorted)
    out.append(static_cast<const char*>(t.data_ptr()), static_cast<size_t>(t.numel()) * t.element_size());
  return out;
}

void write_safetensors(const std::string& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata) {
  write_file_atomically(path, serialize_safetensors(tensors, metadata));
}

}  // namespace perfusion::io
