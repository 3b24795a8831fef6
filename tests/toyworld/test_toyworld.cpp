// The toy world: its generator, renderer, captions and splits are deterministic and cover the
// attributes; the personal instances are off-distribution; the scorer reads ≥ 95% of every
// attribute back from renders, clean and degraded; concept fidelity ranks an instance's photos
// above same-class objects; and a contact sheet to look at.
#include "core/common/error.h"
#include "core/toyworld/caption.h"
#include "core/toyworld/fidelity.h"
#include "core/toyworld/free_look.h"
#include "core/toyworld/instances.h"
#include "core/toyworld/look_description.h"
#include "core/toyworld/render.h"
#include "core/toyworld/rng.h"
#include "core/toyworld/sampler.h"
#include "core/toyworld/scorer.h"

#include <QtTest/QtTest>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

using namespace perfusion;
using namespace perfusion::toyworld;

namespace {

Rgb rgb_at(const cv::Mat& rgb, int y, int x) {
  const auto v = rgb.at<cv::Vec3b>(y, x);
  return {v[0], v[1], v[2]};
}

// What a generated image suffers from: blur (σ = 0.8 px) and pixel noise (σ = 8 of 255).
cv::Mat degrade(const cv::Mat& rgb, Rng& rng, double blur = 0.8, double noise = 8.0) {
  cv::Mat blurred;
  cv::GaussianBlur(rgb, blurred, cv::Size(0, 0), blur);
  cv::Mat out(rgb.size(), CV_8UC3);
  for (int y = 0; y < rgb.rows; ++y)
    for (int x = 0; x < rgb.cols; ++x)
      for (int c = 0; c < 3; ++c)
        out.at<cv::Vec3b>(y, x)[c] =
            cv::saturate_cast<uint8_t>(blurred.at<cv::Vec3b>(y, x)[c] + noise * rng.normal());
  return out;
}

struct Tally {
  int n = 0, background = 0, shape = 0, colour = 0, texture = 0, size = 0, position = 0, companion = 0;
  void add(const AttributeAgreement& a) {
    ++n;
    background += a.background;
    shape += a.shape;
    colour += a.colour;
    texture += a.texture;
    size += a.size;
    position += a.position;
    companion += a.companion;
  }
  std::vector<std::pair<std::string, double>> rates() const {
    auto r = [&](int k) { return n ? double(k) / n : 0.0; };
    return {{"background", r(background)}, {"class", r(shape)},       {"colour", r(colour)},
            {"texture", r(texture)},       {"size", r(size)},         {"position", r(position)},
            {"companion", r(companion)}};
  }
};

// The scorer on `count` scenes (train and held-out mixed) rendered at `size`, clean and degraded.
std::pair<Tally, Tally> score_renders(int count, int size, uint64_t seed, double blur = 0.8, double noise_sigma = 8.0) {
  Rng rng(seed), noise(seed + 1);
  Tally clean, noisy;
  for (int i = 0; i < count; ++i) {
    const SceneSpec spec = sample_scene(rng, i % 5 == 4 ? Split::HeldOut : Split::Train);
    const cv::Mat image = render(spec, size);
    clean.add(agreement(score_scene(image), spec));
    noisy.add(agreement(score_scene(degrade(image, noise, blur, noise_sigma)), spec));
  }
  return {clean, noisy};
}

void report(const char* title, const Tally& clean, const Tally& noisy) {
  std::printf("%s (%d scenes)\n  %-11s %7s %7s\n", title, clean.n, "attribute", "clean", "noisy");
  const auto c = clean.rates(), d = noisy.rates();
  for (size_t i = 0; i < c.size(); ++i) std::printf("  %-11s %6.1f%% %6.1f%%\n", c[i].first.c_str(), 100 * c[i].second, 100 * d[i].second);
  std::fflush(stdout);
}

// Probability that a random positive scores above a random negative (ties count half).
double pairwise_auc(const std::vector<double>& positives, const std::vector<double>& negatives) {
  double wins = 0;
  for (double p : positives)
    for (double n : negatives) wins += p > n ? 1.0 : (p == n ? 0.5 : 0.0);
  return wins / (double(positives.size()) * double(negatives.size()));
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / v.size();
}

}  // namespace

