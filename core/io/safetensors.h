#pragma once
// The safetensors format: an 8-byte little-endian header length, a JSON header
// {name: {dtype, shape, data_offsets}, "__metadata__": {string: string}}, then the data.
// Files are memory-mapped and validated before any tensor is handed out, so a hostile
// or truncated file is refused with a message instead of a crash or a huge allocation.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace perfusion::io {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };

const char* dtype_name(DType dtype);
size_t dtype_size(DType dtype);
c10::ScalarType to_scalar_type(DType dtype);

struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte offsets relative to the start of the data section
  uint64_t end = 0;
  int64_t numel() const;
};

class MappedFile;

class SafeTensorsFile {
 public:
  // Maps and validates the file; throws perfusion::Error with a one-line reason.
  static std::shared_ptr<SafeTensorsFile> open(const std::string& path);
  // Parses an in-memory buffer (tests, embedded resources). The bytes are copied.
  static std::shared_ptr<SafeTensorsFile> from_bytes(std::string bytes, const std::string& label = "buffer");

  const std::string& path() const { return path_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  // Sorted by name.
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const TensorInfo* find(const std::string& name) const;
  bool contains(const std::string& name) const { return find(name) != nullptr; }
  uint64_t file_size() const;

  // A CPU tensor over the mapped bytes in the stored dtype; it keeps the mapping alive.
  // The mapping is private copy-on-write, so writing into it never touches the file.
  at::Tensor tensor(const std::string& name) const;
  // The same, converted to `as` (a copy unless the dtype already matches).
  at::Tensor tensor(const std::string& name, c10::ScalarType as) const;

 private:
  SafeTensorsFile() = default;
  void parse(const std::string& label);

  std::string path_;
  std::shared_ptr<MappedFile> map_;
  uint64_t data_start_ = 0;
  std::map<std::string, std::string> metadata_;
  std::vector<TensorInfo> tensors_;
};

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

// Serialises tensors (any device, contiguous or not) with string metadata.
std::string serialize_safetensors(const NamedTensors& tensors,
                                  const std::map<std::string, std::string>& metadata = {});
// Writes atomically: a temporary file in the same folder, flushed, then renamed over `path`.
void write_safetensors(const std::string& path, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata = {});

// Largest header we accept (the format's own reference reader uses 100 MB).
constexpr uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;

}  // namespace perfusion::io
