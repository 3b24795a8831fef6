#pragma once
// A sampler in the diffusers sense: a small stateful object that turns the guided UNet
// output of each call into the next latents. The pipeline drives it:
//   scheduler->set_timesteps(steps);
//   latents = randn(shape, gen).to(device) * scheduler->init_noise_sigma();
//   for (i = 0; i < scheduler->timesteps().size(0); ++i) {
//     input = scheduler->scale_model_input(latents, i);   // UNet at t = timesteps()[i]
//     latents = scheduler->step(guided_noise, i, latents, gen);
//   }
// All schedulers reproduce diffusers v0.25.1 numerically (epsilon prediction only).
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <string>

namespace perfusion::sampling {

enum class SamplerKind { Pndm, Ddim, Euler, EulerAncestral, DpmppTwoM };

struct SamplerOptions {
  SamplerKind kind = SamplerKind::Pndm;
  bool karras = false;  // Karras sigmas: Euler and DPM++ 2M only
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;

  // Throws perfusion::Error unless 1 <= steps <= num_train_timesteps; resets all state.
  virtual void set_timesteps(int64_t num_inference_steps) = 0;
  // One entry per UNet call, CPU: int64 (PNDM, DDIM, DPM++) or float32 (Euler, Euler a).
  virtual at::Tensor timesteps() const = 0;
  // float32 CPU sigma table (Euler, DPM++: one more entry than calls); undefined otherwise.
  virtual at::Tensor sigmas() const { return {}; }
  int64_t num_calls() const { return timesteps().size(0); }
  // The initial noise is multiplied by this (float32 value of the reference).
  virtual double init_noise_sigma() const = 0;
  virtual at::Tensor scale_model_input(const at::Tensor& sample, int64_t call_index) const;
  // model_output: the guided noise prediction. Computes in float32 and returns float32 on
  // the sample's device. Noise is drawn from the CPU generator `gen` where the reference
  // draws (Euler ancestral uses it; plain Euler draws and discards it, like diffusers).
  // Stateful schedulers (PNDM, DPM++) require call_index 0, 1, 2, ... in order.
  virtual at::Tensor step(const at::Tensor& model_output, int64_t call_index, const at::Tensor& sample,
                          at::Generator& gen) = 0;

 protected:
  void check_call_index(int64_t call_index) const;
};

// scheduler_config: the model's diffusers scheduler_config.json (the SD1.5 PNDM config);
// each sampler takes the keys it uses, with diffusers' per-class timestep_spacing default.
std::unique_ptr<Scheduler> make_scheduler(const SamplerOptions& options, const nlohmann::json& scheduler_config);

// "pndm", "ddim", "euler", "euler_a", "dpmpp_2m"; perfusion::Error otherwise.
SamplerKind parse_sampler(const std::string& name);
// The identifier parse_sampler accepts.
std::string sampler_id(SamplerKind kind);
// The name A1111 writes in image metadata, e.g. "Euler a", "DPM++ 2M Karras".
std::string sampler_display_name(const SamplerOptions& options);

}  // namespace perfusion::sampling