class ToyWorldTest : public QObject {
  Q_OBJECT

 private slots:
  void rng_is_the_standard_engine_with_portable_distributions() {
    Rng rng(5489);
    for (int i = 0; i < 9999; ++i) rng.next();
    QCOMPARE(rng.next(), uint64_t(9981545732273789042ull));  // the standard's check value for mt19937_64

    Rng parent_a(8), parent_b(8);
    Rng child_a = parent_a.child(1), child_b = parent_b.child(1), other = parent_b.child(2);
    QCOMPARE(child_a.next(), child_b.next());
    QVERIFY(child_a.next() != other.next());

    Rng a(3), b(3);
    for (int i = 0; i < 1000; ++i) {
      const int k = a.uniform_int(7);
      QVERIFY(k >= 0 && k < 7);
      QCOMPARE(b.uniform_int(7), k);
      const double u = a.uniform();
      QVERIFY(u >= 0 && u < 1);
      QCOMPARE(b.uniform(), u);
    }
    // Independent of any standard library's distributions: pinned values.
    Rng c(12345);
    QCOMPARE(c.uniform_int(1000), 346);
    QCOMPARE(c.uniform_int(6), 5);
  }

  void sampler_is_deterministic_and_pinned() {
    Rng a(42), b(42);
    for (int i = 0; i < 50; ++i) {
      const SceneSpec x = sample_scene(a, Split::Train), y = sample_scene(b, Split::Train);
      QCOMPARE(caption(x), caption(y));
      QCOMPARE(x.rotation_deg, y.rotation_deg);
      QCOMPARE(x.texture_phase_y, y.texture_phase_y);
    }
    // Pinned: the same seed gives the same dataset on every platform and standard library.
    Rng pinned(1);
    QCOMPARE(QString::fromStdString(caption(sample_scene(pinned, Split::Train))), QString("a small yellow dotted triangle in the center, on a green background, next to a white star"));
    QCOMPARE(QString::fromStdString(caption(sample_scene(pinned, Split::Train))), QString("a large green circle at the top, on a gray background, next to a blue cross"));
    QCOMPARE(QString::fromStdString(caption(sample_scene(pinned, Split::HeldOut))), QString("a small green triangle on the right, on a green background, next to a white triangle"));
  }

  void render_is_deterministic_at_any_size() {
    Rng rng(7);
    for (int i = 0; i < 20; ++i) {
      const SceneSpec spec = sample_scene(rng, Split::Train);
      for (int size : {32, 64, 128}) {
        const cv::Mat a = render(spec, size), b = render(spec, size);
        QCOMPARE(a.rows, size);
        QCOMPARE(a.cols, size);
        QCOMPARE(a.type(), CV_8UC3);
        QCOMPARE(cv::norm(a, b, cv::NORM_INF), 0.0);
      }
      // The same picture at every size: 128 area-averaged to 64 is the 64 render, up to rounding.
      cv::Mat down;
      cv::resize(render(spec, 128), down, cv::Size(64, 64), 0, 0, cv::INTER_AREA);
      QVERIFY2(cv::norm(down, render(spec, 64), cv::NORM_L1) / (64 * 64 * 3) < 1.5, caption(spec).c_str());
    }
    QVERIFY_THROWS_EXCEPTION(Error, render(SceneSpec{}, 4));
  }

