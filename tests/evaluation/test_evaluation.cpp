// The evaluation's bookkeeping, without a model: prompt alignment read from rendered scenes,
// operating points, the two-concept rate, the plot and the report files.
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

#include "core/evaluation/concept_evaluation.h"
#include "core/evaluation/evaluation_report.h"
#include "core/evaluation/pareto_plot.h"
#include "core/image/png.h"
#include "core/toyworld/render.h"
#include "core/toyworld/scorer.h"

using namespace perfusion;
using namespace perfusion::evaluation;

namespace {

toyworld::SceneSpec scene(toyworld::Position position, toyworld::Colour background, bool companion) {
  toyworld::SceneSpec spec;
  spec.shape = toyworld::Shape::Star;
  spec.colour = toyworld::Colour::Red;
  spec.size = toyworld::Size::Large;
  spec.position = position;
  spec.background = background;
  if (companion) spec.companion = toyworld::Companion{toyworld::Shape::Circle, toyworld::Colour::Blue, 0};
  return spec;
}

std::string read_text(const QString& path) {
  std::ifstream in(path.toStdString());
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

class TestEvaluation : public QObject {
  Q_OBJECT

 private slots:
  void alignmentCountsTheAskedAttributes() {
    const auto& prompts = evaluation_prompts();
    // Prompt 0: left, green background, no companion.
    const auto matching = toyworld::score_scene(toyworld::render(scene(toyworld::Position::Left, toyworld::Colour::Green, false), 64));
    QCOMPARE(prompt_alignment(matching, prompts[0]), 1.0);
    const auto wrong_background =
        toyworld::score_scene(toyworld::render(scene(toyworld::Position::Left, toyworld::Colour::Black, false), 64));
    QCOMPARE(prompt_alignment(wrong_background, prompts[0]), 2.0 / 3.0);
    const auto extra_companion =
        toyworld::score_scene(toyworld::render(scene(toyworld::Position::Right, toyworld::Colour::Black, true), 64));
    QCOMPARE(prompt_alignment(extra_companion, prompts[0]), 0.0);
    // Prompt 2: center, white, next to a blue circle.
    const auto with_companion =
        toyworld::score_scene(toyworld::render(scene(toyworld::Position::Center, toyworld::Colour::White, true), 64));
    QCOMPARE(prompt_alignment(with_companion, prompts[2]), 1.0);
  }

  void operatingPointsAverageByMethodAndBeta() {
    std::vector<ConceptSample> samples{{"a", "perfusion", 0.5, 0, 0, 0.8, 0.2},
                                       {"b", "perfusion", 0.5, 1, 0, 0.6, 0.4},
                                       {"a", "perfusion", 0.7, 0, 0, 0.4, 1.0},
                                       {"a", "base", 0.0, 0, 0, 0.1, 0.9}};
    const auto points = operating_points(samples);
    QCOMPARE(points.size(), size_t(3));
    const auto find = [&](const std::string& method, double beta) {
      for (const auto& p : points)
        if (p.method == method && p.beta == beta) return p;
      return OperatingPoint{};
    };
    QCOMPARE(find("perfusion", 0.5).images, 2);
    QVERIFY(qFuzzyCompare(find("perfusion", 0.5).fidelity, 0.7));
    QVERIFY(qFuzzyCompare(find("perfusion", 0.5).alignment, 0.3));
    QCOMPARE(find("base", 0.0).images, 1);

    QCOMPARE(both_present_rate({}), 0.0);
    QCOMPARE(both_present_rate({{"a", "b", 0, 0, true}, {"a", "b", 0, 1, false}, {"a", "b", 1, 0, true}, {"a", "b", 1, 1, true}}), 0.75);
    // Each threshold counts its own verdicts.
    const std::vector<PairSample> pairs{{"a", "b", 0, 0, false, true}, {"a", "b", 0, 1, false, false}};
    QCOMPARE(both_present_rate(pairs), 0.0);
    QCOMPARE(both_present_rate(pairs, PresenceThreshold::VaeRoundTrip), 0.5);
  }

  void reportWritesSummaryCsvAndPlot() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ConceptEvaluation eval;
    eval.options.variants = {concepts::TrainingVariant::Perfusion};
    eval.options.betas = {0.5, 0.7};
    eval.options.photo_captions = true;
    eval.options.training.lr_v = 0.3;
    eval.calibration.push_back({"twotone-star", 0.9, 0.2, 0.55, 0.7, 0.1, 0.4});
    eval.calibration.push_back({"outlined-heart", 0.8, 0.2, 0.5, std::nullopt});  // a pixel-space model
    eval.samples = {{"twotone-star", "perfusion", 0.5, 0, 0, 0.8, 0.25},
                    {"twotone-star", "perfusion", 0.7, 2, 1, 0.5, 0.75},
                    {"twotone-star", "base", 0.0, 0, 0, 0.1, 1.0}};
    eval.pairs = {{"twotone-star", "outlined-heart", 0, 0, true, true, 0.6, 0.7},
                  {"twotone-star", "outlined-heart", 0, 1, false, true, 0.45, 0.3}};
    eval.side_by_side = {{"twotone-star", "outlined-heart", 1, 0, false, false, 0.2, 0.25},
                         {"twotone-star", "outlined-heart", 1, 1, false, true, 0.4, 0.35},
                         {"twotone-star", "outlined-heart", 0, 0, true, true, 0.6, 0.65}};
    write_concept_report(dir.path().toStdString(), eval);

    const auto summary = nlohmann::json::parse(read_text(dir.filePath("summary.json")));
    QCOMPARE(summary.at("operating_points").size(), size_t(3));
    QCOMPARE(summary.at("two_concepts").at("both_present").get<double>(), 0.5);
    QCOMPARE(summary.at("calibration").at(0).at("threshold").get<double>(), 0.55);
    QCOMPARE(summary.at("calibration").at(0).at("vae_round_trip").get<double>(), 0.7);
    QVERIFY(summary.at("calibration").at(1).at("vae_round_trip").is_null());
    QCOMPARE(summary.at("calibration").at(0).at("same_class_round_trip").get<double>(), 0.1);
    QCOMPARE(summary.at("calibration").at(0).at("round_trip_threshold").get<double>(), 0.4);
    QVERIFY(summary.at("calibration").at(1).at("round_trip_threshold").is_null());
    QCOMPARE(summary.at("two_concepts").at("both_present_round_trip").get<double>(), 1.0);
    const auto& pictures = summary.at("two_concepts").at("pictures");
    QCOMPARE(pictures.size(), size_t(2));
    QCOMPARE(pictures.at(1).at("first_fidelity").get<double>(), 0.45);
    QCOMPARE(pictures.at(1).at("second").get<std::string>(), std::string("outlined-heart"));
    // Each picture's prompt index is readable from the recorded pair prompts, which name both.
    const auto& recorded = summary.at("two_concepts").at("prompts");
    QCOMPARE(recorded.size(), pair_prompts().size());
    for (const auto& prompt : recorded) {
      const auto text = prompt.get<std::string>();
      QVERIFY(text.find("{a}") != std::string::npos && text.find("{b}") != std::string::npos);
    }
    QVERIFY(!pictures.at(1).at("both_present").get<bool>());
    // The side-by-side pairs are reported on their own, with their own prompts (two regions each).
    const auto& side_by_side = summary.at("two_concepts_side_by_side");
    QCOMPARE(side_by_side.at("images").get<size_t>(), size_t(3));
    QCOMPARE(side_by_side.at("both_present").get<double>(), 1.0 / 3);
    QCOMPARE(side_by_side.at("both_present_round_trip").get<double>(), 2.0 / 3);
    QCOMPARE(side_by_side.at("pictures").at(1).at("prompt").get<int>(), 1);
    QCOMPARE(side_by_side.at("prompts").size(), side_by_side_prompts().size());
    for (const auto& prompt : side_by_side.at("prompts")) {
      const auto text = prompt.get<std::string>();
      QVERIFY(text.find("{a}") < text.find('|') && text.find('|') < text.find("{b}"));
    }
    // The training settings that decide the concepts are recorded.
    QVERIFY(summary.at("training_photo_captions").get<bool>());
    QCOMPARE(summary.at("training_lr_v").get<double>(), 0.3);

    const std::string csv = read_text(dir.filePath("samples.csv"));
    QCOMPARE(std::count(csv.begin(), csv.end(), '\n'), std::ptrdiff_t(4));  // header + 3 rows
    // Prompts with commas are quoted.
    QVERIFY(csv.find("\"a {} on the left, on a green background\"") != std::string::npos);

    const auto png = image::read_png(dir.filePath("pareto.png").toStdString());
    QVERIFY(png.image.width >= 600 && png.image.height >= 400);
  }

  void axisTicksAreRoundAndCoverTheRange_data() {
    QTest::addColumn<double>("lo");
    QTest::addColumn<double>("hi");
    QTest::addColumn<double>("step");
    QTest::addColumn<int>("decimals");
    // The fidelity range of a real evaluation: quarter points would be 0.2275, 0.255, ….
    QTest::newRow("narrow") << 0.198 << 0.308 << 0.02 << 2;
    QTest::newRow("unit") << 0.0 << 1.0 << 0.2 << 1;
    QTest::newRow("tiny") << 0.2481 << 0.2513 << 0.0005 << 4;
    QTest::newRow("empty") << 0.5 << 0.5 << 0.0002 << 4;
  }
  void axisTicksAreRoundAndCoverTheRange() {
    QFETCH(double, lo);
    QFETCH(double, hi);
    QFETCH(double, step);
    QFETCH(int, decimals);
    const AxisTicks t = axis_ticks(lo, hi);
    QVERIFY(std::abs(t.step - step) < 1e-12);
    QCOMPARE(t.decimals, decimals);
    QVERIFY(t.lo <= lo + 1e-12 && t.hi >= hi - 1e-12);
    const double intervals = (t.hi - t.lo) / t.step;
    QVERIFY(std::abs(intervals - std::round(intervals)) < 1e-6);
    QVERIFY(std::round(intervals) >= 4 && std::round(intervals) <= 9);
    // The bounds are whole multiples of the step, so every label prints exactly.
    QVERIFY(std::abs(t.lo / t.step - std::round(t.lo / t.step)) < 1e-6);
  }

  void plotDrawsEveryMethodInItsColour() {
    const cv::Mat empty = pareto_plot({});
    const cv::Mat plot = pareto_plot({{"perfusion", 0.5, 0.8, 0.2, 4}, {"perfusion", 0.7, 0.5, 0.7, 4}, {"base", 0, 0.1, 0.9, 4}});
    QCOMPARE(plot.type(), CV_8UC3);
    // The perfusion line (red) appears only where there is data.
    const auto count_red = [](const cv::Mat& img) {
      int n = 0;
      for (int y = 0; y < img.rows; ++y)
        for (int x = 0; x < img.cols; ++x) {
          const auto& p = img.at<cv::Vec3b>(y, x);
          n += p[0] > 180 && p[1] < 80 && p[2] < 80;
        }
      return n;
    };
    QCOMPARE(count_red(empty), 0);
    QVERIFY(count_red(plot) > 100);
  }

  void labelsNeverOverprint() {
    LabelLayout layout({0, 0, 200, 200});
    const cv::Size text(20, 9);
    std::vector<cv::Rect> boxes;
    // Points a few pixels apart, as nearby β points of one method are.
    for (const cv::Point point : {cv::Point{100, 100}, cv::Point{101, 102}, cv::Point{100, 104}, cv::Point{102, 99}})
      if (const auto box = layout.place(point, text)) boxes.push_back(*box);
    QCOMPARE(static_cast<int>(boxes.size()), 4);  // room for all four around them
    for (size_t i = 0; i < boxes.size(); ++i) {
      QCOMPARE(boxes[i].size(), text);
      for (size_t j = i + 1; j < boxes.size(); ++j) QCOMPARE((boxes[i] & boxes[j]).area(), 0);
    }
    // The first label takes the usual place, above right of its point.
    QCOMPARE(boxes[0].tl(), cv::Point(106, 85));
    // A label with no free spot left is left out rather than drawn over another.
    for (int i = 0; i < 4; ++i) layout.place({100, 100}, text);
    QVERIFY(!layout.place({100, 100}, text).has_value());
    // Nor does a label leave the plot area.
    LabelLayout edge({0, 0, 30, 30});
    QVERIFY(!edge.place({15, 15}, {40, 9}).has_value());
  }
};

QTEST_GUILESS_MAIN(TestEvaluation)
#include "test_evaluation.moc"
