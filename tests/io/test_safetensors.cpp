// The safetensors reader and writer: round trips, dtype conversion, atomic writes, and a
// table of corrupt, truncated and hostile files that must each be refused with a clear
// perfusion::Error (no crash, no huge allocation).
#include "core/common/error.h"
#include "core/io/safetensors.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

using namespace perfusion;

namespace {

std::string le64(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

// A file from a header text and raw data, header padded to 8 bytes like real writers do.
std::string make_file(std::string header, const std::string& data = {}) {
  header.append((8 - header.size() % 8) % 8, ' ');
  return le64(header.size()) + header + data;
}

std::string tensor_entry(const std::string& name, const std::string& dtype, const std::string& shape,
                         const std::string& offsets) {
  return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
}

void write_bytes(const QString& path, const std::string& bytes) {
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
  QCOMPARE(f.write(bytes.data(), static_cast<qint64>(bytes.size())), static_cast<qint64>(bytes.size()));
}

std::string read_bytes(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  const QByteArray all = f.readAll();
  return std::string(all.constData(), static_cast<size_t>(all.size()));
}

bool same_bits(const at::Tensor& a, const at::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
  const auto ac = a.contiguous(), bc = b.contiguous();
  return std::memcmp(ac.data_ptr(), bc.data_ptr(), static_cast<size_t>(ac.numel()) * ac.element_size()) == 0;
}

io::NamedTensors sample_tensors() {
  torch::manual_seed(7);
  return {
      {"f32", torch::randn({3, 4})},
      {"f16", torch::randn({5}).to(torch::kHalf)},
      {"bf16", torch::randn({2, 3}).to(torch::kBFloat16)},
      {"i64", torch::arange(-3, 5, torch::kLong)},
      {"i32", torch::tensor({1, -2, 2147483647}, torch::kInt)},
      {"u8", torch::tensor({0, 255, 7}, torch::kByte)},
      {"bool", torch::tensor({true, false, true})},
      {"f64", torch::tensor({1.0 / 3.0}, torch::kDouble)},
      {"empty", torch::empty({0, 3})},
      {"scalar", torch::tensor(2.5f)},
      {"strided", torch::arange(12, torch::kFloat).reshape({3, 4}).t()},  // non-contiguous input
      {"nested.name.weight", torch::ones({1, 1, 1, 1})},
  };
}

QStringList entries_of(const QString& dir) { return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot); }

}  // namespace