  void render_is_anti_aliased_and_shows_the_spec() {
    SceneSpec spec;
    spec.shape = Shape::Square;
    spec.colour = Colour::Red;
    spec.background = Colour::White;
    spec.position = Position::Left;
    spec.size = Size::Large;
    spec.rotation_deg = 10;
    const cv::Mat img = render(spec, 64);
    const Rgb bg = background_rgb(Colour::White), red = object_rgb(Colour::Red);
    int background = 0, object = 0, mixed = 0;
    for (int y = 0; y < 64; ++y)
      for (int x = 0; x < 64; ++x) {
        const Rgb p = rgb_at(img, y, x);
        if (p == bg) ++background;
        else if (p == red) ++object;
        else ++mixed;
      }
    QVERIFY(background > 2000);
    QVERIFY(object > 400);
    QVERIFY(mixed > 40);  // the edge is blended, not jagged
    // Left: the object's pixels are in the left half.
    QCOMPARE(img.at<cv::Vec3b>(32, 20), cv::Vec3b(red.r, red.g, red.b));
    QCOMPARE(img.at<cv::Vec3b>(32, 50), cv::Vec3b(bg.r, bg.g, bg.b));
  }

  void object_mask_covers_the_main_object_only() {
    SceneSpec spec;
    spec.shape = Shape::Heart;
    spec.colour = Colour::Blue;
    spec.background = Colour::Yellow;
    spec.position = Position::Right;
    spec.size = Size::Large;
    spec.rotation_deg = -15;
    spec.companion = Companion{Shape::Circle, Colour::Red, 0.0};
    const cv::Mat img = render(spec, 64);
    const cv::Mat mask = render_object_mask(spec, 64);
    QCOMPARE(mask.type(), CV_8UC1);
    QCOMPARE(mask.size(), img.size());
    const Rgb blue = object_rgb(Colour::Blue), red = object_rgb(Colour::Red);
    int blue_pixels = 0, blue_inside = 0, red_pixels = 0, red_inside = 0, soft = 0;
    for (int y = 0; y < 64; ++y)
      for (int x = 0; x < 64; ++x) {
        const Rgb p = rgb_at(img, y, x);
        const uint8_t m = mask.at<uint8_t>(y, x);
        soft += m > 0 && m < 255;
        if (p == blue) ++blue_pixels, blue_inside += m == 255;
        if (p == red) ++red_pixels, red_inside += m > 0;
      }
    QVERIFY(blue_pixels > 200);
    QCOMPARE(blue_inside, blue_pixels);  // every pure object pixel is fully inside
    QVERIFY(red_pixels > 20);
    QCOMPARE(red_inside, 0);  // the companion is not the object
    QVERIFY(soft > 20);       // area-averaged at the edge, like the picture
    QVERIFY_EXCEPTION_THROWN(render_object_mask(spec, 4), perfusion::Error);

    // The companion's mask: every pure companion pixel, none of the main object's.
    const cv::Mat companion = render_companion_mask(spec, 64);
    int red_covered = 0, blue_covered = 0;
    for (int y = 0; y < 64; ++y)
      for (int x = 0; x < 64; ++x) {
        const Rgb p = rgb_at(img, y, x);
        if (p == red) red_covered += companion.at<uint8_t>(y, x) == 255;
        if (p == blue) blue_covered += companion.at<uint8_t>(y, x) > 0;
      }
    QCOMPARE(red_covered, red_pixels);
    QCOMPARE(blue_covered, 0);
    spec.companion.reset();
    QCOMPARE(cv::countNonZero(render_companion_mask(spec, 64)), 0);
  }

