// Photo loading with OpenCV: formats, EXIF orientation, centre crop and area resize to the
// training side, masks, and refusal of what is not a usable image.
#include "core/common/atomic_file.h"
#include "core/common/error.h"
#include "core/photo/photo.h"
#include "tests/support/test_support.h"

#include <QtTest/QtTest>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

using namespace perfusion;

namespace {

// 200 wide, 100 high (BGR): left half red, right half blue; a green block in the top-left corner.
cv::Mat landscape() {
  cv::Mat bgr(100, 200, CV_8UC3, cv::Scalar(0, 0, 255));
  bgr(cv::Rect(100, 0, 100, 100)).setTo(cv::Scalar(255, 0, 0));
  bgr(cv::Rect(0, 0, 20, 20)).setTo(cv::Scalar(0, 255, 0));
  return bgr;
}

// A JPEG with an APP1 Exif segment right after SOI whose IFD0 holds only Orientation.
std::string jpeg_with_orientation(const cv::Mat& bgr, uint16_t orientation) {
  std::vector<uchar> jpeg;
  cv::imencode(".jpg", bgr, jpeg, {cv::IMWRITE_JPEG_QUALITY, 95});
  const std::string tiff = std::string("II*\0", 4) + std::string("\x08\0\0\0", 4) +  // little endian, IFD at 8
                           std::string("\x01\0", 2) +                                  // one entry
                           std::string("\x12\x01\x03\0\x01\0\0\0", 8) +               // 0x0112 SHORT count 1
                           std::string(1, static_cast<char>(orientation)) + std::string("\0\0\0", 3) +
                           std::string("\0\0\0\0", 4);                                 // no next IFD
  const std::string payload = std::string("Exif\0\0", 6) + tiff;
  const uint16_t length = static_cast<uint16_t>(payload.size() + 2);
  std::string app1 = std::string("\xFF\xE1", 2) + static_cast<char>(length >> 8) + static_cast<char>(length & 0xFF) + payload;
  std::string bytes(jpeg.begin(), jpeg.end());
  bytes.insert(2, app1);
  return bytes;
}

}  // namespace

class TestPhoto : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;

  std::string path(const char* name) const { return dir_.filePath(name).toStdString(); }

 private slots:
  void decodesFormatsAsRgb_data() {
    QTest::addColumn<QString>("extension");
    QTest::newRow("png") << ".png";
    QTest::newRow("jpeg") << ".jpg";
    QTest::newRow("bmp") << ".bmp";
    QTest::newRow("webp") << ".webp";
  }

  void decodesFormatsAsRgb() {
    QFETCH(QString, extension);
    const auto file = path(("photo" + extension.toStdString()).c_str());
    QVERIFY(cv::imwrite(file, landscape()));
    QVERIFY(photo::has_photo_extension(file));
    const auto decoded = photo::read_photo(file);
    QCOMPARE(decoded.width, 200);
    QCOMPARE(decoded.height, 100);
    // Centre of the left half is red in RGB order (lossy formats within a margin).
    const auto* px = &decoded.pixels[(50 * 200 + 50) * 3];
    QVERIFY(px[0] > 200 && px[1] < 50 && px[2] < 50);
  }

  void exifOrientationIsApplied() {
    // Orientation 6: the stored image is to be rotated 90° clockwise for display.
    const auto bytes = jpeg_with_orientation(landscape(), 6);
    write_file_atomically(path("rotated.jpg"), bytes);
    const auto upright = photo::read_photo(path("rotated.jpg"));
    QCOMPARE(upright.width, 100);
    QCOMPARE(upright.height, 200);
    // The green corner block moves from top-left to top-right.
    const auto* top_right = &upright.pixels[(5 * 100 + 94) * 3];
    QVERIFY2(top_right[1] > 200 && top_right[0] < 60, "green block not at the top right");
    // Orientation 1 keeps the layout.
    const auto plain = photo::decode_photo(jpeg_with_orientation(landscape(), 1), "plain");
    QCOMPARE(plain.width, 200);
  }

  void centreCropAndAreaResize() {
    QVERIFY(cv::imwrite(path("wide.png"), landscape()));
    const auto t = photo::load_training_image(path("wide.png"), 64);
    QCOMPARE(t.sizes(), (c10::IntArrayRef{3, 64, 64}));
    QVERIFY(t.min().item<double>() >= -1.0 && t.max().item<double>() <= 1.0);
    // The centre square (x 50..150) is half red, half blue; the green corner is cropped away.
    QVERIFY(t[0][32][8].item<double>() > 0.9);    // red on the left
    QVERIFY(t[2][32][56].item<double>() > 0.9);   // blue on the right
    QVERIFY(t[1].max().item<double>() < -0.9);    // no green left
  }

  void masksAreGreyInUnitRange() {
    cv::Mat mask(80, 80, CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(20, 20, 40, 40)).setTo(255);
    QVERIFY(cv::imwrite(path("mask.png"), mask));
    const auto m = photo::load_training_mask(path("mask.png"), 40);
    QCOMPARE(m.sizes(), (c10::IntArrayRef{1, 40, 40}));
    QCOMPARE(m[0][20][20].item<double>(), 1.0);
    QCOMPARE(m[0][2][2].item<double>(), 0.0);
  }

  void refusesWhatIsNotAPhoto() {
    write_file_atomically(path("notes.jpg"), "this is text, not a JPEG");
    try {
      photo::read_photo(path("notes.jpg"));
      QFAIL("decoded text");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("is not an image"), e.what());
    }
    try {
      photo::read_photo(path("missing.png"));
      QFAIL("read a missing file");
    } catch (const Error& e) {
      QVERIFY(QString(e.what()).contains("missing.png"));
    }
    cv::Mat huge(1, photo::kMaxPhotoSide + 1, CV_8UC3, cv::Scalar(1, 2, 3));
    QVERIFY(cv::imwrite(path("huge.png"), huge));
    try {
      photo::read_photo(path("huge.png"));
      QFAIL("accepted an image over the side limit");
    } catch (const Error& e) {
      QVERIFY2(QString(e.what()).contains("at most"), e.what());
    }
    QVERIFY(!photo::has_photo_extension("notes.txt"));
  }
};

QTEST_GUILESS_MAIN(TestPhoto)
#include "test_photo.moc"