class SafeTensorsTest : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

 private slots:
  void initTestCase() { QVERIFY(dir_.isValid()); }

  void round_trip_keeps_dtypes_shapes_values_and_metadata() {
    const auto tensors = sample_tensors();
    const std::map<std::string, std::string> metadata{{"format", "pt"}, {"note", "ünïcode ✓"}, {"empty", ""}};
    const QString path = dir_.filePath("round_trip.safetensors");
    io::write_safetensors(path.toStdString(), tensors, metadata);
    const auto file = io::SafeTensorsFile::open(path.toStdString());
    QCOMPARE(file->tensors().size(), tensors.size());
    QVERIFY(file->metadata() == metadata);
    for (const auto& [name, original] : tensors) {
      QVERIFY2(file->contains(name), name.c_str());
      const at::Tensor loaded = file->tensor(name);
      QVERIFY2(same_bits(loaded, original), name.c_str());
      QVERIFY(loaded.device().is_cpu());
    }
    QCOMPARE(file->tensor("scalar").dim(), int64_t(0));
    QCOMPARE(file->tensor("empty").numel(), int64_t(0));
    QCOMPARE(file->find("empty")->begin, file->find("empty")->end);
    // Names come back sorted and the in-memory path gives the same result.
    for (size_t i = 1; i < file->tensors().size(); ++i) QVERIFY(file->tensors()[i - 1].name < file->tensors()[i].name);
    const auto from_memory = io::SafeTensorsFile::from_bytes(io::serialize_safetensors(tensors, metadata));
    for (const auto& [name, original] : tensors) QVERIFY2(same_bits(from_memory->tensor(name), original), name.c_str());
  }

  void serialized_layout_is_the_format() {
    const std::string bytes = io::serialize_safetensors({{"a", torch::tensor({1.0f, 2.0f})}}, {{"k", "v"}});
    uint64_t header_len = 0;
    for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | static_cast<uint8_t>(bytes[i]);
    QCOMPARE(header_len % 8, uint64_t(0));
    QCOMPARE(bytes.size(), 8 + header_len + 8);
    const auto header = QJsonDocument::fromJson(QByteArray::fromStdString(bytes.substr(8, header_len))).object();
    QCOMPARE(header["a"].toObject()["dtype"].toString(), QString("F32"));
    QCOMPARE(header["a"].toObject()["data_offsets"].toArray().at(1).toInt(), 8);
    QCOMPARE(header["__metadata__"].toObject()["k"].toString(), QString("v"));
    float values[2];
    std::memcpy(values, bytes.data() + 8 + header_len, 8);
    QCOMPARE(values[0], 1.0f);
    QCOMPARE(values[1], 2.0f);
  }

  void converts_dtype_on_request() {
    const auto half = torch::randn({4, 4}).to(torch::kHalf);
    const auto file = io::SafeTensorsFile::from_bytes(io::serialize_safetensors({{"h", half}, {"f", half.to(torch::kFloat)}}));
    const at::Tensor as_float = file->tensor("h", torch::kFloat);
    QCOMPARE(as_float.scalar_type(), torch::kFloat);
    QVERIFY(torch::equal(as_float, half.to(torch::kFloat)));
    QCOMPARE(file->tensor("f", torch::kHalf).scalar_type(), torch::kHalf);
    QVERIFY(torch::equal(file->tensor("f", torch::kHalf), half));
    // Asking for the stored dtype is the zero-copy view, not a copy.
    QCOMPARE(file->tensor("f", torch::kFloat).data_ptr(), file->tensor("f").data_ptr());
  }

  void mapped_tensors_are_copy_on_write() {
    const QString path = dir_.filePath("cow.safetensors");
    io::write_safetensors(path.toStdString(), {{"x", torch::zeros({256})}});
    const std::string before = read_bytes(path);
    {
      const auto file = io::SafeTensorsFile::open(path.toStdString());
      at::Tensor view = file->tensor("x");
      view.fill_(5.0f);
      QCOMPARE(file->tensor("x")[0].item<float>(), 5.0f);  // the mapping itself changed...
    }
    QVERIFY(read_bytes(path) == before);  // ...but never the file
  }

  void tensors_outlive_the_file_object() {
    at::Tensor kept;
    {
      const auto file = io::SafeTensorsFile::from_bytes(io::serialize_safetensors({{"x", torch::arange(64, torch::kFloat)}}));
      kept = file->tensor("x");
    }
    QCOMPARE(kept[63].item<float>(), 63.0f);
  }

  void unaligned_data_is_copied_correctly() {
    // A header whose length is not a multiple of 8 leaves the data misaligned for F32.
    const std::string header = "{" + tensor_entry("x", "F32", "[3]", "[0,12]") + "}";
    QVERIFY(header.size() % 4 != 0);
    std::string data(12, '\0');
    const float values[3] = {1.5f, -2.0f, 3.25f};
    std::memcpy(data.data(), values, 12);
    const auto file = io::SafeTensorsFile::from_bytes(le64(header.size()) + header + data);
    const at::Tensor x = file->tensor("x");
    QCOMPARE(x[0].item<float>(), 1.5f);
    QCOMPARE(x[1].item<float>(), -2.0f);
    QCOMPARE(x[2].item<float>(), 3.25f);
  }

  void missing_tensor_is_an_error() {
    const auto file = io::SafeTensorsFile::from_bytes(io::serialize_safetensors({{"x", torch::ones({1})}}), "mem");
    QVERIFY(!file->contains("y"));
    QVERIFY(file->find("y") == nullptr);
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, file->tensor("y"));
  }

  void atomic_write_replaces_and_leaves_no_temporary() {
    QTemporaryDir dir;
    const QString path = dir.filePath("model.safetensors");
    io::write_safetensors(path.toStdString(), {{"x", torch::ones({2})}});
    io::write_safetensors(path.toStdString(), {{"y", torch::zeros({3})}});
    QCOMPARE(entries_of(dir.path()), QStringList{"model.safetensors"});
    const auto file = io::SafeTensorsFile::open(path.toStdString());
    QVERIFY(file->contains("y") && !file->contains("x"));
  }

  void failed_write_keeps_target_and_leaves_no_temporary() {
    QTemporaryDir dir;
    const QString path = dir.filePath("model.safetensors");
    io::write_safetensors(path.toStdString(), {{"x", torch::ones({2})}});
    const std::string before = read_bytes(path);
    // Refused before writing: the same name twice.
    QVERIFY_THROWS_EXCEPTION(perfusion::Error,
                             io::write_safetensors(path.toStdString(), {{"a", torch::ones({1})}, {"a", torch::ones({1})}}));
    // Refused at the rename: the target is a folder (fails for root too).
    QVERIFY(QDir(dir.path()).mkdir("folder"));
    QVERIFY_THROWS_EXCEPTION(perfusion::Error,
                             io::write_safetensors(dir.filePath("folder").toStdString(), {{"a", torch::ones({1})}}));
    // Refused at creation: the parent folder does not exist.
    QVERIFY_THROWS_EXCEPTION(perfusion::Error,
                             io::write_safetensors(dir.filePath("absent/m.safetensors").toStdString(), {{"a", torch::ones({1})}}));
    QVERIFY(read_bytes(path) == before);
    QCOMPARE(entries_of(dir.path()), (QStringList{"folder", "model.safetensors"}));
    QVERIFY(entries_of(dir.filePath("folder")).isEmpty());
  }

  void write_into_read_only_folder_fails_cleanly() {
    if (::geteuid() == 0) QSKIP("root ignores folder permissions; covered by the other failure cases");
    QTemporaryDir dir;
    const QString path = dir.filePath("model.safetensors");
    io::write_safetensors(path.toStdString(), {{"x", torch::ones({2})}});
    const std::string before = read_bytes(path);
    QVERIFY(::chmod(dir.path().toLocal8Bit().constData(), 0555) == 0);
    bool threw = false;
    try {
      io::write_safetensors(path.toStdString(), {{"y", torch::zeros({3})}});
    } catch (const perfusion::Error& e) {
      threw = QString(e.what()).contains("model.safetensors");
    }
    ::chmod(dir.path().toLocal8Bit().constData(), 0755);
    QVERIFY(threw);
    QVERIFY(read_bytes(path) == before);
    QCOMPARE(entries_of(dir.path()), QStringList{"model.safetensors"});
  }

  void refuses_hostile_input_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    const auto row = [](const char* name, const std::string& bytes, const char* expected) {
      QTest::newRow(name) << QByteArray(bytes.data(), static_cast<int>(bytes.size())) << QString(expected);
    };
    const std::string f4(4, '\0'), f8(8, '\0'), f12(12, '\0');
    const std::string valid = io::serialize_safetensors({{"a", torch::ones({64})}, {"b", torch::ones({64})}});

    row("empty file", "", "0 bytes long");
    row("shorter than 8 bytes", "\x05\x00\x00", "shorter than the 8-byte header length");
    row("header length below 2", le64(1) + "{", "header length is 1");
    row("header length beyond file", le64(100) + "{}", "truncated?");
    row("header length 2^63", le64(1ull << 63) + "{}      ", "more than the 100 MB limit");
    row("header length 2^64-1", le64(~0ull) + "{}      ", "more than the 100 MB limit");
    row("header not JSON", make_file("{this is not json}"), "not well-formed JSON");
    row("header not starting with brace", make_file("hello world"), "does not start with '{'");
    row("header is a JSON array", make_file("[1,2,3]"), "does not start with '{'");
    row("header invalid UTF-8", make_file("{\"a\xff\":1}"), "not well-formed JSON");
    row("duplicate tensor names",
        make_file("{" + tensor_entry("a", "F32", "[1]", "[0,4]") + "," + tensor_entry("a", "F32", "[1]", "[4,8]") + "}", f8),
        "names 'a' twice");
    row("entry not an object", make_file("{\"a\":5}"), "is not an object");
    row("deeply nested entry", make_file("{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}"),
        "is not an object");
    row("empty tensor name", make_file("{" + tensor_entry("", "F32", "[1]", "[0,4]") + "}", f4), "empty name");
    row("missing data_offsets", make_file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", f4), "lacks dtype, shape or data_offsets");
    row("dtype not a string", make_file("{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", f4), "non-string dtype");
    row("unknown dtype", make_file("{" + tensor_entry("a", "Q4_K", "[1]", "[0,4]") + "}", f4), "unsupported dtype Q4_K");
    row("shape not an array", make_file("{" + tensor_entry("a", "F32", "4", "[0,4]") + "}", f4), "invalid shape");
    row("more than 16 dimensions",
        make_file("{" + tensor_entry("a", "F32", "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]", "[0,4]") + "}", f4), "invalid shape");
    row("negative dimension", make_file("{" + tensor_entry("a", "F32", "[-1]", "[0,4]") + "}", f4), "negative or non-integer dimension");
    row("fractional dimension", make_file("{" + tensor_entry("a", "F32", "[2.5]", "[0,4]") + "}", f4), "negative or non-integer dimension");
    row("string dimension", make_file("{" + tensor_entry("a", "F32", "[\"1\"]", "[0,4]") + "}", f4), "negative or non-integer dimension");
    row("dimension above int64", make_file("{" + tensor_entry("a", "F32", "[9223372036854775808]", "[0,4]") + "}", f4), "too large");
    row("shape product overflow",
        make_file("{" + tensor_entry("a", "F32", "[4294967296,4294967296,4294967296]", "[0,4]") + "}", f4), "overflows");
    row("byte size overflow", make_file("{" + tensor_entry("a", "F64", "[4611686018427387904]", "[0,8]") + "}", f8), "overflows");
    row("data_offsets wrong arity", make_file("{" + tensor_entry("a", "F32", "[1]", "[0,4,8]") + "}", f4), "invalid data_offsets");
    row("data_offsets negative", make_file("{" + tensor_entry("a", "F32", "[1]", "[-4,0]") + "}", f4), "invalid data_offsets");
    row("data_offsets reversed", make_file("{" + tensor_entry("a", "F32", "[0]", "[4,0]") + "}", f4), "ends before it begins");
    row("data_offsets beyond file", make_file("{" + tensor_entry("a", "F32", "[2]", "[0,8]") + "}", f4), "beyond the end of the file");
    row("data_offsets huge", make_file("{" + tensor_entry("a", "F32", "[1]", "[18446744073709551611,18446744073709551615]") + "}", f4),
        "beyond the end of the file");
    row("size not matching shape", make_file("{" + tensor_entry("a", "F32", "[3]", "[0,8]") + "}", f8), "its shape needs 12");
    row("overlapping tensors",
        make_file("{" + tensor_entry("a", "F32", "[2]", "[0,8]") + "," + tensor_entry("b", "F32", "[2]", "[4,12]") + "}", f12),
        "overlaps");
    row("gap between tensors",
        make_file("{" + tensor_entry("a", "F32", "[1]", "[0,4]") + "," + tensor_entry("b", "F32", "[1]", "[8,12]") + "}", f12),
        "gap in the data");
    row("trailing bytes", make_file("{" + tensor_entry("a", "F32", "[1]", "[0,4]") + "}", f8), "belong to no tensor");
    row("__metadata__ value not a string", make_file("{\"__metadata__\":{\"format\":1}}"), "entry 'format' is not a string");
    row("__metadata__ not an object", make_file("{\"__metadata__\":[\"pt\"]}"), "__metadata__ is not an object");
    row("truncated data section", valid.substr(0, valid.size() - 100), "beyond the end of the file (truncated?)");
    row("truncated header", valid.substr(0, 20), "truncated?");
  }

  void refuses_hostile_input() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    const QString path = dir_.filePath(QString("hostile-%1.safetensors").arg(QTest::currentDataTag()).replace(' ', '_'));
    write_bytes(path, bytes.toStdString());
    for (bool mapped : {true, false}) {
      QString message;
      try {
        if (mapped) {
          io::SafeTensorsFile::open(path.toStdString());
        } else {
          io::SafeTensorsFile::from_bytes(bytes.toStdString(), "buffer");
        }
        QFAIL("accepted a hostile file");
      } catch (const perfusion::Error& e) {
        message = e.what();
      } catch (const std::exception& e) {
        QFAIL(qPrintable(QString("wrong exception type: ") + e.what()));
      }
      QVERIFY2(message.contains(expected), qPrintable(message));
      QVERIFY2(message.contains(mapped ? path : QString("buffer")), qPrintable(message));
      QVERIFY2(!message.contains('\n'), qPrintable(message));
    }
  }

  void refuses_non_regular_files() {
    QTemporaryDir dir;
    const QString folder = dir.filePath("folder.safetensors");
    QVERIFY(QDir(dir.path()).mkdir("folder.safetensors"));
    for (const QString& path : {folder, dir.filePath("missing.safetensors")}) {
      QString message;
      try {
        io::SafeTensorsFile::open(path.toStdString());
      } catch (const perfusion::Error& e) {
        message = e.what();
      }
      QVERIFY2(message.contains(path), qPrintable(path));
    }
    try {
      io::SafeTensorsFile::open(folder.toStdString());
      QFAIL("opened a folder");
    } catch (const perfusion::Error& e) {
      QVERIFY2(QString(e.what()).contains("not a regular file"), e.what());
    }
  }

  void writer_refuses_invalid_names() {
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, io::serialize_safetensors({{"", torch::ones({1})}}));
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, io::serialize_safetensors({{"__metadata__", torch::ones({1})}}));
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, io::serialize_safetensors({{"c", torch::ones({1}, torch::kComplexFloat)}}));
  }
};

QTEST_GUILESS_MAIN(SafeTensorsTest)
#include "test_safetensors.moc"