  void captions_follow_the_grammar() {
    SceneSpec s;
    s.shape = Shape::Star;
    s.colour = Colour::Red;
    s.texture = Texture::Stripes;
    s.size = Size::Small;
    s.position = Position::Left;
    s.background = Colour::Green;
    s.companion = Companion{Shape::Circle, Colour::Blue, 0};
    QCOMPARE(QString::fromStdString(caption(s)),
             QString("a small red striped star on the left, on a green background, next to a blue circle"));
    s.texture = Texture::Solid;
    s.colour = Colour::Orange;
    s.size = Size::Large;
    s.position = Position::Center;
    s.background = Colour::White;
    s.companion = Companion{Shape::Heart, Colour::Orange, 0};
    QCOMPARE(QString::fromStdString(caption(s)),
             QString("a large orange star in the center, on a white background, next to an orange heart"));
    s.look = personal_instances()[0].look;
    s.companion.reset();
    s.position = Position::Top;
    QCOMPARE(QString::fromStdString(caption(s)), QString("a large {} at the top, on a white background"));
    QCOMPARE(QString::fromStdString(fill_caption(caption(s), "<sks>")), QString("a large <sks> at the top, on a white background"));
    QVERIFY_THROWS_EXCEPTION(Error, fill_caption("a red star", "<sks>"));
  }

  void splits_cover_the_world_and_keep_held_out_pairs_apart() {
    Rng rng(11);
    std::set<int> shapes, colours, textures, sizes, positions, backgrounds;
    int companions = 0;
    const int n = 3000;
    for (int i = 0; i < n; ++i) {
      const SceneSpec s = sample_scene(rng, Split::Train);
      QVERIFY2(!is_held_out(s), caption(s).c_str());
      QVERIFY(is_legible(s));
      shapes.insert(int(s.shape));
      colours.insert(int(s.colour));
      textures.insert(int(s.texture));
      sizes.insert(int(s.size));
      positions.insert(int(s.position));
      backgrounds.insert(int(s.background));
      companions += s.companion.has_value();
    }
    QCOMPARE(int(shapes.size()), kShapeCount);
    QCOMPARE(int(colours.size()), int(kObjectColours.size()));
    QCOMPARE(int(textures.size()), kTextureCount);
    QCOMPARE(int(sizes.size()), 2);
    QCOMPARE(int(positions.size()), kPositionCount);
    QCOMPARE(int(backgrounds.size()), int(kBackgroundColours.size()));
    QVERIFY(companions > n / 3 && companions < 2 * n / 3);

    std::set<std::pair<int, int>> held_out;
    for (int i = 0; i < 500; ++i) {
      const SceneSpec s = sample_scene(rng, Split::HeldOut);
      QVERIFY2(is_held_out(s), caption(s).c_str());
      QVERIFY(is_legible(s));
      held_out.insert({int(s.shape), int(s.colour)});
    }
    QCOMPARE(int(held_out.size()), int(kHeldOutPairs.size()));
  }

