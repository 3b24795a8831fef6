// PNG encoding/decoding: round trips, text chunks, the reference PNGs from Pillow, and
// corrupt input refused with perfusion::Error.
#include "core/common/error.h"
#include "core/image/png.h"
#include "core/image/tensor_image.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

using namespace perfusion;

namespace {
image::RgbImage gradient(int w, int h) {
  image::RgbImage img;
  img.width = w;
  img.height = h;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      img.pixels.push_back(static_cast<uint8_t>(x * 7 + y));
      img.pixels.push_back(static_cast<uint8_t>(y * 3));
      img.pixels.push_back(static_cast<uint8_t>((x ^ y) * 5));
    }
  return img;
}
}  // namespace

class PngTest : public QObject {
  Q_OBJECT

 private slots:
  void round_trip_keeps_pixels_and_text() {
    const auto img = gradient(37, 19);
    const image::PngText text{{"parameters", "a cat\nSteps: 20"}, {"comment", "caf\xc3\xa9 \xe2\x98\x95"}};
    const auto decoded = image::decode_png(image::encode_png(img, text));
    QCOMPARE(decoded.image.width, 37);
    QCOMPARE(decoded.image.height, 19);
    QVERIFY(decoded.image.pixels == img.pixels);
    QVERIFY(decoded.text == text);  // ASCII via tEXt, UTF-8 via iTXt
  }

  void reads_reference_pngs_written_by_pillow() {
    const auto png = image::read_png(test::sd_tiny_dir() + "/reference/pipeline/pipe_euler_negprompt.png");
    QCOMPARE(png.image.width, 192);
    QCOMPARE(png.image.height, 128);
  }

  void tensor_conversion_rounds_like_the_reference() {
    auto t = torch::tensor({0.0f, 0.5f / 255, 0.51f / 255, 1.0f, 1.5f, -0.2f}).reshape({1, 2, 3});
    const auto img = image::to_rgb8(t);
    QCOMPARE(int(img.pixels[0]), 0);
    QCOMPARE(int(img.pixels[1]), 0);  // round half to even, as numpy does
    QCOMPARE(int(img.pixels[2]), 1);
    QCOMPARE(int(img.pixels[3]), 255);
    QCOMPARE(int(img.pixels[4]), 255);
    QCOMPARE(int(img.pixels[5]), 0);
    const auto back = image::to_float_hwc(img);
    QCOMPARE(back.sizes().vec(), (std::vector<int64_t>{1, 2, 3}));
  }

  void corrupt_input_is_refused_data() {
    QTest::addColumn<QByteArray>("bytes");
    const std::string good = image::encode_png(gradient(8, 8));
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("not png") << QByteArray("GIF89a........");
    QTest::newRow("signature only") << QByteArray::fromStdString(good.substr(0, 8));
    QTest::newRow("truncated") << QByteArray::fromStdString(good.substr(0, good.size() / 2));
    std::string bad_crc = good;
    bad_crc[20] ^= 0x40;  // inside IHDR
    QTest::newRow("bad crc") << QByteArray::fromStdString(bad_crc);
    std::string no_end = good.substr(0, good.size() - 12);
    QTest::newRow("no IEND") << QByteArray::fromStdString(no_end);
  }

  void corrupt_input_is_refused() {
    QFETCH(QByteArray, bytes);
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, image::decode_png(bytes.toStdString()));
  }

  void empty_image_is_not_encoded() {
    QVERIFY_THROWS_EXCEPTION(perfusion::Error, image::encode_png(image::RgbImage{}));
  }
};

QTEST_GUILESS_MAIN(PngTest)
#include "test_png.moc"