  void paired_scenes_draw_two_objects_and_name_the_second_after_next_to() {
    Rng a(5), b(5);
    int first_on_left = 0, textured_seconds = 0;
    const int n = 300;
    for (int i = 0; i < n; ++i) {
      const PairedScene x = sample_paired_scene(a, Split::Train), y = sample_paired_scene(b, Split::Train);
      QCOMPARE(caption(x), caption(y));
      QCOMPARE(cv::norm(render(x, 64), render(y, 64), cv::NORM_INF), 0.0);
      // Left and right, small, no companions, one background, both legible, split kept.
      QVERIFY((x.first.position == Position::Left && x.second.position == Position::Right) ||
              (x.first.position == Position::Right && x.second.position == Position::Left));
      first_on_left += x.first.position == Position::Left;
      QVERIFY(x.first.size == Size::Small && x.second.size == Size::Small);
      QVERIFY(!x.first.companion && !x.second.companion);
      QCOMPARE(x.second.background, x.first.background);
      QVERIFY(is_legible(x.first) && is_legible(x.second));
      QVERIFY(!is_held_out(x.first) && !is_held_out(x.second));
      textured_seconds += x.second.texture != Texture::Solid;
    }
    QVERIFY(first_on_left > n / 3 && first_on_left < 2 * n / 3);
    QVERIFY(textured_seconds > n / 2);  // the second object has any texture, unlike a companion

    PairedScene p;
    p.first.shape = Shape::Star;
    p.first.colour = Colour::Red;
    p.first.position = Position::Left;
    p.first.background = Colour::White;
    p.first.companion = Companion{Shape::Circle, Colour::Blue, 0};  // ignored
    p.second.shape = Shape::Circle;
    p.second.colour = Colour::Blue;
    p.second.texture = Texture::Stripes;
    p.second.position = Position::Right;
    p.second.background = Colour::Black;  // ignored: the first's background is the scene's
    QCOMPARE(QString::fromStdString(caption(p)),
             QString("a small red star on the left, on a white background, next to a small blue striped circle on the right"));
    // Both objects where their masks say, on the first's background, and nothing else.
    const cv::Mat img = render(p, 64);
    const cv::Mat left = render_object_mask(p.first, 64), right = render_object_mask(p.second, 64);
    QCOMPARE(cv::countNonZero(left & right), 0);
    const Rgb white = background_rgb(Colour::White), red = object_rgb(Colour::Red), blue = object_rgb(Colour::Blue);
    int red_in_left = 0, red_pixels = 0, blue_in_right = 0, blue_pixels = 0, background = 0, elsewhere = 0;
    for (int y = 0; y < 64; ++y)
      for (int x = 0; x < 64; ++x) {
        const Rgb px = rgb_at(img, y, x);
        if (px == red) ++red_pixels, red_in_left += left.at<uint8_t>(y, x) == 255;
        if (px == blue) ++blue_pixels, blue_in_right += right.at<uint8_t>(y, x) == 255;
        if (px == white) ++background;
        if (left.at<uint8_t>(y, x) == 0 && right.at<uint8_t>(y, x) == 0) elsewhere += !(px == white);
      }
    QVERIFY(red_pixels > 100 && blue_pixels > 40);
    QCOMPARE(red_in_left, red_pixels);
    QCOMPARE(blue_in_right, blue_pixels);
    QVERIFY(background > 2000);
    QCOMPARE(elsewhere, 0);  // no companion drawn
    // A look leaves "{}" slots in caption order.
    p.first.look = personal_instances()[0].look;
    p.second.look = personal_instances()[1].look;
    QCOMPARE(QString::fromStdString(fill_caption(fill_caption(caption(p), "<a>"), "<b>")),
             QString("a small <a> on the left, on a white background, next to a small <b> on the right"));
  }

  void personal_instances_are_off_distribution_and_photographed_deterministically() {
    const auto& instances = personal_instances();
    QVERIFY(instances.size() >= 5);
    std::set<std::string> names;
    std::set<int> classes;
    for (const Instance& inst : instances) {
      names.insert(inst.name);
      classes.insert(int(inst.shape));
      QCOMPARE(find_instance(inst.name).name, inst.name);
      // Off the palette: every colour it shows is far from every world colour.
      std::vector<Rgb> shown = {inst.look.primary};
      if (inst.look.pattern != Pattern::Solid) shown.push_back(inst.look.secondary);
      if (inst.look.outline) shown.push_back(*inst.look.outline);
      for (const Rgb& c : shown)
        for (Colour w : kObjectColours) {
          QVERIFY2(delta_e(c, object_rgb(w)) > 12, (inst.name + " vs " + colour_name(w)).c_str());
          QVERIFY2(delta_e(c, texture_rgb(w)) > 12, (inst.name + " vs texture " + colour_name(w)).c_str());
        }

      const auto photos = render_photos(inst, 8, 5);
      const auto again = render_photos(inst, 3, 5);
      QCOMPARE(int(photos.size()), 8);
      std::set<std::string> captions;
      for (size_t i = 0; i < photos.size(); ++i) {
        QCOMPARE(photos[i].image.rows, 64);
        QVERIFY(photos[i].caption_template.find("{}") != std::string::npos);
        QVERIFY(!photos[i].spec.companion);
        QVERIFY(is_legible(photos[i].spec));
        captions.insert(photos[i].caption_template);
        if (i < again.size()) QCOMPARE(cv::norm(photos[i].image, again[i].image, cv::NORM_INF), 0.0);
      }
      QVERIFY2(captions.size() >= 5, inst.name.c_str());  // varied position, size and background
    }
    QCOMPARE(names.size(), instances.size());
    QVERIFY(classes.size() >= 5);
    QVERIFY_THROWS_EXCEPTION(Error, find_instance("no-such-thing"));
  }

  void free_looks_cover_every_pattern_and_hold_out_each_instance() {
    Rng world(17), a(4), b(4);
    std::set<int> patterns;
    int outlined = 0, off_palette = 0;
    constexpr int kDraws = 600;
    for (int i = 0; i < kDraws; ++i) {
      SceneSpec s = sample_scene(world, Split::Train);
      const Look look = sample_free_look(s, a);
      const Look again = sample_free_look(s, b);
      QVERIFY(look.primary == again.primary && look.pattern == again.pattern);  // deterministic
      QVERIFY(!resembles_instance(s.shape, look));
      s.look = look;
      QVERIFY(is_legible(s));
      patterns.insert(int(look.pattern));
      outlined += look.outline.has_value();
      double nearest = 1e9;
      for (Colour w : kObjectColours) nearest = std::min(nearest, delta_e(look.primary, object_rgb(w)));
      off_palette += nearest > 12;
      // Captioned by the shape alone, which the grammar's tokens already cover.
      const std::string text = fill_caption(caption(s), shape_name(s.shape));
      QVERIFY2(text.rfind(std::string("a ") + size_name(s.size) + " " + shape_name(s.shape) + " ", 0) == 0, text.c_str());
    }
    QCOMPARE(int(patterns.size()), kPatternCount);
    QVERIFY2(outlined > kDraws / 5 && outlined < kDraws / 2, std::to_string(outlined).c_str());
    QVERIFY2(off_palette > kDraws * 3 / 4, std::to_string(off_palette).c_str());
    // Each instance's own look on its own shape is held out; on another shape it is not.
    for (const Instance& inst : personal_instances()) QVERIFY2(resembles_instance(inst.shape, inst.look), inst.name.c_str());
    const Look halves = find_instance("twotone-star").look;
    QVERIFY(resembles_instance(Shape::Star, halves));
    QVERIFY(!resembles_instance(Shape::Circle, halves));
    Look outlined_square = find_instance("diagonal-square").look;
    outlined_square.outline = Rgb{0, 0, 0};
    QVERIFY(resembles_instance(Shape::Square, outlined_square));  // still the square's pattern
    outlined_square.pattern = Pattern::Dots;
    QVERIFY(!resembles_instance(Shape::Square, outlined_square));
    QVERIFY(resembles_instance(Shape::Heart, outlined_square));  // any outline on a heart
  }

  void free_looks_are_described_in_the_worlds_words() {
    const auto shifted = [](uint8_t v) { return static_cast<uint8_t>(v < 128 ? v + 6 : v - 6); };
    for (const Colour c : kObjectColours) {
      const Rgb rgb = object_rgb(c);
      QCOMPARE(int(nearest_object_colour(rgb)), int(c));
      QCOMPARE(int(nearest_object_colour(Rgb{shifted(rgb.r), shifted(rgb.g), shifted(rgb.b)})), int(c));
    }
    Look look;
    look.pattern = Pattern::Halves;
    look.primary = object_rgb(Colour::Red);
    look.secondary = object_rgb(Colour::Blue);
    look.outline = object_rgb(Colour::Black);
    QCOMPARE(look_description(look, Shape::Star), std::string("black outlined red and blue halved star"));
    look.outline.reset();
    look.pattern = Pattern::Diagonal;
    QCOMPARE(look_description(look, Shape::Circle), std::string("red and blue diagonally striped circle"));
    look.secondary = Rgb{230, 40, 40};  // a second red: one named colour, patterned
    look.pattern = Pattern::Dots;
    QCOMPARE(look_description(look, Shape::Heart), std::string("red dotted heart"));
    look.pattern = Pattern::Solid;
    QCOMPARE(look_description(look, Shape::Square), std::string("red square"));
    // Every pattern gets its own words, and the shape word always comes last.
    std::set<std::string> descriptions;
    for (int p = 0; p < kPatternCount; ++p) {
      look.pattern = static_cast<Pattern>(p);
      look.secondary = object_rgb(Colour::Yellow);
      const std::string text = look_description(look, Shape::Triangle);
      QVERIFY2(text.size() > 9 && text.compare(text.size() - 9, 9, " triangle") == 0, text.c_str());
      descriptions.insert(text);
    }
    QCOMPARE(int(descriptions.size()), kPatternCount);
  }

  void scorer_reads_attributes_back_from_renders() {
    const auto [clean, noisy] = score_renders(600, 64, 2024);
    report("scorer at 64x64", clean, noisy);
    for (const auto& [name, rate] : clean.rates()) QVERIFY2(rate >= 0.95, ("clean " + name).c_str());
    for (const auto& [name, rate] : noisy.rates()) QVERIFY2(rate >= 0.95, ("noisy " + name).c_str());

    const auto [clean128, noisy128] = score_renders(200, 128, 77);
    report("scorer at 128x128", clean128, noisy128);
    for (const auto& [name, rate] : clean128.rates()) QVERIFY2(rate >= 0.95, ("128 clean " + name).c_str());
    const auto [unused, harsh] = score_renders(300, 64, 79, 1.2, 16.0);
    report("scorer at 64x64, informative: blur 1.2 px, noise 16 (second column)", unused, harsh);
    const auto [clean32, noisy32] = score_renders(200, 32, 78);
    report("scorer at 32x32 (informative only: patterns are 2-3 pixels there)", clean32, noisy32);
  }

  void scorer_refuses_bad_input_and_sees_empty_scenes() {
    QVERIFY_THROWS_EXCEPTION(Error, score_scene(cv::Mat()));
    QVERIFY_THROWS_EXCEPTION(Error, score_scene(cv::Mat(64, 64, CV_8UC1, cv::Scalar(0))));
    const Rgb gray = background_rgb(Colour::Gray);
    const SceneScore empty = score_scene(cv::Mat(64, 64, CV_8UC3, cv::Scalar(gray.r, gray.g, gray.b)));
    QVERIFY(!empty.has_object);
    QVERIFY(!empty.companion);
    QCOMPARE(int(empty.background), int(Colour::Gray));
  }

  void fidelity_ranks_the_instance_above_its_class() {
    std::printf("concept fidelity (references: 5 photos; 40 other photos of it vs 80 same-class objects:\n"
                "  40 in the other instances' looks, 40 in world colours and textures)\n");
    std::printf("  %-17s %6s %6s %6s %6s %6s | %6s %6s %6s %6s %6s\n", "instance", "pos", "neg", "minpos", "maxneg", "AUC",
                "pos*", "neg*", "minpo*", "maxne*", "AUC*");
    for (const Instance& inst : personal_instances()) {
      std::vector<cv::Mat> refs;
      for (const auto& p : render_photos(inst, 5, 100)) refs.push_back(p.image);
      const ConceptReference reference = make_concept_reference(inst.shape, refs);

      Rng noise(3), world(9);
      std::vector<double> pos, neg, pos_noisy, neg_noisy;
      for (const auto& p : render_photos(inst, 40, 200)) {
        pos.push_back(concept_fidelity(p.image, reference).score);
        pos_noisy.push_back(concept_fidelity(degrade(p.image, noise), reference).score);
      }
      // The hardest negatives: the other instances' looks (also off-palette) on this class.
      for (const Instance& other : personal_instances()) {
        if (other.name == inst.name) continue;
        Instance lookalike = other;
        lookalike.shape = inst.shape;
        for (const auto& p : render_photos(lookalike, 8, 300)) {
          neg.push_back(concept_fidelity(p.image, reference).score);
          neg_noisy.push_back(concept_fidelity(degrade(p.image, noise), reference).score);
        }
      }
      while (neg.size() < 80) {
        SceneSpec s = sample_scene(world, Split::Train);
        s.shape = inst.shape;  // same class, world colours and textures
        if (!is_legible(s)) continue;
        const cv::Mat image = render(s, 64);
        neg.push_back(concept_fidelity(image, reference).score);
        neg_noisy.push_back(concept_fidelity(degrade(image, noise), reference).score);
      }
      for (double v : pos) QVERIFY(v >= 0 && v <= 1);
      const double auc = pairwise_auc(pos, neg), auc_noisy = pairwise_auc(pos_noisy, neg_noisy);
      auto lo = [](const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); };
      auto hi = [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); };
      std::printf("  %-17s %6.3f %6.3f %6.3f %6.3f %6.3f | %6.3f %6.3f %6.3f %6.3f %6.3f\n", inst.name.c_str(), mean(pos),
                  mean(neg), lo(pos), hi(neg), auc, mean(pos_noisy), mean(neg_noisy), lo(pos_noisy), hi(neg_noisy), auc_noisy);
      std::fflush(stdout);
      QVERIFY2(auc >= 0.95, inst.name.c_str());
      QVERIFY2(auc_noisy >= 0.95, (inst.name + " (noisy)").c_str());
    }
    std::printf("  (* = blurred and noisy)\n");
    QVERIFY_THROWS_EXCEPTION(Error, make_concept_reference(Shape::Star, {}));
  }

  void contact_sheet() {
    // 4 rows of random world scenes, a row of free looks, one row of 8 photos per personal
    // instance, then a row of paired scenes.
    constexpr int kTile = 64, kGap = 2, kColumns = 8;
    std::vector<cv::Mat> tiles;
    Rng rng(2025);
    for (int i = 0; i < 32; ++i) tiles.push_back(render(sample_scene(rng, i % 8 == 7 ? Split::HeldOut : Split::Train), kTile));
    for (int i = 0; i < kColumns; ++i) {  // a row of free looks
      SceneSpec s = sample_scene(rng, Split::Train);
      s.look = sample_free_look(s, rng);
      tiles.push_back(render(s, kTile));
    }
    for (const Instance& inst : personal_instances())
      for (const auto& p : render_photos(inst, kColumns, 1)) tiles.push_back(p.image);
    for (int i = 0; i < kColumns; ++i) {  // a row of paired scenes, half of them with free looks
      PairedScene pair = sample_paired_scene(rng, Split::Train);
      if (i % 2) pair.second.look = sample_free_look(pair.second, rng);
      tiles.push_back(render(pair, kTile));
    }
    const int rows = int(tiles.size()) / kColumns;
    cv::Mat sheet(rows * (kTile + kGap) + kGap, kColumns * (kTile + kGap) + kGap, CV_8UC3, cv::Scalar(60, 60, 60));
    for (size_t i = 0; i < tiles.size(); ++i) {
      const int r = int(i) / kColumns, c = int(i) % kColumns;
      tiles[i].copyTo(sheet(cv::Rect(kGap + c * (kTile + kGap), kGap + r * (kTile + kGap), kTile, kTile)));
    }
    cv::Mat bgr;
    cv::cvtColor(sheet, bgr, cv::COLOR_RGB2BGR);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("toyworld-sheet.png").toStdString();
    QVERIFY(cv::imwrite(path, bgr));
    const cv::Mat back = cv::imread(path, cv::IMREAD_COLOR);
    QCOMPARE(back.rows, sheet.rows);
    QCOMPARE(cv::norm(back, bgr, cv::NORM_INF), 0.0);
    if (const char* out = std::getenv("PERFUSION_TOYWORLD_SHEET"); out && *out) QVERIFY(cv::imwrite(out, bgr));
  }
};

QTEST_APPLESS_MAIN(ToyWorldTest)
#include "test_toyworld.moc"
